"""A panellist's scoring page costs the same however large the round (issue 20, target 3).

The page and a save make a fixed number of queries, and "next to score" is one query whose
answer is the rule's (fewest counted reviews, ties by reference) at both sizes.
benchmarks/scoring_page.py times them at 30, 500 and 2,000 applications.
"""

from typing import Any

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from panel.extensions import db
from panel.scoring.services.progress import next_to_score
from tests.conftest import POSTGRES_URL, CountQueries
from tests.factories import gen_application
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as


def _url(world: ScoringWorld, n: int) -> str:
    return f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"


def _costs(client: FlaskClient, count_queries: CountQueries, world: ScoringWorld) -> tuple:
    """(queries of the page, queries of a draft save, the page's "next" application text)."""
    with count_queries() as page_statements:
        page = client.get(_url(world, 0))
    assert page.status_code == 200
    with count_queries() as save_statements:
        saved = client.post(
            _url(world, 0), data=score_data(world, [2, 2, 2], action="draft", version=0)
        )
    assert saved.status_code == 302
    return len(page_statements), len(save_statements), page.text


def test_the_scoring_page_and_a_save_make_the_same_queries_in_a_larger_round(
    client: FlaskClient,
    make_scoring_round,  # noqa: ANN001 (a fixture returning a factory)
    count_queries: CountQueries,
) -> None:
    world = make_scoring_round(panellists=3, applications=3)
    pat, olu = world.panellists[0], world.panellists[1]
    sign_in_as(client, olu)
    for n in (0, 1):
        assert client.post(_url(world, n), data=score_data(world, [3, 3, 3])).status_code == 302
    sign_in_as(client, pat)
    page, save, text = _costs(client, count_queries, world)
    # Applications 0 and 1 have Olu's counted review, application 2 none: 2 is next.
    assert _next_shown(text) == world.applications[2].reference
    for n in range(4, 41):
        world.applications.append(gen_application(world.round, n))
    sign_in_as(client, olu)
    for n in range(2, 39):
        assert client.post(_url(world, n), data=score_data(world, [3, 3, 3])).status_code == 302
    # A panellist who has not scored yet, as Pat was: a first view and a first draft.
    sign_in_as(client, world.panellists[2])
    page_big, save_big, text_big = _costs(client, count_queries, world)
    assert (page_big, save_big) == (page, save)
    # Only the last application has no counted review.
    assert _next_shown(text_big) == world.applications[39].reference


def _next_shown(page: str) -> str:
    """The reference the page offers under "Next to score"."""
    after = page.split("Next to score", 1)[1]
    return after.split('<p class="body">', 1)[1].split(":", 1)[0].strip()


@pytest.mark.skipif(bool(POSTGRES_URL), reason="SQLite's plan; PostgreSQL plans by its statistics")
def test_next_to_score_reads_the_index_in_order_without_sorting(
    make_scoring_round,  # noqa: ANN001 (a fixture returning a factory)
) -> None:
    """The query walks ix_application_next_to_score (round, status, count, reference) in order
    and stops at the first application left to score: no count per application, no sort."""
    world = make_scoring_round(panellists=2, applications=3)
    captured: list[tuple[str, Any]] = []

    def grab(_conn: Any, _cursor: Any, statement: str, params: Any, *_args: Any) -> None:
        captured.append((statement, params))

    sa.event.listen(db.engine, "before_cursor_execute", grab)
    try:
        next_to_score(round_=world.round, panellist=world.panellists[0])
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", grab)
    statement, params = next((s, p) for s, p in captured if "FROM application" in s)
    plan = " | ".join(
        row[3]
        for row in db.session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", params
        )
    )
    assert "USING INDEX ix_application_next_to_score (round_id=? AND status=?)" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # no sort
    assert "count(" not in statement.lower()
