"""The rules of scoring, written once: the phase pages show, refusals, and the links that follow.

Templates never test stage names: they get the booleans of `rules.phase`, and every page that
offers a conflict link or a "you can still change" line asks the same rules the services do.
"""

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Conflict, ConflictKind, Review, Stage
from panel.scoring.services import rules
from panel.scoring.services.conflicts import declare_conflict, withdraw_conflict
from panel.scoring.services.errors import DeadlinePassed, NotFound, ScoringClosed
from panel.scoring.services.reviews import ScoreEntry, save_review
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as

TEMPLATES = Path(__file__).parents[3] / "templates" / "scoring"
CONFLICT_LINK = "I have a conflict of interest"

# stage -> (opens_next, started, open, over, at_meeting, decided, conflicts_open)
PHASES = {
    Stage.CODESIGN: (False, False, False, False, False, False, False),
    Stage.APPLICATIONS: (False, False, False, False, False, False, False),
    Stage.ELIGIBILITY: (True, False, False, False, False, False, True),
    Stage.SCORING: (False, True, True, False, False, False, True),
    Stage.PANEL: (False, True, False, True, True, False, True),
    Stage.DECIDED: (False, True, False, True, False, True, False),
}


def set_stage(world: ScoringWorld, stage: Stage) -> None:
    world.round.stage = stage
    db.session.commit()


def test_every_stage_has_its_phase(world: ScoringWorld) -> None:
    assert set(PHASES) == set(Stage)
    for stage, expected in PHASES.items():
        set_stage(world, stage)
        p = rules.phase(world.round)
        got = (p.opens_next, p.started, p.open, p.over, p.at_meeting, p.decided, p.conflicts_open)
        assert got == expected, stage
        assert (rules.conflict_refusal(world.round) is None) is p.conflicts_open


@pytest.mark.parametrize("by_staff", [False, True])
def test_the_sentence_shown_and_the_error_raised_come_from_one_refusal(
    world: ScoringWorld, by_staff: bool
) -> None:
    late = datetime.now(UTC) - timedelta(minutes=1)
    past_deadline = None if by_staff else (DeadlinePassed, rules.DEADLINE_TEXT)
    cases: list[tuple[Stage, datetime | None, tuple[type[Exception], str] | None]] = [
        (Stage.ELIGIBILITY, None, (ScoringClosed, rules.NOT_STARTED_TEXT)),
        (Stage.SCORING, None, None),
        (Stage.SCORING, late, past_deadline),
        (Stage.PANEL, None, (ScoringClosed, rules.CLOSED_TEXT)),
        (Stage.DECIDED, None, (ScoringClosed, rules.CLOSED_TEXT)),
    ]
    for stage, deadline, refused in cases:
        world.round.stage = stage
        world.round.scoring_deadline = deadline
        db.session.commit()
        sentence = rules.may_change_scores(world.round, by_staff=by_staff)
        if refused is None:
            assert sentence is None
            rules.check_can_change(world.round, by_staff=by_staff)
            continue
        error, text = refused
        with pytest.raises(error) as raised:
            rules.check_can_change(world.round, by_staff=by_staff)
        assert sentence == str(raised.value) == text


def test_scoring_templates_never_test_stage_names() -> None:
    offending = {
        path.name: line.strip()
        for path in sorted(TEMPLATES.glob("*.html"))
        for line in path.read_text().splitlines()
        if re.search(r"\bstage\b|current_stage|\"(eligibility|scoring|panel|decided)\"", line)
    }
    assert offending == {}


# ------------------------------------------------------------------- the round page

STAFF_SAYS = {
    Stage.APPLICATIONS: None,
    Stage.ELIGIBILITY: "Scoring opens after the eligibility check.",
    Stage.SCORING: "Panellists are scoring now",
    Stage.PANEL: "Scoring has closed.",
    Stage.DECIDED: "Scoring has closed.",
}
PANELLIST_SAYS = {
    Stage.APPLICATIONS: None,
    Stage.ELIGIBILITY: "Scoring opens soon",
    Stage.SCORING: "Go to your scoring",
    Stage.PANEL: "See the scores you gave",
    Stage.DECIDED: "See the scores you gave",
}


