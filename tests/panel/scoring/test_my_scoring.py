"""My scoring: a panellist's own progress, the deadline, and the next application to score."""

import re
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient

from panel.models import Stage
from panel.scoring.services.progress import my_queue
from panel.scoring.services.rules import deadline_in_words
from tests.factories import gen_application, gen_conflict
from tests.panel.scoring.conftest import (
    ScoringWorld,
    score_data,
    sign_in_as,
)


def my_url(world: ScoringWorld) -> str:
    return f"/rounds/{world.round.id}/scoring"


def score_url(world: ScoringWorld, n: int) -> str:
    return f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"


def declare(world: ScoringWorld, n: int, who: int) -> None:
    gen_conflict(world.applications[n], world.panellists[who])


def statuses(page: str) -> list[tuple[str, str]]:
    """(project title, status tag) for each card on My scoring, in page order."""
    return re.findall(
        r'<h3 class="card__title"><a[^>]*>([^<]+)</a></h3>.*?<strong class="tag[^"]*">([^<]+)<',
        page,
        flags=re.S,
    )


def test_the_list_shows_every_eligible_application_with_its_status_and_progress(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    world = make_scoring_round(applications=4)
    gen_application(world.round, 9, status="received", project_title="Not yet checked")
    declare(world, 3, who=0)
    sign_in_as(client, world.panellists[0])
    client.post(score_url(world, 0), data=score_data(world, [1, 2, 3]))
    client.post(score_url(world, 1), data=score_data(world, [1, None, 3], "draft"))
    page = client.get(my_url(world)).get_data(as_text=True)
    assert statuses(page) == [
        ("Project 1", "Submitted"),
        ("Project 2", "Draft saved"),
        ("Project 3", "Not started"),
    ]
    assert "Not yet checked" not in page
    # The conflict is listed apart and left out of the progress figures.
    assert "Applications you have stepped back from" in page
    assert re.search(r"Project 4 <strong class=\"tag tag--purple\">Conflict declared", page)
    assert "1 of 3 submitted" in page
    assert '<progress class="progress-bar" id="scoring-progress" max="3" value="1"' in page


def test_the_deadline_is_given_in_plain_words(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    deadline = datetime(2031, 4, 20, 22, 59, 59, tzinfo=UTC)
    world = make_scoring_round(scoring_deadline=deadline)
    sign_in_as(client, world.panellists[0])
    page = client.get(my_url(world)).get_data(as_text=True)
    assert "Deadline: <strong>20 April 2031 at 11:59pm</strong>" in page
    assert re.search(r"\(\d+ days left\)", page)


def test_deadline_words_cover_days_hours_and_a_passed_deadline() -> None:
    now = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
    assert deadline_in_words(now + timedelta(days=3, hours=2), now) == "3 days left"
    assert deadline_in_words(now + timedelta(days=1, hours=2), now) == "1 day left"
    assert deadline_in_words(now + timedelta(hours=5), now) == "5 hours left"
    assert deadline_in_words(now + timedelta(minutes=5), now) == "Less than an hour left"
    assert deadline_in_words(now - timedelta(minutes=5), now) == "The deadline has passed"
    assert deadline_in_words(None, now) == "No deadline has been set"


def test_next_to_score_is_the_application_with_fewest_submitted_reviews(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    world = make_scoring_round(panellists=4, applications=4)
    pat, olu, kim, lee = world.panellists
    # Submitted reviews so far: app1 x2, app2 x1, app3 x0 (but Pat is conflicted), app4 x1.
    for who, n in ((olu, 0), (kim, 0), (olu, 1), (kim, 3)):
        sign_in_as(client, who)
        client.post(score_url(world, n), data=score_data(world, [3, 3, 3]))
    declare(world, 2, who=0)
    sign_in_as(client, lee)
    client.post(score_url(world, 2), data=score_data(world, [3, 3, 3]))  # app3 now x1
    assert my_queue(round_=world.round, panellist=pat).next_up == world.applications[1]
    sign_in_as(client, pat)
    page = client.get(my_url(world)).get_data(as_text=True)
    assert re.search(
        r"Next to score</h2>\s*<div class=\"inset-text\">\s*"
        r"<p class=\"body\"><strong>[^<]*Project 2",
        page,
    )
    # Once Pat submits app2, app4 (one review, tie with none lower) is next; app1 last.
    client.post(score_url(world, 1), data=score_data(world, [3, 3, 3]))
    assert my_queue(round_=world.round, panellist=pat).next_up == world.applications[3]
    client.post(score_url(world, 3), data=score_data(world, [3, 3, 3]))
    assert my_queue(round_=world.round, panellist=pat).next_up == world.applications[0]
    client.post(score_url(world, 0), data=score_data(world, [3, 3, 3]))
    queue = my_queue(round_=world.round, panellist=pat)
    assert queue.next_up is None and (queue.submitted, queue.total) == (3, 3)
    assert "You have submitted scores for every application" in client.get(my_url(world)).get_data(
        as_text=True
    )


def test_ties_for_next_to_score_go_by_reference_not_by_anyones_scores(
    client: FlaskClient, world: ScoringWorld
) -> None:
    pat, olu, kim = world.panellists
    # One review each for app2 and app3 with opposite scores; app1 has two.
    sign_in_as(client, olu)
    client.post(score_url(world, 0), data=score_data(world, [5, 5, 5]))
    client.post(score_url(world, 2), data=score_data(world, [5, 5, 5]))
    sign_in_as(client, kim)
    client.post(score_url(world, 0), data=score_data(world, [0, 0, 0]))
    client.post(score_url(world, 1), data=score_data(world, [0, 0, 0]))
    assert my_queue(round_=world.round, panellist=pat).next_up == world.applications[1]


def test_drafts_do_not_count_towards_next_to_score(
    client: FlaskClient, world: ScoringWorld
) -> None:
    pat, olu, _ = world.panellists
    sign_in_as(client, olu)
    client.post(score_url(world, 0), data=score_data(world, [5, None, None], "draft"))
    client.post(score_url(world, 1), data=score_data(world, [5, 5, 5]))
    queue = my_queue(round_=world.round, panellist=pat)
    assert queue.next_up == world.applications[0]


def test_before_scoring_opens_the_list_says_so_and_offers_no_scoring(
    client: FlaskClient,
    make_scoring_round,  # type: ignore[no-untyped-def]
) -> None:
    world = make_scoring_round(stage=Stage.ELIGIBILITY)
    sign_in_as(client, world.panellists[0])
    page = client.get(my_url(world)).get_data(as_text=True)
    assert "Scoring has not started yet" in page
    assert "Score this application" not in page
    assert "I have a conflict of interest" in page  # conflicts can be declared early


def test_staff_visiting_my_scoring_see_the_coverage_matrix(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.staff)
    page = client.get(my_url(world)).get_data(as_text=True)
    assert '<h1 class="heading-l">Who has scored what</h1>' in page
    assert "Pat Panellist" in page and "Olu Other" in page


def test_the_round_page_links_panellists_and_staff_to_scoring(
    client: FlaskClient, world: ScoringWorld
) -> None:
    sign_in_as(client, world.panellists[0])
    page = client.get(f"/rounds/{world.round.id}").get_data(as_text=True)
    assert f'href="/rounds/{world.round.id}/scoring"' in page and "Go to your scoring" in page
    sign_in_as(client, world.staff)
    page = client.get(f"/rounds/{world.round.id}").get_data(as_text=True)
    assert f'href="/rounds/{world.round.id}/coverage"' in page
    assert f'href="/rounds/{world.round.id}/conflicts"' in page
