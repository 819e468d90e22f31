"""The other pages a panellist sees while scoring cost the same queries however large the round
(issue 20): their home, the round's page and My scoring, at 3 and at 40 applications, with
reviews submitted on most of them."""

from flask.testing import FlaskClient

from tests.conftest import CountQueries
from tests.factories import gen_application
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as


def _pages(world: ScoringWorld) -> list[str]:
    return ["/", f"/rounds/{world.round.id}", f"/rounds/{world.round.id}/scoring"]


def _counts(client: FlaskClient, count_queries: CountQueries, world: ScoringWorld) -> list[int]:
    counts = []
    for url in _pages(world):
        with count_queries() as statements:
            page = client.get(url)
        assert page.status_code == 200, url
        counts.append(len(statements))
    return counts


def _submit(client: FlaskClient, world: ScoringWorld, n: int) -> None:
    url = f"/rounds/{world.round.id}/scoring/{world.applications[n].id}"
    assert client.post(url, data=score_data(world, [3, 3, 3])).status_code == 302


def test_a_panellists_pages_make_the_same_queries_in_a_larger_round(
    client: FlaskClient,
    make_scoring_round,  # noqa: ANN001 (a fixture returning a factory)
    count_queries: CountQueries,
) -> None:
    world = make_scoring_round(panellists=3, applications=3)
    pat, olu, kim = world.panellists
    sign_in_as(client, olu)
    for n in (0, 1):
        _submit(client, world, n)
    sign_in_as(client, pat)
    _submit(client, world, 2)
    small = _counts(client, count_queries, world)
    for n in range(4, 41):
        world.applications.append(gen_application(world.round, n))
    for person, done in ((olu, range(2, 39)), (pat, range(3, 30)), (kim, range(0, 20))):
        sign_in_as(client, person)
        for n in done:
            _submit(client, world, n)
    sign_in_as(client, pat)
    big = _counts(client, count_queries, world)
    assert big == small, dict(zip(_pages(world), zip(small, big, strict=True), strict=True))
    queue = client.get(f"/rounds/{world.round.id}/scoring").text
    assert world.applications[39].reference in queue  # the larger round is the one shown
