"""The budget holds: under concurrent saves, for suggested drafts and when drafts are confirmed."""

import threading
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Application, AuditEvent, Decision, FundingRound, Outcome, User
from panel.results import decisions
from tests.conftest import AuthActions
from tests.factories import gen_staff
from tests.panel.results.drafting import confirm_all, write_reasons
from tests.worlds import gen_meeting_round

FOUR = {"A": (5, 5), "B": (4, 4), "C": (3, 3), "D": (2, 2)}


def _by_reference(round_id: int) -> dict[str, tuple[str, int, str]]:
    rows = db.session.execute(
        db.select(
            Application.reference, Decision.outcome, Decision.amount_awarded_pence, Decision.status
        )
        .join(Application, Decision.application_id == Application.id)
        .where(Decision.round_id == round_id)
    ).all()
    return {ref: (outcome, amount, status) for ref, outcome, amount, status in rows}


def _confirmed_total(round_id: int) -> int:
    return sum(a for _, a, s in _by_reference(round_id).values() if s == "confirmed")


def test_two_staff_funding_at_the_same_moment_cannot_both_go_over_the_budget(
    app: Flask, staff: User
) -> None:
    """Item 34: two staff fund £2,000 each on a £3,000 budget at the same moment. The second
    waits for the first to commit (the round row is locked before the budget is read; SQLite
    serialises writes anyway) and is refused; only £2,000 is awarded."""
    world = gen_meeting_round(
        staff, {"A": (5,), "B": (4,)}, amount_pence=2_000_00, budget_pence=3_000_00
    )
    other = gen_staff(name="Ola Other", email="ola.other@example.org")
    round_id = world["round"].id
    plan = [("first", staff.id, world["apps"]["A"].id), ("second", other.id, world["apps"]["B"].id)]
    db.session.commit()
    first_wrote = threading.Event()
    outcomes: dict[str, str] = {}

    def fund(name: str, actor_id: int, application_id: int) -> None:
        with app.app_context():
            try:
                if name == "second":
                    first_wrote.wait(10)  # the first has read the budget and written
                round_ = db.session.get(FundingRound, round_id)
                application = db.session.get(Application, application_id)
                actor = db.session.get(User, actor_id)
                assert round_ is not None and application is not None and actor is not None
                decisions.decide(
                    round_=round_,
                    application=application,
                    outcome=Outcome.FUND,
                    amount_pence=None,
                    reason="Strong",
                    actor=actor,
                    expected_version=0,
                )
                if name == "first":
                    first_wrote.set()
                    time.sleep(1.0)  # not committed yet while the second one checks
                db.session.commit()
                outcomes[name] = "saved"
            except decisions.DecisionError as exc:
                db.session.rollback()
                outcomes[name] = str(exc)
            finally:
                first_wrote.set()
                db.session.remove()

    threads = [threading.Thread(target=fund, args=step) for step in plan]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcomes["first"] == "saved"
    assert "over the budget" in outcomes["second"]
    assert _by_reference(round_id) == {"A": ("fund", 2_000_00, "confirmed")}


def test_suggest_allocation_works_within_what_confirmed_awards_leave(
    client: FlaskClient, staff: User
) -> None:
    """Item 35: four £1,000 applications and £3,000. Staff confirm the fourth first; the
    suggestion then funds only two of the other three (£2,000 is left), never touches the
    confirmed decision, and confirming the drafts gives £3,000, not £4,000."""
    world = gen_meeting_round(staff, FOUR, budget_pence=3_000_00)
    round_id = world["round"].id
    AuthActions(client).login(staff)
    response = client.post(
        f"/rounds/{round_id}/decisions/{world['apps']['D'].id}",
        data={"outcome": "fund", "reason": "The panel chose it", "version": "0"},
    )
    assert response.status_code == 302
    client.post(f"/rounds/{round_id}/decisions/suggest")
    got = _by_reference(round_id)
    assert got["D"] == ("fund", 1_000_00, "confirmed")
    assert got["A"] == ("fund", 1_000_00, "draft")
    assert got["B"] == ("fund", 1_000_00, "draft")
    assert got["C"] == ("reserve", 0, "draft")
    suggested = db.session.execute(
        db.select(AuditEvent.after).where(AuditEvent.action == "decision.suggested")
    ).scalar_one()
    assert suggested["budget_left"] == 2_000_00 and suggested["confirmed"] == ["D"]
    write_reasons(client, round_id)
    assert confirm_all(client, round_id).status_code == 302
    assert _confirmed_total(round_id) == 3_000_00


def test_a_confirmed_decision_is_never_overridden_by_a_suggestion(
    client: FlaskClient, staff: User
) -> None:
    """Item 35: a confirmed decline of the top application stays a decline; its place in the
    budget goes to the next ones."""
    world = gen_meeting_round(staff, FOUR, budget_pence=2_000_00)
    round_id = world["round"].id
    AuthActions(client).login(staff)
    client.post(
        f"/rounds/{round_id}/decisions/{world['apps']['A'].id}",
        data={"outcome": "decline", "reason": "Funded elsewhere", "version": "0"},
    )
    client.post(f"/rounds/{round_id}/decisions/suggest")
    got = _by_reference(round_id)
    assert got["A"] == ("decline", 0, "confirmed")
    assert {ref for ref, (outcome, _, _) in got.items() if outcome == "fund"} == {"B", "C"}


def test_confirming_drafts_that_go_over_the_budget_needs_the_same_tick(
    client: FlaskClient, staff: User
) -> None:
    """Item 35: drafts that would take confirmed awards over the budget are not confirmed
    without "I know this goes over the budget"; with it they are, and the audit says so."""
    world = gen_meeting_round(staff, FOUR, budget_pence=3_000_00)
    round_id = world["round"].id
    AuthActions(client).login(staff)
    client.post(f"/rounds/{round_id}/decisions/suggest")  # drafts: A, B and C, £3,000
    over = client.post(
        f"/rounds/{round_id}/decisions/{world['apps']['D'].id}",
        data={
            "outcome": "fund",
            "reason": "Too good to leave",
            "version": "1",  # D's draft from the suggestion (reserve)
            "over_budget_ok": "y",
        },
    )
    assert over.status_code == 302  # D confirmed knowingly: £1,000 confirmed, £3,000 in drafts
    write_reasons(client, round_id)
    refused = confirm_all(client, round_id)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "over the budget" in page and 'href="#over_budget_ok"' in page
    assert _confirmed_total(round_id) == 1_000_00
    assert {s for _, _, s in _by_reference(round_id).values()} == {"confirmed", "draft"}
    confirmed = confirm_all(client, round_id, over_budget_ok="y")
    assert confirmed.status_code == 302
    assert _confirmed_total(round_id) == 4_000_00
    events = (
        db.session.execute(
            db.select(AuditEvent.after).where(AuditEvent.action == "decision.confirmed")
        )
        .scalars()
        .all()
    )
    assert len(events) == 3 and all(e["over_budget_acknowledged"] for e in events)


def test_confirming_drafts_within_the_budget_needs_no_tick(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    """Item 35: the control: drafts that fit are confirmed with the button alone."""
    AuthActions(client).login(staff)
    round_id = worked["round"].id
    client.post(f"/rounds/{round_id}/decisions/suggest")
    write_reasons(client, round_id)
    assert confirm_all(client, round_id).status_code == 302
    assert _confirmed_total(round_id) == 10_500_00
