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
    "messages",
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
    """A value for every URL argument used by any route; a new argument must be added here.

    Areas may name the same argument (several take an `application_id`): the first area's value
    is the shared one, and an area whose own object differs keeps it for its own routes (see
    `area_arguments`), so no area's objects replace another's."""
    if "url_arguments" in world:  # the areas' objects are made once per test
        return dict(world["url_arguments"])
    values = {
        "round_id": world["round"].id,
        "user_id": world["panellist"].id,
        "member_id": world["member"].id,
        "token": "not-a-real-token",
        "filename": "css/panel.css",
    }
    own: dict[str, dict[str, Any]] = {}
    # Each area adds the objects its routes take (tests/panel/<area>/access_world.py).
    for area in AREAS:
        module = importlib.import_module(f"tests.panel.{area}.access_world")
        made = module.extras(world)
        for key, value in made.items():
            values.setdefault(key, value)
        own[area] = {k: v for k, v in made.items() if values[k] != v}
    world["url_arguments"] = values
    world["area_arguments"] = own
    return dict(values)


def area_arguments(world: dict[str, Any], endpoint: str) -> dict[str, Any]:
    """The values an endpoint's URL takes: its own area's objects over the shared ones."""
    url_arguments(world)
    return {**world["url_arguments"], **world["area_arguments"].get(endpoint.split(".")[0], {})}


def argument_values(world: dict[str, Any], name: str) -> set[Any]:
    """Every value the walk gives URL argument `name` (the shared one and any area's own)."""
    url_arguments(world)
    own = [values[name] for values in world["area_arguments"].values() if name in values]
    return {world["url_arguments"][name], *own}


def all_routes(app: Flask, world: dict[str, Any]) -> list[tuple[str, str, str]]:
    url_arguments(world)  # the areas' objects, made outside any request
    routes = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if rule.endpoint in EXEMPT:
                continue
            args = area_arguments(world, rule.endpoint)
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


def test_the_walk_covers_every_route_each_with_its_own_areas_objects(
    app: Flask, world: dict[str, Any]
) -> None:
    """Every route is walked, and an area's routes get that area's objects even where another
    area names the same URL argument (the grants area's award is not the applications area's
    application)."""
    walked = {endpoint for endpoint, _, _ in all_routes(app, world)}
    assert walked == {r.endpoint for r in app.url_map.iter_rules()} - EXEMPT
    assert len(argument_values(world, "application_id")) > 1  # areas make their own
    for area, own in world["area_arguments"].items():
        for rule in app.url_map.iter_rules():
            if rule.endpoint.split(".")[0] != area:
                continue
            args = area_arguments(world, rule.endpoint)
            for key, value in own.items():
                assert args[key] == value, (rule.endpoint, key)


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
