"""Staff set how many days before the scoring deadline the automatic reminders go (issue 16 §3):
on the round's settings page, audited, from 0 to 14, with a clear error for anything else."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, FundingRound, User
from panel.rounds import services
from tests.conftest import AuthActions
from tests.panel.rounds.test_rounds import GOOD_ROUND


def _edit(client: FlaskClient, round_: FundingRound, days: str) -> tuple[int, str]:
    response = client.post(
        f"/rounds/{round_.id}/edit",
        data=dict(GOOD_ROUND, budget="10000", max_award="5000", reminder_days=days),
    )
    return response.status_code, response.get_data(as_text=True)


def test_staff_set_the_reminder_days_and_the_change_is_audited(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    AuthActions(client).login(staff)
    form = client.get(f"/rounds/{round_.id}/edit").get_data(as_text=True)
    assert 'name="reminder_days"' in form and 'value="3"' in form
    assert _edit(client, round_, "5")[0] == 302
    db.session.refresh(round_)
    assert round_.reminder_days == 5
    event = (
        db.session.execute(
            db.select(AuditEvent)
            .where(AuditEvent.action == "round.updated")
            .order_by(AuditEvent.id.desc())
        )
        .scalars()
        .first()
    )
    assert event is not None and event.before is not None and event.after is not None
    assert (event.before["reminder_days"], event.after["reminder_days"]) == (3, 5)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "5 days before the scoring deadline" in page
    # 0 turns the automatic reminders off; an empty box leaves the setting as it is.
    assert _edit(client, round_, "0")[0] == 302
    assert _edit(client, round_, "")[0] == 302
    db.session.refresh(round_)
    assert round_.reminder_days == 0


def test_a_bad_number_of_days_gets_a_clear_error_and_changes_nothing(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    AuthActions(client).login(staff)
    for bad in ("15", "-1", "three", "2.5"):
        status, page = _edit(client, round_, bad)
        assert status == 400, bad
        assert "Enter a whole number of days from 0 to 14" in page
        assert 'href="#reminder_days"' in page  # in the error summary, linked to the field
    db.session.refresh(round_)
    assert round_.reminder_days == 3


def test_the_service_refuses_days_out_of_range(staff: User) -> None:
    details = services.RoundDetails(
        name="Autumn",
        description="",
        fund_name="Community Fund",
        budget_pence=100_000,
        min_award_pence=1_000,
        max_award_pence=10_000,
        reminder_days=30,
    )
    with pytest.raises(services.RoundError, match="0 to 14 days"):
        services.create_round(details=details, actor=staff)
    created = services.create_round(
        details=services.RoundDetails(**{**details.__dict__, "reminder_days": None}), actor=staff
    )
    assert created.reminder_days == 3
