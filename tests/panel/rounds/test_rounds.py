"""Staff set up rounds, move them through their stages, and manage the panel."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.audit import record
from panel.extensions import db
from panel.models import AuditEvent, FundingRound, Role, RoundMember, Stage, User
from panel.rounds import services
from tests.conftest import AuthActions

GOOD_ROUND = {
    "name": "Spring 2026",
    "fund_name": "Community Fund",
    "description": "Grants for groups that bring neighbours together.",
    "budget": "£12,000",
    "min_award": "250",
    "max_award": "5000.50",
    "scale": "0-5",
    "quorum": "3",
    "applications_open_on": "2026-03-01",
    "applications_close_on": "2026-03-31",
    "scoring_deadline": "2026-04-20",
    "blind_scoring": "y",
}


def test_staff_create_a_round_with_money_in_pence_and_an_audit_row(
    client: FlaskClient, staff: User
) -> None:
    """Item 16: money typed in pounds is stored in pence."""
    AuthActions(client).login(staff)
    response = client.post("/rounds/new", data=GOOD_ROUND)
    assert response.status_code == 302
    round_ = db.session.execute(db.select(FundingRound)).scalar_one()
    assert (round_.budget_pence, round_.min_award_pence, round_.max_award_pence) == (
        1_200_000,
        25_000,
        500_050,
    )
    assert round_.slug == "spring-2026" and round_.stage == Stage.CODESIGN
    assert round_.reference_prefix.startswith("CF")
    # 11:59pm UK summer time on 20 April is 22:59 UTC.
    assert round_.scoring_deadline == datetime(2026, 4, 20, 22, 59, 59, tzinfo=UTC)
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert event.action == "round.created" and event.round_id == round_.id
    assert event.after is not None and event.after["budget_pence"] == 1_200_000


def test_bad_round_details_are_named_by_each_field_and_nothing_is_saved(
    client: FlaskClient, staff: User
) -> None:
    """Item 16: bad money is refused by the field; nothing saved."""
    AuthActions(client).login(staff)
    bad = dict(
        GOOD_ROUND,
        name="",
        budget="£12k",
        min_award="-5",
        max_award="1.234",
        quorum="0",
        applications_close_on="2026-02-01",
    )
    response = client.post("/rounds/new", data=bad)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Enter a name for the round" in page
    assert "&#39;£12k&#39; is not an amount in pounds" in page
    assert "Enter an amount of £0 or more" in page
    assert "Enter an amount in pounds and pence, like 1250.50" in page
    assert "Enter a number from 1 to 50" in page
    assert "Applications must close on or after the day they open" in page
    assert 'value="£12k"' in page  # what they typed is kept
    assert db.session.execute(db.select(FundingRound)).first() is None


def test_the_largest_award_cannot_exceed_the_budget(client: FlaskClient, staff: User) -> None:
    AuthActions(client).login(staff)
    page = client.post("/rounds/new", data=dict(GOOD_ROUND, budget="1000")).get_data(as_text=True)
    assert "The largest award cannot be more than the total budget" in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"min_award_pence": 600_00}, "The largest award must be the same as or more than"),
        ({"budget_pence": 400_00}, "The largest award cannot be more than the total budget"),
        (
            {"applications_open_on": date(2026, 3, 2), "applications_close_on": date(2026, 3, 1)},
            "Applications must close on or after the day they open",
        ),
    ],
)
def test_the_service_refuses_what_the_form_refuses_in_the_same_words(
    app: Flask, staff: User, changes: dict[str, Any], message: str
) -> None:
    fields: dict[str, Any] = {
        "name": "Spring",
        "description": "",
        "fund_name": "Community Fund",
        "budget_pence": 10_000_00,
        "min_award_pence": 250_00,
        "max_award_pence": 500_00,
    }
    details = services.RoundDetails(**dict(fields, **changes))
    with pytest.raises(services.RoundError, match=message):
        services.create_round(details=details, actor=staff)
    assert db.session.execute(db.select(FundingRound)).first() is None


def test_editing_a_round_records_only_what_changed(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(name="Before")
    AuthActions(client).login(staff)
    form = client.get(f"/rounds/{round_.id}/edit").get_data(as_text=True)
    assert 'value="Before"' in form and 'value="10000"' in form
    data = dict(GOOD_ROUND, name="After", budget="10000", max_award="5000", min_award="250")
    assert client.post(f"/rounds/{round_.id}/edit", data=data).status_code == 302
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "round.updated")
    ).scalar_one()
    assert event.before is not None and event.after is not None
    assert event.before["name"] == "Before" and event.after["name"] == "After"
    assert "budget_pence" not in event.after


def test_the_scale_cannot_change_after_co_design(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    page = client.post(
        f"/rounds/{round_.id}/edit",
        data=dict(GOOD_ROUND, scale="1-10", budget="10000", max_award="5000"),
    ).get_data(as_text=True)
    assert "The scoring scale can only change during Co-design" in page
    db.session.refresh(round_)
    assert (round_.scale_min, round_.scale_max) == (0, 5)


def test_stages_move_forward_one_at_a_time_and_are_audited(
    app: Flask, client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    AuthActions(client).login(staff)
    reason = {"without_panel": "y", "criteria_reason": "The board set them"}
    client.post(f"/rounds/{round_.id}/stage", data={"expected": "codesign", **reason})
    db.session.refresh(round_)
    assert round_.stage == Stage.APPLICATIONS
    # A second press from the same stale page does not skip a stage.
    page = client.post(
        f"/rounds/{round_.id}/stage",
        data={"expected": "codesign", **reason},
        follow_redirects=True,
    ).get_data(as_text=True)
    db.session.refresh(round_)
    assert round_.stage == Stage.APPLICATIONS
    assert "already moved to Applications open" in page
    actions = db.session.execute(
        db.select(AuditEvent.before, AuditEvent.after).where(
            AuditEvent.action == "round.stage_changed"
        )
    ).all()
    assert actions == [
        (
            {"stage": "codesign"},
            {"stage": "applications", "criteria_by_staff_reason": "The board set them"},
        )
    ]


def test_scoring_cannot_open_without_a_big_enough_panel_and_says_why(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
) -> None:
    one = make_user(Role.RESIDENT)
    round_ = make_round(stage=Stage.ELIGIBILITY, members=(one,), quorum=3)
    AuthActions(client).login(staff)
    page = client.post(
        f"/rounds/{round_.id}/stage", data={"expected": "eligibility"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "The panel has 1 member but each application needs 3 scores" in page
    db.session.refresh(round_)
    assert round_.stage == Stage.ELIGIBILITY


def test_scoring_cannot_open_after_its_deadline(
    app: Flask, staff: User, make_round: Callable[..., FundingRound], make_user: Callable[..., User]
) -> None:
    panel = tuple(make_user(Role.RESIDENT) for _ in range(3))
    round_ = make_round(
        stage=Stage.ELIGIBILITY,
        members=panel,
        scoring_deadline=datetime.now(UTC) - timedelta(hours=1),
    )
    problems = services.stage_problems(round_, Stage.SCORING)
    assert any("deadline has passed" in p for p in problems)


def test_staff_add_and_remove_panellists_and_removal_ends_access(
    app: Flask,
    client: FlaskClient,
    staff: User,
    resident: User,
    make_round: Callable[..., FundingRound],
) -> None:
    """Item 7: a removed panellist is refused on the next request."""
    round_ = make_round()
    AuthActions(client).login(staff)
    client.post(f"/rounds/{round_.id}/panel", data={"user_id": resident.id, "role": "chair"})
    member = db.session.execute(db.select(RoundMember)).scalar_one()
    assert member.role == "chair" and member.removed_at is None

    panellist = app.test_client()
    AuthActions(panellist).login(resident)
    assert panellist.get(f"/rounds/{round_.id}").status_code == 200

    client.post(f"/rounds/{round_.id}/panel/{member.id}/remove")
    db.session.refresh(member)
    assert member.removed_at is not None
    assert panellist.get(f"/rounds/{round_.id}").status_code == 404
    actions = (
        db.session.execute(
            db.select(AuditEvent.action)
            .where(AuditEvent.round_id == round_.id)
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert actions == ["panel.member_added", "panel.member_removed"]


def test_staff_cannot_be_added_to_a_panel(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    round_ = make_round()
    other_staff = make_user(Role.STAFF)
    AuthActions(client).login(staff)
    response = client.post(
        f"/rounds/{round_.id}/panel", data={"user_id": other_staff.id, "role": "panellist"}
    )
    assert response.status_code == 400
    assert db.session.execute(db.select(RoundMember)).first() is None


def test_a_resident_sees_only_their_own_rounds_on_the_home_page(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    make_round(name="Their round", members=(resident,))
    make_round(name="Someone else's round")
    AuthActions(client).login(resident)
    page = client.get("/").get_data(as_text=True)
    assert "Their round" in page and "Someone else" not in page
    assert "Help shape the criteria" in page


def test_the_log_shows_changes_newest_first(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    services.advance_stage(
        round_=round_, actor=staff, expected=Stage.CODESIGN, criteria_reason="Set by the board"
    )
    # A later change (entering Eligibility check itself needs adopted criteria and applications).
    record(
        actor=staff,
        action="round.stage_changed",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before={"stage": "applications"},
        after={"stage": "eligibility"},
    )
    db.session.commit()
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/log").get_data(as_text=True)
    # The newer change (to eligibility) is listed before the older one (from co-design).
    newer = page.index("moved the round on from Applications open to Eligibility check")
    assert newer < page.index("moved the round on from Co-design to Applications open")
    assert page.count("Round: stage changed") == 2


def test_a_scoring_deadline_set_in_the_past_while_scoring_is_open_asks_to_confirm(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 48: a deadline in the past would close open scoring at once: the edit form says so
    and saves only with the tick; a later deadline, or one before scoring opens, asks nothing."""
    later = datetime.now(UTC) + timedelta(days=14)
    round_ = make_round(stage=Stage.SCORING, scoring_deadline=later)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/edit"
    yesterday = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    data = dict(GOOD_ROUND, budget="10000", max_award="5000", scoring_deadline=yesterday)
    asked = client.post(url, data=data)
    assert asked.status_code == 400
    page = asked.get_data(as_text=True)
    assert "scoring will close as soon as you save" in page
    assert 'name="close_scoring"' in page and 'href="#close_scoring"' in page
    db.session.refresh(round_)
    assert round_.scoring_deadline == later
    assert client.post(url, data=dict(data, close_scoring="y")).status_code == 302
    db.session.refresh(round_)
    assert round_.scoring_deadline is not None and round_.scoring_deadline < datetime.now(UTC)
    # Nothing to confirm when scoring is not open, or when the deadline stays in the future.
    for stage, deadline in ((Stage.ELIGIBILITY, yesterday), (Stage.SCORING, "2099-01-31")):
        other = make_round(stage=stage, scoring_deadline=later)
        form = client.get(f"/rounds/{other.id}/edit").get_data(as_text=True)
        assert 'name="close_scoring"' not in form
        changed = client.post(
            f"/rounds/{other.id}/edit", data=dict(data, scoring_deadline=deadline)
        )
        assert changed.status_code == 302
