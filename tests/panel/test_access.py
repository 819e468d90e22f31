"""Every route declares who may use it, and each kind of person gets what that policy says."""

import importlib
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from panel.access import POLICIES, policy_of
from panel.extensions import db
from panel.models import FundingRound, Role, RoundMember, User

# Endpoints that are served without a view policy of their own.
EXEMPT = {"static"}

# Each area's tests/panel/<area>/access_world.py has `extras(world) -> {url argument: value}`,
# creating in `world["round"]` the objects its routes take (an application, a criterion, ...).
AREAS = (
    "codesign",
    "applications",
    "scoring",
    "coproduction",
    "results",
    "ideas",
    "welcome",
    "fund",
    "grants",
)


def test_every_route_declares_an_access_policy(app: Flask) -> None:
    missing = [
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if rule.endpoint not in EXEMPT and policy_of(app.view_functions[rule.endpoint]) is None
    ]
    assert missing == [], f"routes with no access policy: {missing}"


def test_every_declared_policy_is_a_known_one(app: Flask) -> None:
    for rule in app.url_map.iter_rules():
        if rule.endpoint in EXEMPT:
            continue
        assert policy_of(app.view_functions[rule.endpoint]) in POLICIES


@pytest.fixture
def world(
    make_user: Callable[..., User], make_round: Callable[..., FundingRound], staff: User
) -> dict[str, Any]:
    """Two rounds; a panellist of each; a resident on no panel."""
    ours_member = make_user(Role.RESIDENT, name="Pat Panellist")
    other_member = make_user(Role.RESIDENT, name="Olu Other")
    outsider = make_user(Role.RESIDENT, name="Nell Nopanel")
    ours = make_round(members=(ours_member,))
    make_round(members=(other_member,))
    member_row = db.session.execute(
        db.select(RoundMember).where(RoundMember.round_id == ours.id)
    ).scalar_one()
    return {
        "staff": staff,
        "panellist": ours_member,
        "other_panellist": other_member,
        "outsider": outsider,
        "round": ours,
        "member": member_row,
    }


def url_arguments(world: dict[str, Any]) -> dict[str, Any]:
    """A value for every URL argument used by any route; a new argument must be added here."""
    if "url_arguments" in world:  # the areas' objects are made once per test
        return dict(world["url_arguments"])
    values = {
        "round_id": world["round"].id,
        "user_id": world["panellist"].id,
        "member_id": world["member"].id,
        "token": "not-a-real-token",
        "filename": "css/panel.css",
    }
    # Each area adds the objects its routes take (see the areas' conftest `world_extras`).
    for area in AREAS:
        module = importlib.import_module(f"tests.panel.{area}.access_world")
        values.update(module.extras(world))
    world["url_arguments"] = values
    return dict(values)


def all_routes(app: Flask, world: dict[str, Any]) -> list[tuple[str, str, str]]:
    args = url_arguments(world)
    routes = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint in EXEMPT:
                continue
            unknown = set(rule.arguments) - set(args)
            assert not unknown, f"add a test value for {unknown} used by {rule.endpoint}"
            url = url_for(rule.endpoint, **{k: args[k] for k in rule.arguments})
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                routes.append((rule.endpoint, method, url))
    return routes


def request(client: Any, method: str, url: str) -> Any:
    return client.open(url, method=method, data={})


def test_anonymous_visitors_are_sent_to_sign_in_for_every_non_public_route(
    app: Flask, world: dict[str, Any]
) -> None:
    client = app.test_client()
    for endpoint, method, url in all_routes(app, world):
        name = policy_of(app.view_functions[endpoint])
        response = request(client, method, url)
        if name in ("public", "anonymous"):
            assert response.status_code != 302 or "/login" not in response.location
        else:
            assert response.status_code == 302, (endpoint, method, response.status_code)
            assert response.location.startswith("/login?next="), (endpoint, response.location)


@pytest.mark.parametrize("who", ["panellist", "other_panellist", "outsider"])
def test_residents_get_404_on_every_staff_route(
    app: Flask, world: dict[str, Any], who: str
) -> None:
    client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(client).login(world[who])
    for endpoint, method, url in all_routes(app, world):
        if policy_of(app.view_functions[endpoint]) != "staff":
            continue
        response = request(client, method, url)
        assert response.status_code == 404, (who, endpoint, method, response.status_code)


@pytest.mark.parametrize("who", ["other_panellist", "outsider"])
def test_residents_not_on_the_panel_get_404_on_the_rounds_member_routes(
    app: Flask, world: dict[str, Any], who: str
) -> None:
    client = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(client).login(world[who])
    for endpoint, method, url in all_routes(app, world):
        if policy_of(app.view_functions[endpoint]) != "member":
            continue
        response = request(client, method, url)
        assert response.status_code == 404, (who, endpoint, method, response.status_code)


def test_the_rounds_own_panellist_and_staff_can_open_every_member_page(
    app: Flask, world: dict[str, Any]
) -> None:
    from tests.conftest import AuthActions

    for who in ("panellist", "staff"):
        client = app.test_client()
        AuthActions(client).login(world[who])
        for endpoint, method, url in all_routes(app, world):
            if policy_of(app.view_functions[endpoint]) != "member" or method != "GET":
                continue
            response = client.get(url)
            assert response.status_code == 200, (who, endpoint, response.status_code)
            if response.mimetype == "text/html":  # a page, not a download (an attached file)
                assert world["round"].name in response.get_data(as_text=True)


def test_staff_reach_every_staff_page(app: Flask, world: dict[str, Any]) -> None:
    from tests.conftest import AuthActions

    client = app.test_client()
    AuthActions(client).login(world["staff"])
    for endpoint, method, url in all_routes(app, world):
        if policy_of(app.view_functions[endpoint]) != "staff" or method != "GET":
            continue
        response = client.get(url)
        assert response.status_code == 200, (endpoint, response.status_code)
        if response.mimetype != "text/html":  # downloads: the template spreadsheet, exports
            assert response.headers["Content-Disposition"].startswith("attachment")
            continue
        assert b"<h1" in response.data


def test_a_view_without_a_policy_is_refused_even_for_staff(app: Flask, staff: User) -> None:
    @app.route("/forgotten")
    def forgotten() -> str:
        return "secret"

    from tests.conftest import AuthActions

    client = app.test_client()
    AuthActions(client).login(staff)
    response = client.get("/forgotten")
    assert response.status_code == 403
    assert b"secret" not in response.data
