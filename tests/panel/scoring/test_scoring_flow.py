"""Scoring that respects time (issue 15, section 2): each question shows its weight, the
application comes in short sections, and submitting goes on to the next application to score
until "You have scored everything"."""

import re
from collections.abc import Callable

from flask.testing import FlaskClient

from panel.models import User
from tests.factories import gen_rubric
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as

WEIGHTED = [
    ("Brings neighbours together", "Who takes part.", 40),
    ("Value for money", "What the money buys.", 25),
    ("Lasting difference", "What is left after.", 35),
]


def url(world: ScoringWorld, n: int = 0) -> str:
    return f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"


def test_each_question_says_how_many_of_the_100_points_it_counts_for(
    client: FlaskClient, make_scoring_round: Callable[..., ScoringWorld], staff: User
) -> None:
    world = make_scoring_round()
    rubric = gen_rubric(world.round, staff, scored=WEIGHTED, version=2)
    sign_in_as(client, world.panellists[0])
    page = client.get(url(world)).get_data(as_text=True)
    for criterion, (_, _, weight) in zip(rubric.scored, WEIGHTED, strict=True):
        hint = re.search(rf'id="score_{criterion.id}-hint"[^>]*>([^<]*)<', page)
        assert hint is not None, criterion.title
        assert hint.group(1).strip().startswith(f"Counts for {weight} of 100 points.")


def test_the_application_sits_beside_the_questions_with_its_long_answers_in_sections(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    page = client.get(url(world)).get_data(as_text=True)
    application, questions = (
        page.index("scoring-layout__application"),
        page.index("scoring-layout__questions"),
    )
    assert application < questions  # on a phone, the application comes first
    short = page[application:questions]
    # The key facts first, then the long answers in closed sections (panel.js opens them on
    # wide screens).
    assert short.index("Amount requested") < short.index("<details")
    assert short.count("data-open-wide") == 3
    assert " open" not in re.findall(r"<details[^>]*>", short)[0]
    assert world.applications[0].summary in short
    assert "width-container--wide" in page


def test_submitting_goes_on_to_the_next_application_then_to_scored_everything(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    apps = world.applications
    first = client.post(url(world, 0), data=score_data(world, [3, 3, 3]))
    assert first.status_code == 302
    assert first.location.endswith(url(world, 1))
    page = client.get(first.location).get_data(as_text=True)
    assert f"Scores sent for {apps[0].reference}." in page
    assert apps[1].project_title in page

    # A draft stays on its page.
    draft = client.post(url(world, 1), data=score_data(world, [2, None, None], action="draft"))
    assert draft.location.endswith(url(world, 1))

    client.post(url(world, 1), data=score_data(world, [2, 2, 2], version=1))
    last = client.post(url(world, 2), data=score_data(world, [4, 4, 4]))
    done = f"/rounds/{world.round.id}/scoring/done"
    assert last.location.endswith(done)
    page = client.get(done).get_data(as_text=True)
    assert f"Scores sent for {apps[2].reference}." in page
    assert "You have scored everything" in page
    assert "3 of 3 applications scored" in page

    # Changing a submitted review keeps the panellist on it: nothing new was sent.
    changed = client.post(url(world, 0), data=score_data(world, [4, 3, 3], version=1))
    assert changed.location.endswith(url(world, 0))
    page = client.get(changed.location).get_data(as_text=True)
    assert f"Your changes to the scores for {apps[0].reference} are saved." in page


def test_the_end_page_says_what_is_left_when_something_is(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    page = client.get(f"/rounds/{world.round.id}/scoring/done").get_data(as_text=True)
    assert "You have scored everything" not in page
    assert "You still have applications to score" in page
    assert "0 of 3" in page
    assert url(world, 0) in page
