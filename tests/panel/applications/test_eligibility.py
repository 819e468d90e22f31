"""Staff check each application against the adopted eligibility criteria before the panel."""

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from panel.applications import eligibility, services
from panel.extensions import db
from panel.models import (
    Application,
    AuditEvent,
    EligibilityCheck,
    FundingRound,
    Role,
    Rubric,
    Stage,
    User,
)
from panel.rounds.services import stage_problems
from tests.conftest import AuthActions
from tests.factories import gen_rubric

AREA, NON_PROFIT = "Works inside our neighbourhoods", "Is a not-for-profit group"


def _ids(rubric: Rubric) -> tuple[int, int]:
    area, profit = rubric.eligibility
    return area.id, profit.id


def test_passing_every_criterion_makes_an_application_eligible(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    area, profit = _ids(gen_rubric(round_, staff, eligibility=(AREA, NON_PROFIT)))
    application = make_application(round_)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/eligibility/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert AREA in page and NON_PROFIT in page and "Brings neighbours together" not in page
    response = client.post(url, data={f"result_{area}": "pass", f"result_{profit}": "pass"})
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.status == "eligible"
    assert len(db.session.execute(db.select(EligibilityCheck)).all()) == 2


def test_a_fail_needs_a_note_and_makes_the_application_ineligible_showing_why(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    area, profit = _ids(gen_rubric(round_, staff, eligibility=(AREA, NON_PROFIT)))
    application = make_application(round_, organisation_name="Bright Sparks Ltd")
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/eligibility/{application.id}"
    no_note = client.post(url, data={f"result_{area}": "pass", f"result_{profit}": "fail"})
    assert no_note.status_code == 400
    assert f"Explain why the application does not meet “{NON_PROFIT}”" in no_note.get_data(
        as_text=True
    )
    unanswered = client.post(url, data={f"result_{area}": "pass"})
    assert f"Choose whether the application meets “{NON_PROFIT}”" in unanswered.get_data(
        as_text=True
    )
    assert db.session.execute(db.select(EligibilityCheck)).first() is None

    client.post(
        url,
        data={
            f"result_{area}": "pass",
            f"result_{profit}": "fail",
            f"note_{profit}": "Is a profit-making business",
        },
    )
    db.session.refresh(application)
    assert application.status == "ineligible"
    listing = client.get(f"/rounds/{round_.id}/eligibility").get_data(as_text=True)
    assert f"{NON_PROFIT}: Is a profit-making business" in listing
    detail = client.get(f"/rounds/{round_.id}/applications/{application.id}").get_data(as_text=True)
    assert "Not eligible" in detail and "Is a profit-making business" in detail


def test_staff_can_reverse_a_decision_and_the_log_shows_before_and_after(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    (area,) = (c.id for c in gen_rubric(round_, staff, eligibility=(AREA,)).eligibility)
    application = make_application(round_)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/eligibility/{application.id}"
    client.post(url, data={f"result_{area}": "fail", f"note_{area}": "Works in the city centre"})
    remembered = client.get(url).get_data(as_text=True)  # the form shows the earlier decision
    fail_radio = remembered[remembered.index(f'id="result_{area}-1"') - 120 :][:240]
    assert "checked" in fail_radio and 'value="fail"' in fail_radio
    assert "Works in the city centre" in remembered
    client.post(url, data={f"result_{area}": "pass", f"note_{area}": ""})
    db.session.refresh(application)
    assert application.status == "eligible"
    events = (
        db.session.execute(
            db.select(AuditEvent)
            .where(AuditEvent.action == "application.eligibility_checked")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [e.after for e in events] == [
        {"status": "ineligible", AREA: "fail: Works in the city centre"},
        {"status": "eligible", AREA: "pass"},
    ]
    assert events[1].before == {"status": "ineligible", AREA: "fail: Works in the city centre"}


def test_without_eligibility_criteria_staff_confirm_each_application_in_one_action(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    gen_rubric(round_, staff, eligibility=())
    application = make_application(round_)
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/eligibility").get_data(as_text=True)
    assert "has no eligibility criteria" in page and "Confirm eligible" in page
    client.post(f"/rounds/{round_.id}/eligibility/{application.id}/confirm")
    db.session.refresh(application)
    assert application.status == "eligible"
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.eligibility_checked")
    ).scalar_one()
    assert (event.before, event.after) == ({"status": "received"}, {"status": "eligible"})


def test_checks_are_refused_outside_the_eligibility_stage(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    (area,) = (c.id for c in gen_rubric(round_, staff, eligibility=(AREA,)).eligibility)
    application = make_application(round_)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/eligibility/{application.id}"
    page = client.get(url).get_data(as_text=True)
    assert "only be recorded while the round is at the Eligibility check stage" in page
    client.post(url, data={f"result_{area}": "pass"})
    db.session.refresh(application)
    assert application.status == "received"
    assert db.session.execute(db.select(EligibilityCheck)).first() is None


def test_a_withdrawn_application_is_not_checked(
    app: Flask,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    (area,) = gen_rubric(round_, staff, eligibility=(AREA,)).eligibility
    application = make_application(round_, status="withdrawn")
    try:
        eligibility.record_checks(
            application=application, round_=round_, results={area.id: (True, None)}, actor=staff
        )
    except services.ApplicationError as exc:
        assert "withdrawn" in str(exc)
    else:
        raise AssertionError("a withdrawn application was checked")


def test_scoring_needs_every_application_checked_and_one_eligible(
    app: Flask,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    (area,) = gen_rubric(round_, staff, eligibility=(AREA,)).eligibility
    apps = [make_application(round_) for _ in range(4)]
    make_application(round_, status="withdrawn")  # withdrawn ones need no check
    assert "4 applications have not been checked yet." in stage_problems(round_, Stage.SCORING)
    for application in apps[:3]:
        eligibility.record_checks(
            application=application,
            round_=round_,
            results={area.id: (False, "Outside our area")},
            actor=staff,
        )
    db.session.commit()
    assert "1 application has not been checked yet." in stage_problems(round_, Stage.SCORING)
    eligibility.record_checks(
        application=apps[3], round_=round_, results={area.id: (False, "Outside")}, actor=staff
    )
    db.session.commit()
    problems = stage_problems(round_, Stage.SCORING)
    assert any("No application has been found eligible" in p for p in problems)
    eligibility.record_checks(
        application=apps[3], round_=round_, results={area.id: (True, None)}, actor=staff
    )
    db.session.commit()
    problems = stage_problems(round_, Stage.SCORING)
    assert not any("checked" in p or "eligible" in p for p in problems)


def test_the_eligibility_check_stage_needs_at_least_one_application(
    app: Flask,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    assert "There are no applications to check yet." in stage_problems(round_, Stage.ELIGIBILITY)
    make_application(round_)
    assert "There are no applications to check yet." not in stage_problems(
        round_, Stage.ELIGIBILITY
    )


def test_the_round_page_links_staff_to_the_checks_and_tells_panellists_what_is_happening(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    panellist = make_user(Role.RESIDENT)
    round_ = make_round(stage=Stage.ELIGIBILITY, members=(panellist,))
    make_application(round_)
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert f'href="/rounds/{round_.id}/eligibility"' in page and "(1 still to check)" in page
    AuthActions(client).logout()
    AuthActions(client).login(panellist)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Staff are checking" in page and "/eligibility" not in page