@pytest.mark.parametrize("stage", list(STAFF_SAYS))
def test_the_round_page_says_where_scoring_stands_for_staff_and_panellists(
    client: FlaskClient, world: ScoringWorld, stage: Stage
) -> None:
    set_stage(world, stage)
    for who, says in ((world.staff, STAFF_SAYS), (world.panellists[0], PANELLIST_SAYS)):
        sign_in_as(client, who)
        page = client.get(f"/rounds/{world.round.id}").get_data(as_text=True)
        heading = '<h2 class="heading-m">Scoring</h2>' if who.is_staff else "Your scoring</h2>"
        expected = says[stage]
        if expected is None:
            assert heading not in page
            continue
        assert heading in page and expected in page
        others = {text for s, text in says.items() if text and text != expected}
        assert not [text for text in others if text in page]


# ------------------------------------------------------ conflict links follow the rule


def my_scoring(client: FlaskClient, world: ScoringWorld) -> str:
    return client.get(f"/rounds/{world.round.id}/scoring").get_data(as_text=True)


def score_page(client: FlaskClient, world: ScoringWorld, n: int = 0) -> str:
    return client.get(f"/rounds/{world.round.id}/scoring/{world.applications[n].id}").get_data(
        as_text=True
    )


@pytest.mark.parametrize("stage", [Stage.ELIGIBILITY, Stage.SCORING, Stage.PANEL, Stage.DECIDED])
def test_conflict_links_show_exactly_while_conflicts_may_be_declared(
    client: FlaskClient, world: ScoringWorld, stage: Stage
) -> None:
    set_stage(world, stage)
    sign_in_as(client, world.panellists[0])
    offered = stage in rules.CONFLICT_STAGES
    assert (CONFLICT_LINK in my_scoring(client, world)) is offered
    assert (CONFLICT_LINK in score_page(client, world)) is offered
    sign_in_as(client, world.staff)
    register = client.get(f"/rounds/{world.round.id}/conflicts").get_data(as_text=True)
    assert ("Record conflict</button>" in register) is offered
    assert (rules.CONFLICTS_CLOSED_TEXT in register) is not offered


def test_after_the_deadline_a_panellist_can_still_declare_but_is_not_told_they_can_change(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    world = make_scoring_round(applications=1)
    pat = world.panellists[0]
    sign_in_as(client, pat)
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    assert client.post(url, data=score_data(world, [3, 3, 3])).status_code == 302
    page = my_scoring(client, world)
    assert "You can still change them until scoring closes." in page
    world.round.scoring_deadline = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    page = my_scoring(client, world)
    assert "You have submitted scores for every application" in page
    assert "You can still change them" not in page
    assert "The scoring deadline has passed" in page
    assert CONFLICT_LINK in page and CONFLICT_LINK in score_page(client, world)
    response = client.post(f"{url}/conflict", data={"kind": "member"})
    assert response.status_code == 302


# ------------------------------------------------------------- acting for someone else


def test_only_the_panellist_or_staff_may_act_for_a_panellist(world: ScoringWorld) -> None:
    pat, olu, _ = world.panellists
    application = world.applications[0]
    entries = {c.id: ScoreEntry(3) for c in world.criteria}
    save = {"round_": world.round, "application": application, "panellist": pat}
    with pytest.raises(NotFound):
        save_review(
            **save, actor=olu, scores=entries, overall_comment="", submit=True, expected_version=0
        )
    with pytest.raises(NotFound):
        declare_conflict(**save, actor=olu, kind=ConflictKind.MEMBER, note="")
    assert db.session.execute(db.select(Review)).first() is None
    assert db.session.execute(db.select(Conflict)).first() is None
    review = save_review(
        **save,
        actor=world.staff,
        scores=entries,
        overall_comment="",
        submit=True,
        expected_version=0,
    )
    assert (review.panellist_id, review.entered_by_id) == (pat.id, world.staff.id)
    own = save_review(
        **dict(save, panellist=olu),
        actor=olu,
        scores=entries,
        overall_comment="",
        submit=True,
        expected_version=0,
    )
    assert own.entered_by_id is None
    conflict = declare_conflict(**save, actor=world.staff, kind=ConflictKind.MEMBER, note="")
    with pytest.raises(NotFound):
        withdraw_conflict(conflict=conflict, reason="A mistake", actor=pat)
    assert conflict.withdrawn_at is None
