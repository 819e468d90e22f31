"""The scoring routes, walked as every kind of person (docs/security.md items 1-4).

tests/panel/test_access.py walks every route of the app; this walks only the scoring area's,
with the same world, so the area's access rules are checked on their own as well.
"""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, url_for

from panel.access import policy_of
from panel.extensions import db
from panel.models import (
    Application,
    FundingRound,
    Role,
    RoundMember,
    User,
)
from tests.conftest import AuthActions
from tests.factories import gen_conflict
from tests.panel.scoring import access_world


@pytest.fixture
def walk(
    app: Flask, make_user: Callable[..., User], make_round: Callable[..., FundingRound], staff: User
) -> dict[str, Any]:
    ours_member = make_user(Role.RESIDENT, name="Pat Panellist")
    other_member = make_user(Role.RESIDENT, name="Olu Other")
    outsider = make_user(Role.RESIDENT, name="Nell Nopanel")
    ours = make_round(members=(ours_member,))
    make_round(members=(other_member,))
    member_row = db.session.execute(
        db.select(RoundMember).where(RoundMember.round_id == ours.id)
    ).scalar_one()
    world = {
        "staff": staff,
        "panellist": ours_member,
        "other_panellist": other_member,
        "outsider": outsider,
        "round": ours,
        "member": member_row,
    }
    args = {"round_id": ours.id, "user_id": ours_member.id}
    args.update(access_world.extras(world))
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if not rule.endpoint.startswith("scoring."):
                continue
            url = url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url))
    world["routes"] = routes
    world["args"] = args
    return world


def test_the_scoring_area_has_every_page_the_issue_asks_for(walk: dict[str, Any]) -> None:
    endpoints = {endpoint for endpoint, _, _ in walk["routes"]}
    assert endpoints == {
        "scoring.my_scoring",
        "scoring.all_scored",
        "scoring.score",
        "scoring.enter_for",
        "scoring.declare_conflict",
        "scoring.conflicts",
        "scoring.withdraw_conflict",
        "scoring.coverage",
        "scoring.sheet",
    }


def test_anonymous_visitors_are_sent_to_sign_in(app: Flask, walk: dict[str, Any]) -> None:
    """Item 1: every scoring route sends anonymous visitors to sign in."""
    client = app.test_client()
    for endpoint, method, url in walk["routes"]:
        response = client.open(url, method=method, data={})
        assert response.status_code == 302, (endpoint, method)
        assert response.location.startswith("/login?next="), endpoint


@pytest.mark.parametrize("who", ["other_panellist", "outsider"])
def test_residents_not_on_the_panel_get_404_everywhere(
    app: Flask, walk: dict[str, Any], who: str
) -> None:
    """Items 1 and 2: residents off this round's panel get 404 on every scoring route."""
    client = app.test_client()
    AuthActions(client).login(walk[who])
    for endpoint, method, url in walk["routes"]:
        response = client.open(url, method=method, data={})
        assert response.status_code == 404, (who, endpoint, method, response.status_code)


def test_the_rounds_panellist_gets_404_on_staff_pages_and_200_on_member_pages(
    app: Flask, walk: dict[str, Any]
) -> None:
    """Item 1: the round's panellist gets 404 on staff pages, 200 on member pages."""
    client = app.test_client()
    AuthActions(client).login(walk["panellist"])
    for endpoint, method, url in walk["routes"]:
        name = policy_of(app.view_functions[endpoint])
        response = client.open(url, method=method, data={})
        if name == "staff":
            assert response.status_code == 404, (endpoint, method)
        elif method == "GET":
            assert response.status_code == 200, (endpoint, response.status_code)
            assert walk["round"].name in response.get_data(as_text=True)


def test_staff_open_every_scoring_page(app: Flask, walk: dict[str, Any]) -> None:
    """Item 1: staff open every scoring page."""
    client = app.test_client()
    AuthActions(client).login(walk["staff"])
    for endpoint, method, url in walk["routes"]:
        if method != "GET":
            continue
        response = client.get(url)
        assert response.status_code == 200, (endpoint, response.status_code)
        assert response.get_data(as_text=True).count("<h1") == 1, endpoint


def test_a_conflicted_panellist_gets_404_on_that_applications_pages(
    app: Flask, walk: dict[str, Any]
) -> None:
    """Items 1 and 4: a conflicted panellist gets 404 on that application's pages."""
    application = db.session.get(Application, walk["args"]["application_id"])
    assert application is not None
    gen_conflict(application, walk["panellist"])
    client = app.test_client()
    AuthActions(client).login(walk["panellist"])
    for endpoint, method, url in walk["routes"]:
        if endpoint in ("scoring.score", "scoring.declare_conflict"):
            response = client.open(url, method=method, data={})
            assert response.status_code == 404, (endpoint, method)
