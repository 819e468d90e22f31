"""Decisions at the meeting: within budget, suggested by the method's §8, locked when decided."""

from typing import Any

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, Decision, MeetingNote, Stage, User
from panel.rounds import services as rounds
from tests.conftest import AuthActions
from tests.panel.results.drafting import confirm_all, write_reasons


def _decisions(round_id: int) -> dict[str, tuple[str, int, str]]:
    rows = db.session.execute(db.select(Decision).where(Decision.round_id == round_id)).scalars()
    return {d.application_id: (d.outcome, d.amount_awarded_pence, d.status) for d in rows}


def test_suggest_allocation_fills_drafts_as_scoring_md_vector_7(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    round_id = worked["round"].id
    client.post(f"/rounds/{round_id}/decisions/suggest")
    apps = worked["apps"]
    got = _decisions(round_id)
    funded = {ref for ref, a in apps.items() if got[a.id][0] == "fund"}
    assert funded == {"F", "A", "B"}  # £11,000, skip: F, A, B (£10,500)
    assert got[apps["F"].id] == ("fund", 5_000_00, "draft")
    assert got[apps["E"].id][0] == "reserve"
    page = client.get(f"/rounds/{round_id}/decisions").get_data(as_text=True)
    assert "£10,500" in page and "£500 left" in page


def test_a_decision_needs_a_reason_and_a_part_award_needs_a_smaller_amount(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    url = f"/rounds/{worked['round'].id}/decisions/{worked['apps']['A'].id}"
    page = client.post(
        url, data={"outcome": "part", "amount": "5000", "reason": "", "version": "0"}
    ).get_data(as_text=True)
    assert "Write the reason the applicant will read" in page
    page = client.post(
        url, data={"outcome": "part", "amount": "5000", "reason": "Good project", "version": "0"}
    ).get_data(as_text=True)
    assert "less than the amount asked for" in page
    assert 'href="#amount"' in page  # the message sits by the amount field
    assert db.session.execute(db.select(Decision)).first() is None
    response = client.post(
        url, data={"outcome": "part", "amount": "£2,500", "reason": "Good project", "version": "0"}
    )
    assert response.status_code == 302
    decision = db.session.execute(db.select(Decision)).scalar_one()
    assert (decision.outcome, decision.amount_awarded_pence, decision.status) == (
        "part",
        2_500_00,
        "confirmed",
    )
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "decision.recorded")
    ).scalar_one()
    assert event.after is not None and event.after["amount_awarded_pence"] == 2_500_00


def test_going_over_the_budget_needs_an_explicit_tick(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    round_id = worked["round"].id
    for ref in ("F", "A"):
        client.post(
            f"/rounds/{round_id}/decisions/{worked['apps'][ref].id}",
            data={"outcome": "fund", "reason": "Strong", "version": "0"},
        )
    url = f"/rounds/{round_id}/decisions/{worked['apps']['C'].id}"
    strong = {"outcome": "fund", "reason": "Strong", "version": "0"}
    page = client.post(url, data=strong).get_data(as_text=True)
    assert "over the budget" in page
    assert 'href="#over_budget_ok"' in page
    assert worked["apps"]["C"].id not in _decisions(round_id)
    client.post(url, data={**strong, "over_budget_ok": "y"})
    assert _decisions(round_id)[worked["apps"]["C"].id][0] == "fund"
    page = client.get(f"/rounds/{round_id}/decisions").get_data(as_text=True)
    assert "over the budget" in page


def test_a_stale_decision_form_is_refused_with_409(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    url = f"/rounds/{worked['round'].id}/decisions/{worked['apps']['B'].id}"
    client.post(url, data={"outcome": "decline", "reason": "First", "version": "0"})
    client.post(url, data={"outcome": "decline", "reason": "Second", "version": "1"})
    stale = client.post(url, data={"outcome": "fund", "reason": "Stale", "version": "1"})
    assert stale.status_code == 409
    decision = db.session.execute(db.select(Decision)).scalar_one()
    assert decision.reason == "Second"


def test_the_round_can_be_decided_only_when_every_application_has_a_confirmed_decision(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    round_ = worked["round"]
    assert rounds.stage_problems(round_, Stage.DECIDED) == [
        "6 applications need a confirmed decision."
    ]
    AuthActions(client).login(staff)
    client.post(f"/rounds/{round_.id}/decisions/suggest")
    write_reasons(client, round_.id)
    confirm_all(client, round_.id)
    assert rounds.stage_problems(round_, Stage.DECIDED) == []
    client.post(f"/rounds/{round_.id}/stage", data={"expected": "panel"})
    db.session.refresh(round_)
    assert round_.stage == Stage.DECIDED
    url = f"/rounds/{round_.id}/decisions/{worked['apps']['D'].id}"
    locked = client.post(url, data={"outcome": "fund", "reason": "Too late", "version": "3"})
    assert locked.status_code == 409
    assert "decided: its decisions are locked" in locked.get_data(as_text=True)


def test_meeting_notes_are_kept_and_a_stale_note_is_not_overwritten(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 24: a stale meeting note is not overwritten."""
    AuthActions(client).login(staff)
    url = f"/rounds/{worked['round'].id}/meeting/{worked['apps']['C'].id}/note"
    client.post(url, data={"body": "P5 explained their low score.", "version": "0"})
    client.post(url, data={"body": "Agreed to discuss again.", "version": "1"})
    stale = client.post(url, data={"body": "Overwrite attempt", "version": "1"})
    assert stale.status_code == 409
    assert "Agreed to discuss again." in stale.get_data(as_text=True)
    note = db.session.execute(db.select(MeetingNote)).scalar_one()
    assert note.body == "Agreed to discuss again." and note.version == 2


def test_method_settings_change_the_ranking_and_are_audited(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    round_id = worked["round"].id
    client.post(
        f"/rounds/{round_id}/method",
        data={
            "rank_by": "calibrated",
            "calibrate": "y",
            "allocation_policy": "skip",
            "min_percent": "0",
            "sd_flag_percent": "20",
            "range_flag_percent": "40",
        },
    )
    page = client.get(f"/rounds/{round_id}/results").get_data(as_text=True)
    # docs/scoring-method.md vector 3: calibrated order F, A, C, E, B, D
    positions = [page.index(f"Group {ref}") for ref in "FACEBD"]
    assert positions == sorted(positions)
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "round.method_changed")
    ).scalar_one()
    assert event.after is not None and event.after["rank_by"] == "calibrated"
    bad = client.post(
        f"/rounds/{round_id}/method",
        data={
            "rank_by": "mean",
            "allocation_policy": "skip",
            "min_percent": "150",
            "sd_flag_percent": "20",
            "range_flag_percent": "40",
        },
    )
    assert bad.status_code == 400 and "Enter a percentage from 0 to 100" in bad.get_data(
        as_text=True
    )
