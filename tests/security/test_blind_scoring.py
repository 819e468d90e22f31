"""docs/security.md item 5, blind scoring, with CSRF on: before a panellist submits their own review
of an application, no list, detail page, sort order, aggregate or export shows them another
panellist's scores or comments for it (Hypha #2169 leaked through a detail URL, pretalx #611
through sorting)."""

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.models import User
from tests.pages import without_tokens
from tests.security.helpers import post_form, sign_in, switch_to
from tests.worlds import ScoringWorld, gen_scoring_world, score_data

SECRET = "Private comment by Olu on project one"
CRITERION_NOTE = "Criterion note by Olu"


@pytest.fixture
def world(app: Flask, staff: User) -> ScoringWorld:
    return gen_scoring_world(staff)


def url(world: ScoringWorld, n: int) -> str:
    return f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"


def every_page_pat_can_ask_for(client: FlaskClient, world: ScoringWorld) -> dict[str, str]:
    """Lists, detail pages, every results sort order, the agenda and the exports."""
    base = f"/rounds/{world.round.id}"
    first, second = (a.id for a in world.applications[:2])
    paths = [
        base,
        f"{base}/scoring",
        f"{base}/scoring?sort=mean",
        url(world, 0),
        f"{url(world, 0)}/conflict",
        url(world, 1),
        f"{base}/results",
        f"{base}/results/{first}",
        f"{base}/results/{second}",
        f"{base}/meeting",
        f"{base}/coverage",
        f"{base}/export/xlsx",
        f"{base}/export/csv",
        f"{base}/export/feedback",
    ]
    for sort in ("rank", "mean", "median", "sd", "range", "reviews", "calibrated"):
        paths += [f"{base}/results?sort={sort}", f"{base}/results?sort={sort}&dir=desc"]
    return {path: client.get(path).get_data(as_text=True) for path in paths}


def test_item_5_before_submitting_nothing_shows_others_scores_or_comments_anywhere(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 5: with a draft of their own and the other applications submitted, Pat sees none of
    Olu's scores (all 5s) or comments for application one: not on the scoring pages, not on any
    results page or sort order, not in the agenda, and exports are 404."""
    pat, olu = world.panellists[:2]
    sign_in(client, olu)
    for n in range(3):
        data = score_data(world, [5, 5, 5], overall_comment=SECRET if n == 0 else "")
        if n == 0:
            data[f"comment_{world.criteria[0].id}"] = CRITERION_NOTE
        assert post_form(client, url(world, n), data).status_code == 302
    switch_to(client, pat)
    for n in (1, 2):
        assert post_form(client, url(world, n), score_data(world, [1, 1, 1])).status_code == 302
    draft = score_data(world, [2, None, None], "draft")
    assert post_form(client, url(world, 0), draft).status_code == 302
    pages = every_page_pat_can_ask_for(client, world)
    for path, page in pages.items():
        assert SECRET not in page and CRITERION_NOTE not in page, path
        assert not re.search(r"\b5\.00\b|\b3\.00\b", page), path  # Olu's 5s or a mean with them
    for path in ("/scoring", "/conflict", f"/scoring/{world.applications[0].id}"):
        for key, page in pages.items():
            if key.endswith(path):
                assert "Olu" not in without_tokens(page), key
    results = pages[f"/rounds/{world.round.id}/results"]
    assert "Results are not ready for you yet" in results
    # Submitting their own review is what opens it up (so the checks above can see a leak).
    submit = score_data(world, [1, 1, 1], version=1)
    assert post_form(client, url(world, 0), submit).status_code == 302
    page = client.get(url(world, 0)).get_data(as_text=True)
    assert SECRET in page and CRITERION_NOTE in page
    results = client.get(f"/rounds/{world.round.id}/results").get_data(as_text=True)
    assert "3.00" in results  # (5 + 1) / 2 for every application


def test_item_5_the_queue_order_and_counts_follow_nothing_of_others_scores(
    client: FlaskClient, world: ScoringWorld
) -> None:
    """Item 5: My scoring lists applications by reference whatever others scored, whatever sort
    is asked for in the URL, and counts only the panellist's own progress."""
    pat, olu = world.panellists[:2]
    sign_in(client, olu)
    for n, value in ((0, 0), (1, 3), (2, 5)):
        assert post_form(client, url(world, n), score_data(world, [value] * 3)).status_code == 302
    switch_to(client, pat)
    expected = [a.project_title for a in world.applications]
    for query in ("", "?sort=mean", "?sort=score&dir=desc", "?order=rank"):
        page = client.get(f"/rounds/{world.round.id}/scoring{query}").get_data(as_text=True)
        titles = re.findall(r'<h3 class="card__title"><a[^>]*>([^<]+)</a>', page)
        assert titles == expected, query
        assert "0 of 3 submitted" in page and "Submitted" not in page.split("submitted", 1)[1]
