"""Access to the codesign pages: another round's resident gets 404 everywhere, GET and POST."""

from typing import Any

import pytest
from flask import Flask

from panel.access import policy_of
from panel.extensions import db
from panel.models import Criterion
from tests.conftest import AuthActions
from tests.panel.codesign.access_world import extras
from tests.panel.test_access import world  # noqa: F401 - the shared fixture


def _codesign_routes(app: Flask, world: dict[str, Any]) -> list[tuple[str, str, str]]:  # noqa: F811
    args = {"round_id": world["round"].id, **extras(world)}
    routes = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("codesign."):
                continue
            url = url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url))
    return routes


@pytest.mark.parametrize("who", ["other_panellist", "outsider"])
def test_a_resident_of_another_round_gets_404_on_every_codesign_url(
    app: Flask,
    world: dict[str, Any],  # noqa: F811
    who: str,
) -> None:
    """Items 1 and 2: another round's resident gets 404 on codesign URLs."""
    routes = _codesign_routes(app, world)
    assert len(routes) >= 20
    client = app.test_client()
    AuthActions(client).login(world[who])
    for endpoint, method, url in routes:
        response = client.open(url, method=method, data={"body": "x", "title": "x", "reason": "x"})
        assert response.status_code == 404, (who, endpoint, method, response.status_code)
    # Nothing was written on their behalf.
    assert db.session.execute(db.select(db.func.count(Criterion.id))).scalar() == 1


def test_the_rounds_panellist_and_staff_open_every_codesign_page(
    app: Flask,
    world: dict[str, Any],  # noqa: F811
) -> None:
    routes = _codesign_routes(app, world)
    for who in ("panellist", "staff"):
        client = app.test_client()
        AuthActions(client).login(world[who])
        for endpoint, method, url in routes:
            if method != "GET":
                continue
            if policy_of(app.view_functions[endpoint]) == "staff" and who != "staff":
                assert client.get(url).status_code == 404
                continue
            response = client.get(url)
            assert response.status_code == 200, (who, endpoint, response.status_code)
            page = response.get_data(as_text=True)
            assert world["round"].name in page and page.count("<h1") == 1


def test_a_criterion_of_another_round_is_404_even_for_staff_through_this_rounds_url(
    app: Flask,
    world: dict[str, Any],  # noqa: F811
    make_round: Any,
) -> None:
    """Item 2: another round's criterion is 404 through this round's URL."""
    from tests.factories import gen_criterion

    other_round = make_round()
    theirs = gen_criterion(other_round, world["staff"])
    client = app.test_client()
    AuthActions(client).login(world["staff"])
    url = f"/rounds/{world['round'].id}/criteria/{theirs.id}"
    assert client.get(url).status_code == 404
    assert client.post(f"{url}/comments", data={"body": "hello"}).status_code == 404
    assert client.post(f"{url}/support").status_code == 404
