"""What each request of a panellist's scoring session costs in queries, pinned (issue 20,
target 6: the load test's requests), the same at 3 and at 40 applications.

The load test's panellist opens My scoring, opens an application's scoring page, saves a
draft, submits, and revises a submitted review. Each of those is held here to its number of
reads (SELECT statements, the same on SQLite and PostgreSQL), so a query that comes back
(a lookup repeated across the layers, a reload after the commit) fails a test. A save also
takes SQLite's write lock once (one BEGIN): nothing is read again after its commit.
"""

from flask.testing import FlaskClient

from panel.models import User
from tests.conftest import CountQueries
from tests.factories import gen_application
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as

# The reads of each request: user, round, membership, application, conflict, conduct,
# the rubric with its criteria, then what the request itself needs.
READS = {
    "My scoring": 9,
    "scoring page, a draft saved": 12,
    "scoring page, submitted": 14,
    "first submit": 14,
    "draft save": 12,
    "revision": 12,
}


def _reads(statements: list[str]) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("SELECT"))


def _begins(statements: list[str]) -> int:
    return sum(1 for s in statements if s.lstrip().upper().startswith("BEGIN"))


def _session(
    client: FlaskClient, count_queries: CountQueries, world: ScoringWorld, panellist: User
) -> dict[str, int]:
    """The reads of each request of a panellist's session on applications 0 and 1."""
    sign_in_as(client, panellist)
    rid = world.round.id
    first, second = (f"/rounds/{rid}/scoring/{world.applications[n].id}" for n in (0, 1))
    steps = [
        ("My scoring", "GET", f"/rounds/{rid}/scoring", None, 200),
        ("first submit", "POST", first, score_data(world, [3, 3, 3]), 302),
        ("scoring page, submitted", "GET", first, None, 200),
        ("revision", "POST", first, score_data(world, [4, 4, 4], version=1), 302),
        (None, "POST", second, score_data(world, [2, None, None], "draft"), 302),
        ("draft save", "POST", second, score_data(world, [2, 3, None], "draft", version=1), 302),
        ("scoring page, a draft saved", "GET", second, None, 200),
    ]
    reads = {}
    for name, method, url, data, status in steps:
        with count_queries() as statements:
            answer = client.open(url, method=method, data=data)
        assert answer.status_code == status, (name, answer.status_code)
        assert _begins(statements) <= 1, (name, statements)  # one transaction (on SQLite)
        if name is not None:
            reads[name] = _reads(statements)
    return reads


def test_each_request_of_a_scoring_session_makes_its_pinned_reads_at_any_size(
    client: FlaskClient,
    make_scoring_round,  # noqa: ANN001 (a fixture returning a factory)
    count_queries: CountQueries,
) -> None:
    world = make_scoring_round(panellists=3, applications=3)
    pat, olu, kim = world.panellists
    # Another panellist's counted reviews, so the pages after submitting show some.
    sign_in_as(client, olu)
    for n in (0, 1):
        url = f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"
        assert client.post(url, data=score_data(world, [3, 3, 3])).status_code == 302
    small = _session(client, count_queries, world, pat)
    for n in range(4, 41):
        world.applications.append(gen_application(world.round, n))
    sign_in_as(client, olu)
    for n in range(2, 39):
        url = f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"
        assert client.post(url, data=score_data(world, [3, 3, 3])).status_code == 302
    big = _session(client, count_queries, world, kim)
    assert big == small
    assert small == READS, small
