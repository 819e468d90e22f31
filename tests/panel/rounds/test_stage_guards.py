"""Stage moves that cannot hurt a round (issue 15, section 4): each guard, proved.

- Co-design -> Applications open needs adopted criteria, or staff's reason for adopting them
  without the panel, which residents read on "How these criteria were agreed".
- Closing applications before the advertised day needs a tick, and says how many days early.
- A round steps back one stage with a reason (audited) while nothing irreversible has happened;
  the round page says why when it cannot.
- Staff and the public see the same open or closed form; staff read "open on ..." before the day.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import ApplicationStatus, AuditEvent, FundingRound, Role, Stage, User
from panel.models.types import uk_date, uk_today
from panel.rounds import moves, services
from tests.conftest import AuthActions
from tests.factories import (
    gen_application,
    gen_decision,
    gen_review,
    gen_rubric,
)
from tests.worlds import gen_scoring_world


def _audit(action: str) -> list[tuple[object, object]]:
    return [
        (e.before, e.after)
        for e in db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    ]


def _stage(round_: FundingRound) -> Stage:
    db.session.refresh(round_)
    return round_.current_stage


# ---------------------------------------------------------------- Co-design -> Applications open


def test_applications_cannot_open_without_criteria_or_a_reason_to_go_without_the_panel(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "No criteria have been adopted with the panel yet" in page
    assert "Staff adopt the criteria without the panel" in page

    refused = client.post(f"/rounds/{round_.id}/stage", data={"expected": "codesign"})
    assert refused.status_code == 400
    assert "say why" in refused.get_data(as_text=True)
    assert _stage(round_) is Stage.CODESIGN

    # The tick alone is not enough: the reason is what residents will read.
    ticked = client.post(
        f"/rounds/{round_.id}/stage", data={"expected": "codesign", "without_panel": "y"}
    )
    assert ticked.status_code == 400
    assert _stage(round_) is Stage.CODESIGN
    # A reason without the tick is not a decision to go without the panel either.
    unticked = client.post(
        f"/rounds/{round_.id}/stage",
        data={"expected": "codesign", "criteria_reason": "The board set them"},
    )
    assert unticked.status_code == 400
    assert _stage(round_) is Stage.CODESIGN
    assert _audit("round.stage_changed") == []


def test_staff_reason_for_going_without_the_panel_is_audited_and_shown_to_residents(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    resident = make_user(Role.RESIDENT)
    round_ = make_round(members=(resident,))
    AuthActions(client).login(staff)
    client.post(
        f"/rounds/{round_.id}/stage",
        data={
            "expected": "codesign",
            "without_panel": "y",
            "criteria_reason": "  The partner fund set these criteria.  ",
        },
    )
    assert _stage(round_) is Stage.APPLICATIONS
    assert round_.criteria_by_staff_reason == "The partner fund set these criteria."
    assert _audit("round.stage_changed") == [
        (
            {"stage": "codesign"},
            {
                "stage": "applications",
                "criteria_by_staff_reason": "The partner fund set these criteria.",
            },
        )
    ]
    AuthActions(client).logout()
    AuthActions(client).login(resident)
    record = client.get(f"/rounds/{round_.id}/criteria/record").get_data(as_text=True)
    assert "Staff adopt the criteria without the panel" in record
    assert "The partner fund set these criteria." in record
    home = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "The criteria were agreed during co-design" not in home
    assert "The partner fund set these criteria." in home


def test_adopted_criteria_open_applications_without_asking_for_a_reason(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    gen_rubric(round_, staff)
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Staff adopt the criteria without the panel" not in page
    client.post(f"/rounds/{round_.id}/stage", data={"expected": "codesign"})
    assert _stage(round_) is Stage.APPLICATIONS
    assert round_.criteria_by_staff_reason is None


# ---------------------------------------------------------------- closing applications early


def test_closing_applications_before_the_advertised_day_needs_a_tick_and_says_how_early(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    today = uk_today()
    round_ = make_round(
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=20),
        applications_close_on=today + timedelta(days=42),
    )
    gen_rubric(round_, staff)
    gen_application(round_, status=ApplicationStatus.RECEIVED)
    AuthActions(client).login(staff)
    close = uk_date(today + timedelta(days=42))
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f"advertised to close on {close}" in page
    assert "closes the public form now, 42 days early" in page

    refused = client.post(f"/rounds/{round_.id}/stage", data={"expected": "applications"})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "42 days early" in text and "Tick the box to close applications early" in text
    assert _stage(round_) is Stage.APPLICATIONS

    client.post(f"/rounds/{round_.id}/stage", data={"expected": "applications", "close_early": "y"})
    assert _stage(round_) is Stage.ELIGIBILITY
    assert _audit("round.stage_changed") == [
        ({"stage": "applications"}, {"stage": "eligibility", "days_early": 42})
    ]


def test_closing_on_the_last_day_still_asks_and_after_it_asks_nothing(
    staff: User, make_round: Callable[..., FundingRound]
) -> None:
    today = uk_today()
    last_day = make_round(stage=Stage.APPLICATIONS, applications_close_on=today)
    assert "at the end of today" in (services.closes_early_text(last_day) or "")
    one_day = make_round(stage=Stage.APPLICATIONS, applications_close_on=today + timedelta(days=1))
    assert "now, 1 day early" in (services.closes_early_text(one_day) or "")
    closed = make_round(stage=Stage.APPLICATIONS, applications_close_on=today - timedelta(days=1))
    undated = make_round(stage=Stage.APPLICATIONS)
    for round_ in (closed, undated):
        gen_rubric(round_, staff)
        gen_application(round_, status=ApplicationStatus.RECEIVED)
        assert services.closes_early_text(round_) is None
        services.advance_stage(round_=round_, actor=staff, expected=Stage.APPLICATIONS)
        assert round_.current_stage is Stage.ELIGIBILITY
    gen_rubric(last_day, staff)
    gen_application(last_day, status=ApplicationStatus.RECEIVED)
    with pytest.raises(services.NeedsConfirming, match="a few hours early"):
        services.advance_stage(round_=last_day, actor=staff, expected=Stage.APPLICATIONS)
    assert last_day.current_stage is Stage.APPLICATIONS
    services.advance_stage(
        round_=last_day, actor=staff, expected=Stage.APPLICATIONS, close_early=True
    )
    assert last_day.current_stage is Stage.ELIGIBILITY


# ---------------------------------------------------------------- stepping back


def test_scoring_steps_back_to_the_eligibility_check_with_a_reason_while_no_review_is_in(
    client: FlaskClient, staff: User
) -> None:
    """Item 65: a step back needs a reason, is audited, and a stale second press does nothing."""
    world = gen_scoring_world(staff)
    round_ = world.round
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Go back to Eligibility check" in page

    no_reason = client.post(
        f"/rounds/{round_.id}/stage/back", data={"expected": "scoring", "reason": " "}
    )
    assert no_reason.status_code == 400
    assert "Say why the round is going back a stage" in no_reason.get_data(as_text=True)
    assert _stage(round_) is Stage.SCORING

    client.post(
        f"/rounds/{round_.id}/stage/back",
        data={"expected": "scoring", "reason": "One application was marked eligible by mistake"},
    )
    assert _stage(round_) is Stage.ELIGIBILITY
    assert _audit("round.stage_stepped_back") == [
        (
            {"stage": "scoring"},
            {"stage": "eligibility", "reason": "One application was marked eligible by mistake"},
        )
    ]
    # A second press from the same stale page does not step back twice.
    client.post(f"/rounds/{round_.id}/stage/back", data={"expected": "scoring", "reason": "Again"})
    assert _stage(round_) is Stage.ELIGIBILITY


def test_scoring_cannot_step_back_once_a_review_is_submitted_and_the_page_says_why(
    client: FlaskClient, staff: User
) -> None:
    """Item 65: a submitted review keeps the round in Scoring, and the page says why."""
    world = gen_scoring_world(staff)
    gen_review(world.applications[0], world.panellists[0], scores=[3, 3, 3])
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{world.round.id}").get_data(as_text=True)
    assert "This round cannot go back to <strong>Eligibility check</strong>" in page
    assert "1 review has been submitted" in page
    refused = client.post(
        f"/rounds/{world.round.id}/stage/back",
        data={"expected": "scoring", "reason": "Try anyway"},
        follow_redirects=True,
    )
    assert "1 review has been submitted" in refused.get_data(as_text=True)
    assert _stage(world.round) is Stage.SCORING
    assert _audit("round.stage_stepped_back") == []


def test_each_irreversible_step_keeps_the_round_where_it_is(
    staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 65: each irreversible step keeps the round where it is."""
    # Applications received: the round cannot go back to Co-design.
    applying = make_round(stage=Stage.APPLICATIONS)
    assert moves.step_back_problems(applying) == []
    gen_application(applying, status=ApplicationStatus.RECEIVED)
    assert "1 application has been received" in " ".join(moves.step_back_problems(applying))
    # An application checked: applications cannot open again.
    checking = make_round(stage=Stage.ELIGIBILITY)
    gen_rubric(checking, staff)
    gen_application(checking, status=ApplicationStatus.RECEIVED)
    assert moves.step_back_problems(checking) == []
    gen_application(checking, status=ApplicationStatus.ELIGIBLE)
    assert "already been checked" in " ".join(moves.step_back_problems(checking))
    # A decision recorded: scoring cannot open again.
    world = gen_scoring_world(staff, stage=Stage.PANEL)
    assert moves.step_back_problems(world.round) == []
    gen_decision(world.applications[0], staff)
    assert "1 decision has been recorded" in " ".join(moves.step_back_problems(world.round))
    # Decided is final; Co-design is the first stage.
    decided = make_round(stage=Stage.DECIDED)
    assert "applicants may already have been told" in " ".join(moves.step_back_problems(decided))
    for round_ in (applying, checking, world.round, decided):
        stage = round_.current_stage
        with pytest.raises(services.StageRefused):
            moves.step_back(round_=round_, actor=staff, expected=stage, reason="Undo")
        assert round_.current_stage is stage
    assert moves.step_back_problems(make_round()) == ["This round is at its first stage."]


