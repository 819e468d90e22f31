"""What each stage opens in the results area, asked in one place by services, views, templates."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import FundingRound, Role, Stage, User
from panel.results.stages import ResultsStage, results_stage
from tests.conftest import AuthActions

# Stage -> (results_open, meeting_open, decisions_open, decided)
RULES = {
    Stage.CODESIGN: (False, False, False, False),
    Stage.APPLICATIONS: (False, False, False, False),
    Stage.ELIGIBILITY: (False, False, False, False),
    Stage.SCORING: (True, False, False, False),
    Stage.PANEL: (True, True, True, False),
    Stage.DECIDED: (True, True, False, True),
}


@pytest.mark.parametrize("stage", list(Stage))
def test_each_stage_opens_what_the_rules_say(stage: Stage) -> None:
    assert results_stage(FundingRound(stage=stage.value)) == ResultsStage(*RULES[stage])


def _round_page(client: FlaskClient, round_: FundingRound, stage: Stage) -> str:
    round_.stage = stage.value
    db.session.commit()
    return client.get(f"/rounds/{round_.id}").get_data(as_text=True)


def test_the_round_page_links_to_what_the_stage_opens(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    round_ = worked["round"]
    links = ("See the results", "Panel meeting agenda", ">Decisions<", "Export results")
    seen = {stage: _round_page(client, round_, stage) for stage in Stage}
    for stage, page in seen.items():
        results_open, meeting_open, _decisions, _decided = RULES[stage]
        shown = tuple(link in page for link in links)
        assert shown == (results_open, meeting_open, meeting_open, results_open), stage


def test_a_panellist_sees_the_results_links_but_not_staff_ones(
    client: FlaskClient, worked: dict[str, Any]
) -> None:
    panellist = worked["panel"][0]
    assert panellist.role == Role.RESIDENT
    AuthActions(client).login(panellist)
    page = _round_page(client, worked["round"], Stage.PANEL)
    assert "See the results" in page and "Panel meeting agenda" in page
    assert ">Decisions<" not in page and "Export results" not in page


def test_notes_can_be_written_and_decisions_made_only_at_the_panel_meeting(
    client: FlaskClient, staff: User, worked: dict[str, Any]
) -> None:
    AuthActions(client).login(staff)
    round_ = worked["round"]
    meeting = client.get(f"/rounds/{round_.id}/meeting").get_data(as_text=True)
    decisions = client.get(f"/rounds/{round_.id}/decisions").get_data(as_text=True)
    assert "Write notes" in meeting
    assert "Suggest allocation" in decisions and "Decisions are made at" not in decisions
    round_.stage = Stage.DECIDED.value
    db.session.commit()
    meeting = client.get(f"/rounds/{round_.id}/meeting").get_data(as_text=True)
    decisions = client.get(f"/rounds/{round_.id}/decisions").get_data(as_text=True)
    assert "Write notes" not in meeting
    assert "Suggest allocation" not in decisions
    assert "This round is decided: its decisions are locked." in decisions
    round_.stage = Stage.SCORING.value
    db.session.commit()
    decisions = client.get(f"/rounds/{round_.id}/decisions").get_data(as_text=True)
    assert "Decisions are made at the Panel meeting stage." in decisions
