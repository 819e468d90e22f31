"""Closing the loop (issue 14): after Decided the panel reads what was decided; "You said, we
did" is the panel's, and the public's at /fund/<slug> only once staff publish it."""

from datetime import timedelta
from typing import Any

from flask.testing import FlaskClient

from panel.codesign import services as codesign
from panel.coproduction.services.entries import add_offscreen
from panel.extensions import db
from panel.models import ActivityKind, AuditEvent, CoproStage, Criterion, Stage, User
from panel.models.types import uk_today
from tests.conftest import AuthActions
from tests.factories import gen_decision
from tests.pages import without_tokens


def _decide(world: dict[str, Any], staff: User) -> None:
    apps = world["apps"]
    gen_decision(apps["F"], staff, reason="Top of the ranking, and it fits.", commit=False)
    gen_decision(apps["A"], staff, outcome="part", amount_pence=3_000_00, commit=False)
    for letter in "BCDE":
        gen_decision(
            apps[letter], staff, outcome="decline", reason=f"Reason for {letter}.", commit=False
        )
    apps["F"].location = "Riverside ward"
    world["round"].stage = Stage.DECIDED
    db.session.commit()


def test_the_panel_reads_the_decisions_of_a_decided_round_and_not_before(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    round_ = worked["round"]
    panellist = worked["panel"][0]
    AuthActions(client).login(panellist)
    before = client.get(f"/rounds/{round_.id}/decisions").get_data(as_text=True)
    assert "once the round is decided" in before and "Reason for B" not in before
    _decide(worked, staff)
    page = client.get(f"/rounds/{round_.id}/decisions")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Top of the ranking, and it fits." in text and "Reason for B." in text
    assert "Awarded £8,000 of the £11,000 budget to 2 projects" in text
    assert "contact" not in text.lower()
    assert client.get(f"/rounds/{round_.id}/you-said-we-did").status_code == 200


def test_you_said_we_did_is_public_only_once_published_and_holds_nothing_personal(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 58: 404 until published and again once taken down; no names, reasons or scores."""
    round_ = worked["round"]
    proposer = worked["panel"][1]
    kept = Criterion(
        round_id=round_.id, title="Helps older people", description="d", proposed_by_id=proposer.id
    )
    dropped = Criterion(
        round_id=round_.id, title="Uses local firms", description="d", proposed_by_id=proposer.id
    )
    db.session.add_all([kept, dropped])
    round_.stage = Stage.CODESIGN
    db.session.commit()
    codesign.remove(criterion=dropped, actor=staff, reason="Procurement rules already cover it.")
    db.session.commit()
    add_offscreen(
        person=proposer,
        kind=ActivityKind.WORKSHOP,
        happened_on=uk_today() - timedelta(days=3),
        minutes=90,
        note="",
        round_=round_,
        stage=CoproStage.CODESIGN,
        actor=staff,
    )
    _decide(worked, staff)
    public = f"/fund/{round_.slug}"
    assert client.get(public).status_code == 404  # decided, not published
    assert client.get("/fund/no-such-round").status_code == 404
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/you-said-we-did").get_data(as_text=True)
    assert "Not public" in page
    client.post(f"/rounds/{round_.id}/you-said-we-did/publish")
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "round.outcome_published")
    ).scalar_one()
    assert event.round_id == round_.id
    AuthActions(client).logout()
    response = client.get(public)
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "Uses local firms" in text and "Procurement rules already cover it." in text
    assert "Helps older people" in text
    assert "Project F" in text and "Riverside ward" in text and "£5,000" in text
    assert "Reason for B" not in text and "Top of the ranking" not in text  # no reasons
    for person in worked["panel"]:
        assert person.display_name not in text
    assert "mean" not in without_tokens(text).lower() and "score of" not in text.lower()
    # Who took part stays off the public page until staff publish the co-production totals.
    assert "took part" not in text and "Co-design (criteria)" not in text
    AuthActions(client).login(proposer)
    panel_page = client.get(f"/rounds/{round_.id}/you-said-we-did").get_data(as_text=True)
    assert "Co-design (criteria): 1 resident" in panel_page
    AuthActions(client).logout()
    # Taken down again: 404 for everyone outside.
    AuthActions(client).login(staff)
    client.post(f"/rounds/{round_.id}/you-said-we-did/publish")
    AuthActions(client).logout()
    assert client.get(public).status_code == 404


def test_a_round_that_is_not_decided_cannot_be_published(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    round_ = worked["round"]
    AuthActions(client).login(staff)
    client.post(f"/rounds/{round_.id}/you-said-we-did/publish")
    db.session.refresh(round_)
    assert round_.outcome_published_at is None
    AuthActions(client).logout()
    assert client.get(f"/fund/{round_.slug}").status_code == 404
