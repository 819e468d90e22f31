"""How a round's stage is shown: the round page's list of stages and the home page's next step."""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.models import FundingRound, Role, Stage, User
from panel.rounds.stages import FOR_PANELLISTS, FOR_STAFF, next_step, stage_steps
from tests.conftest import AuthActions

# 11:59pm UK summer time on 20 April 2026.
DEADLINE = datetime(2026, 4, 20, 22, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("stage", list(Stage))
def test_the_stage_list_marks_earlier_stages_done_and_this_one_current(stage: Stage) -> None:
    steps = stage_steps(FundingRound(stage=stage))
    assert [label for label, _ in steps] == [s.label for s in Stage]
    states = [state for _, state in steps]
    here = list(Stage).index(stage)
    assert states == ["done"] * here + ["current"] + ["to come"] * (len(Stage) - here - 1)


def test_every_stage_has_a_next_step_for_staff_and_for_panellists() -> None:
    assert set(FOR_STAFF) == set(Stage) and set(FOR_PANELLISTS) == set(Stage)


def test_the_next_step_names_the_closing_day_and_the_deadline_when_the_round_has_them() -> None:
    dated = FundingRound(applications_close_on=date(2026, 3, 31), scoring_deadline=DEADLINE)
    undated = FundingRound(applications_close_on=None, scoring_deadline=None)
    dated.stage = undated.stage = Stage.APPLICATIONS
    march = date(2026, 3, 1)
    assert next_step(dated, staff=True, today=march) == "Applications are open until 31 March 2026."
    assert next_step(undated, staff=True, today=march) == "Applications are open."
    assert next_step(dated, staff=False) == "Community groups are applying. Nothing to do yet."
    dated.stage = undated.stage = Stage.SCORING
    assert next_step(dated, staff=True) == "The panel is scoring until 20 April 2026 at 11:59pm."
    assert next_step(undated, staff=True) == "The panel is scoring."
    assert next_step(dated, staff=False) == "Score the applications by 20 April 2026 at 11:59pm."
    assert next_step(undated, staff=False) == "Score the applications."


def test_the_home_page_tells_staff_and_panellists_what_is_next(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    panellist = make_user(Role.RESIDENT)
    make_round(stage=Stage.SCORING, members=(panellist,), scoring_deadline=DEADLINE)
    AuthActions(client).login(staff)
    page = client.get("/").get_data(as_text=True)
    assert "The panel is scoring until 20 April 2026 at 11:59pm." in page
    AuthActions(client).logout()
    AuthActions(client).login(panellist)
    page = client.get("/").get_data(as_text=True)
    assert "Score the applications by 20 April 2026 at 11:59pm." in page
    assert "The panel is scoring" not in page


def test_the_round_page_shows_where_the_round_is(
    app: Flask, client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.ELIGIBILITY)
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    current = 'aria-current="step" class="stage-list__item stage-list__item--current"'
    assert page.count(current) == 1
    assert f"{current}>\n    Eligibility check <span" in page
    assert page.count("stage-list__item--done") == 2
    assert page.count('<span class="visually-hidden">(done)</span>') == 2


def test_each_stage_has_its_own_tag_colour_on_the_home_page(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    from panel.rounds.stages import STAGE_COLOURS

    assert set(STAGE_COLOURS) == set(Stage)
    assert len(set(STAGE_COLOURS.values())) == len(Stage)  # no two stages look the same
    for stage in (Stage.CODESIGN, Stage.SCORING, Stage.PANEL, Stage.DECIDED):
        make_round(stage=stage, name=f"A round at {stage.label}")
    AuthActions(client).login(staff)
    page = client.get("/").get_data(as_text=True)
    for stage in (Stage.CODESIGN, Stage.SCORING, Stage.PANEL, Stage.DECIDED):
        assert f'tag--{STAGE_COLOURS[stage]}">{stage.label}<' in page
