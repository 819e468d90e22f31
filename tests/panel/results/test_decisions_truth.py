"""Decisions that tell the truth (issue 14): suggestions fill outcomes only, people write each
reason starting from sentences true for the application, the quorum is never the applicant's
fault, part awards stay in the award range, and "Confirm all drafts" shows what it confirms."""

import re
from typing import Any

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, Decision, Stage, User
from panel.results import decisions
from panel.results.services import compute
from panel.rounds import services as rounds
from tests.conftest import AuthActions
from tests.panel.results.drafting import confirm_all, shown_drafts, write_reasons
from tests.panel.results.truth import check_sentences_against_figures
from tests.worlds import gen_meeting_round


def test_a_suggestion_fills_outcomes_only_and_leaves_short_applications_alone(
    client: FlaskClient, staff: User
) -> None:
    """Item 57: no machine-written reason, and no draft for an application below the quorum."""
    world = gen_meeting_round(
        staff, {"A": (5, 5, 5), "B": (4, 4, 4), "C": (1, 1, 1)}, quorum=3, budget_pence=2_000_00
    )
    round_ = world["round"]
    # One of C's three reviews is set aside by a conflict: C has 2 of the 3 scores needed.
    from tests.factories import gen_conflict

    gen_conflict(world["apps"]["C"], world["panel"][0])
    AuthActions(client).login(staff)
    client.post(f"/rounds/{round_.id}/decisions/suggest")
    made = {d.application_id: d for d in db.session.execute(db.select(Decision)).scalars()}
    assert world["apps"]["C"].id not in made  # needs more scores, never declined by a machine
    assert {d.reason for d in made.values()} == {""}
    assert {d.status for d in made.values()} == {"draft"}
    page = client.get(f"/rounds/{round_.id}/decisions").get_data(as_text=True)
    assert "Needs more scores" in page and "C: 2 of 3 scores" in page
    assert "Panellist 1" not in page.split("Needs more scores")[1].split("</ul>")[0]
    problems = rounds.stage_problems(round_, Stage.DECIDED)
    assert any("more scores (C)" in p for p in problems)
    assert check_sentences_against_figures(round_) >= 3


def test_a_short_application_is_settled_only_with_how_it_was_resolved(
    client: FlaskClient, staff: User
) -> None:
    """Item 57: the round cannot be Decided while a short application is unresolved."""
    world = gen_meeting_round(staff, {"A": (5, 5), "C": (2, 2)}, quorum=2)
    from tests.factories import gen_conflict

    gen_conflict(world["apps"]["C"], world["panel"][0])
    round_ = world["round"]
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/decisions/{world['apps']['C'].id}"
    sentence = client.get(url).get_data(as_text=True)
    assert "did not give your application enough scores to rank it (1 of the 2 needed)" in sentence
    base = {"outcome": "decline", "reason": "The panel could not agree.", "version": "0"}
    refused = client.post(url, data=base)
    assert refused.status_code == 400
    assert "fewer scores than the quorum" in refused.get_data(as_text=True)
    refused = client.post(url, data={**base, "resolution": "without_score"})
    assert 'href="#resolution_note"' in refused.get_data(as_text=True)
    done = client.post(
        url,
        data={**base, "resolution": "without_score", "resolution_note": "Out of area, agreed."},
    )
    assert done.status_code == 302
    client.post(
        f"/rounds/{round_.id}/decisions/{world['apps']['A'].id}",
        data={"outcome": "fund", "reason": "Strong plan.", "version": "0"},
    )
    assert rounds.stage_problems(round_, Stage.DECIDED) == []
    c = db.session.execute(
        db.select(Decision).where(Decision.application_id == world["apps"]["C"].id)
    ).scalar_one()
    assert (c.quorum_resolution, c.quorum_note) == ("without_score", "Out of area, agreed.")