def test_stepping_back_to_co_design_lets_the_panel_adopt_the_criteria_after_all(
    staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    services.advance_stage(
        round_=round_, actor=staff, expected=Stage.CODESIGN, criteria_reason="No time"
    )
    moves.step_back(round_=round_, actor=staff, expected=Stage.APPLICATIONS, reason="Time found")
    assert round_.current_stage is Stage.CODESIGN
    assert round_.criteria_by_staff_reason is None
    assert _audit("round.stage_stepped_back") == [
        (
            {"stage": "applications", "criteria_by_staff_reason": "No time"},
            {"stage": "codesign", "reason": "Time found"},
        )
    ]


# ---------------------------------------------------------------- stage and dates agree


def test_staff_and_the_public_see_the_same_state_before_the_opening_day(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    today = uk_today()
    opens = today + timedelta(days=5)
    round_ = make_round(
        stage=Stage.APPLICATIONS,
        applications_open_on=opens,
        applications_close_on=today + timedelta(days=30),
    )
    public = client.get(f"/apply/{round_.slug}")
    assert public.status_code == 404  # not published before its opening day
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f"Applications open on {uk_date(opens)}" in page
    assert "The public form is open at" not in page
    home = client.get("/").get_data(as_text=True)
    assert f"Applications open on {uk_date(opens)}" in home
    assert "Applications are open until" not in home


def test_staff_and_the_public_see_the_same_state_while_open_and_after_the_closing_day(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    today = uk_today()
    open_round = make_round(
        stage=Stage.APPLICATIONS, applications_close_on=today + timedelta(days=3)
    )
    closed_round = make_round(
        stage=Stage.APPLICATIONS, applications_close_on=today - timedelta(days=1)
    )
    assert "Send application" in client.get(f"/apply/{open_round.slug}").get_data(as_text=True)
    assert "This round is closed" in client.get(f"/apply/{closed_round.slug}").get_data(
        as_text=True
    )
    AuthActions(client).login(staff)
    open_page = client.get(f"/rounds/{open_round.id}").get_data(as_text=True)
    assert "The public form is open at" in open_page
    closed_page = client.get(f"/rounds/{closed_round.id}").get_data(as_text=True)
    assert "The public form is open at" not in closed_page
    assert "the public form is closed" in closed_page
