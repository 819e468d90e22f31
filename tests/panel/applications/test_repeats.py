"""The same application sent twice, and drop-in sessions (issue 15): Back then Send again gives
the first reference; identical answers never count twice towards the limit; staff can lift the
limit on one browser for a drop-in session."""

from datetime import UTC, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from panel.applications import repeats
from panel.extensions import db
from panel.models import Application, AuditEvent, FundingRound, User
from tests.conftest import AuthActions
from tests.panel.applications.conftest import GOOD


def _apply(client: FlaskClient, key: str, **overrides: str) -> Any:
    return client.post("/apply/spring", data=dict(GOOD, submission_key=key, **overrides))


def _count() -> int:
    return int(db.session.execute(db.select(db.func.count(Application.id))).scalar_one())


def test_item_64_back_and_send_again_gives_the_first_reference_and_saves_nothing(
    client: FlaskClient, open_round: FundingRound
) -> None:
    """Item 64: the same answers from the same browser within the hour, under a new one-time
    key (Back, then Send again), make no second application and show the first reference."""
    assert _apply(client, "first-key").status_code == 302
    again = _apply(client, "second-key", summary="  " + GOOD["summary"].upper() + " ")
    assert again.location == "/apply/spring/sent"
    page = client.get(again.location).get_data(as_text=True)
    assert "CF26-0001" in page
    assert "You sent these same answers a moment ago" in page
    assert _count() == 1
    # Different answers are a different application.
    assert _apply(client, "third-key", project_title="Another project").status_code == 302
    assert _count() == 2
    assert "CF26-0002" in client.get("/apply/spring/sent").get_data(as_text=True)


def test_the_same_answers_after_an_hour_or_from_another_browser_are_a_new_application(
    client: FlaskClient, open_round: FundingRound
) -> None:
    now = datetime(2026, 12, 6, 10, tzinfo=UTC)
    fp = repeats.fingerprint(open_round.id, {"a": "x"})
    sent = repeats.remember([], fp, "CF26-0001", now)
    assert repeats.earlier_reference(sent, fp, now + timedelta(minutes=59)) == "CF26-0001"
    assert repeats.earlier_reference(sent, fp, now + timedelta(minutes=61)) is None
    assert repeats.earlier_reference("nonsense", fp, now) is None
    assert repeats.fingerprint(open_round.id + 1, {"a": "x"}) != fp  # another round

    _apply(client, "first-key")
    other = client.application.test_client()
    assert _apply(other, "other-key").status_code == 302
    assert _count() == 2


def test_item_64_identical_answers_never_count_twice_towards_the_limit(
    client: FlaskClient, open_round: FundingRound
) -> None:
    """Item 64: identical answers sent from one address never count twice towards five an
    hour: the same answers from six browsers all get through, then four different ones do and
    the fifth different one is refused."""
    for n in range(6):
        browser = client.application.test_client()
        assert _apply(browser, f"same-{n}").status_code == 302
    for n in range(4):
        assert _apply(client, f"new-{n}", project_title=f"Project {n}").status_code == 302
    refused = _apply(client, "one-too-many", project_title="Project 99")
    assert refused.status_code == 429


def test_item_63_staff_lift_the_limit_on_one_browser_for_a_drop_in_session(
    client: FlaskClient, open_round: FundingRound, staff: User
) -> None:
    """Item 63: only staff lift the limit, on their own browser, for four hours, audited; it
    stays lifted there after they sign out, and every other browser keeps the limit."""
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{open_round.id}").get_data(as_text=True)
    assert "Running a drop-in session on this computer?" in page
    response = client.post(f"/rounds/{open_round.id}/applications/drop-in", follow_redirects=True)
    assert "This browser can send any number of applications until" in response.get_data(
        as_text=True
    )
    assert "This browser is set up for a drop-in session" in client.get(
        f"/rounds/{open_round.id}"
    ).get_data(as_text=True)
    (event,) = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.limit_lifted")
    ).scalars()
    assert event.actor_id == staff.id and event.round_id == open_round.id
    AuthActions(client).logout()

    for n in range(8):
        assert _apply(client, f"drop-in-{n}", project_title=f"Group {n}").status_code == 302
    assert _count() == 8
    # Another browser on the same connection is still limited.
    other = client.application.test_client()
    assert _apply(other, "elsewhere", project_title="Elsewhere").status_code == 429

    # Four hours later the lift has ended.
    with client.session_transaction() as session:
        grant = session[repeats.LIFT_KEY]
        assert grant["until"] - datetime.now(UTC).timestamp() <= 4 * 3600
        grant["until"] = datetime.now(UTC).timestamp() - 1
        session[repeats.LIFT_KEY] = grant
    assert _apply(client, "late", project_title="Late").status_code == 429