def test_starting_sentences_are_true_on_the_worked_panel(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 57: the lowest ranked application is never told it scored well, and a sentence
    chosen on the page fills the reason for a person to edit."""
    round_ = worked["round"]
    assert check_sentences_against_figures(round_) >= 6
    AuthActions(client).login(staff)
    lowest = min(compute(round_).result.applications, key=lambda r: r.mean or 0).reference
    url = f"/rounds/{round_.id}/decisions/{worked['apps'][lowest].id}"
    page = client.get(url).get_data(as_text=True)
    assert "scored this application well" not in page and "scored highly" not in page
    filled = client.get(url + "?start=0").get_data(as_text=True)
    first = decisions.sentences_for(compute(round_))[lowest][0]
    textarea = filled.split('name="reason"')[1].split("</textarea>")[0]
    assert first.split(":")[0] in textarea


def test_a_part_award_must_lie_within_the_award_range(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """A £50 part award in a £250 to £5,000 round is refused with the range in the message."""
    AuthActions(client).login(staff)
    url = f"/rounds/{worked['round'].id}/decisions/{worked['apps']['A'].id}"
    data = {"outcome": "part", "amount": "50", "reason": "Core costs only", "version": "0"}
    refused = client.post(url, data=data)
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "within this round&#39;s award range, £250 to £5,000" in text
    assert db.session.execute(db.select(Decision)).first() is None
    assert client.post(url, data={**data, "amount": "300"}).status_code == 302


def test_confirm_all_shows_what_it_confirms_and_never_confirms_nothing(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 57: drafts without a reason are not confirmed; "0 confirmed" is never a success."""
    round_id = worked["round"].id
    AuthActions(client).login(staff)
    client.post(f"/rounds/{round_id}/decisions/suggest")
    preview = client.get(f"/rounds/{round_id}/decisions/confirm").get_data(as_text=True)
    assert "No draft decision is ready to confirm" in preview
    refused = client.post(f"/rounds/{round_id}/decisions/confirm", data={"drafts": ""})
    assert refused.status_code == 400
    assert "confirmed" not in " ".join(
        e for e in re.findall(r"flash[^>]*>([^<]*)<", refused.get_data(as_text=True))
    )
    f = worked["apps"]["F"]
    client.post(
        f"/rounds/{round_id}/decisions/{f.id}",
        data={
            "outcome": "fund",
            "reason": "Top of the ranking.",
            "version": "1",
            "action": "draft",
        },
    )
    shown = shown_drafts(client, round_id)
    assert shown == f"{f.id}:2"
    preview = client.get(f"/rounds/{round_id}/decisions/confirm").get_data(as_text=True)
    assert "Top of the ranking." in preview and "Confirm these 1 decision" in preview
    assert "Still drafts: no reason yet" in preview
    # Someone changes F after the list was shown: the old list is refused.
    client.post(
        f"/rounds/{round_id}/decisions/{f.id}",
        data={"outcome": "fund", "reason": "Changed.", "version": "2", "action": "draft"},
    )
    stale = client.post(f"/rounds/{round_id}/decisions/confirm", data={"drafts": shown})
    assert stale.status_code == 409
    done = confirm_all(client, round_id)
    assert done.status_code == 302
    statuses = {
        d.application_id: (d.status, d.reason)
        for d in db.session.execute(db.select(Decision)).scalars()
    }
    assert statuses[f.id] == ("confirmed", "Changed.")
    assert sum(1 for s, _ in statuses.values() if s == "confirmed") == 1
    assert write_reasons(client, round_id) == 5


def test_the_panels_recommendation_is_kept_beside_the_decision_and_exported(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    round_id = worked["round"].id
    AuthActions(client).login(staff)
    client.post(
        f"/rounds/{round_id}/decisions/{worked['apps']['B'].id}",
        data={
            "outcome": "decline",
            "reason": "Others met the aims more closely.",
            "version": "0",
            "recommendation": "recommend",
            "chair_note": "The panel liked the youth work.",
        },
    )
    d = db.session.execute(db.select(Decision)).scalar_one()
    assert (d.panel_recommendation, d.chair_note) == (
        "recommend",
        "The panel liked the youth work.",
    )
    page = client.get(f"/rounds/{round_id}/decisions").get_data(as_text=True)
    assert "Panel recommended" in page and "Recommend" in page
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "decision.recorded")
    ).scalar_one()
    assert event.after is not None and event.after["panel_recommendation"] == "recommend"
    from tests.panel.results.export_reading import export_bytes, records, workbook

    book = workbook(export_bytes(round_id, "xlsx"))
    row = next(r for r in records(book["Decisions"]) if r["Reference"] == "B")
    assert row["Panel recommendation"] == "Recommend" and row["Decision"] == "Decline"
    assert row["Chair's note"] == "The panel liked the youth work."
    feedback = records(workbook(export_bytes(round_id, "feedback")).active)
    b = next(r for r in feedback if r["Reference"] == "B")
    assert (b["Panel recommendation"], b["Decision"]) == ("Recommend", "Decline")


def test_the_database_refuses_a_confirmed_decision_without_a_reason(
    staff: User, worked: dict[str, Any]
) -> None:
    """Item 57: whatever writes it, a confirmed decision with no reason is not stored."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    db.session.add(
        Decision(
            round_id=worked["round"].id,
            application_id=worked["apps"]["A"].id,
            outcome="decline",
            amount_awarded_pence=0,
            reason="",
            status="confirmed",
            decided_by_id=staff.id,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
