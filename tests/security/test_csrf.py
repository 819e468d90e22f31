"""docs/security.md item 15: every POST route refuses a request without its CSRF token.

The walk goes over `app.url_map`, so a new POST route is walked too (and fails until
tests/security/csrf_world.py says who posts it and on what). Each route is posted as its page's
own form would send it, in a world where its objects exist and the person may use it: a refusal
is then the missing token's doing, not a 404. The control test sends the same posts with the
token and sees every route do its work; the last test removes the protection from one route at a
time and sees the walk fail for it.
"""

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask, g, url_for
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from panel.access import policy
from panel.extensions import csrf, db
from panel.models import User
from tests.security.csrf_world import POSTS, CsrfWorld, build_world
from tests.security.helpers import sign_in


def post_endpoints(app: Flask) -> list[str]:
    """Every endpoint that accepts POST; each must be in POSTS (and POSTS holds nothing else)."""
    endpoints = sorted(
        {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in (rule.methods or ())}
    )
    missing = [e for e in endpoints if e not in POSTS]
    assert not missing, (
        f"POST routes the CSRF walk cannot fill: {missing}. Add the objects each one acts on to "
        "build_world in tests/security/csrf_world.py, and an entry in POSTS saying who posts it, "
        "on what, and what they type."
    )
    stale = sorted(set(POSTS) - set(endpoints))
    assert not stale, f"POSTS names routes that take no POST (remove them): {stale}"
    return endpoints


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, the audit log included, in primary-key order."""
    db.session.commit()  # end this session's transaction: see what the requests committed
    return {
        table.name: [
            tuple(row)
            for row in db.session.execute(
                sa.select(table).order_by(*table.primary_key.columns)
            ).all()
        ]
        for table in db.metadata.sorted_tables
    }


def changed_tables(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    return [name for name in before if before[name] != after[name]]


def client_for(app: Flask, world: CsrfWorld, who: str) -> FlaskClient:
    """A browser of its own: signed in as `who` (through the real form), or anonymous."""
    client = app.test_client()
    if who != "anonymous":
        assert sign_in(client, world.people[who]).status_code == 302, f"{who} cannot sign in"
    return client


def fill_in(app: Flask, client: FlaskClient, world: CsrfWorld, endpoint: str) -> tuple[str, Any]:
    """The route's URL and what its page's form sends once the person has typed their answers.

    The page is opened as the person; the form is the one whose action is the route. The data
    holds the page's own CSRF token under "csrf_token".
    """
    post = POSTS[endpoint]
    args = post.args(world)
    page_endpoint = post.page or endpoint
    page_rule = next(r for r in app.url_map.iter_rules() if r.endpoint == page_endpoint)
    with app.test_request_context():
        url = url_for(endpoint, **args)
        page_url = url_for(page_endpoint, **{k: args[k] for k in page_rule.arguments})
    if post.opens is not None:
        client.get(post.opens(world))
    response = client.get(page_url)
    assert response.status_code == 200, f"{endpoint}: its page {page_url} is {response.status_code}"
    document = lxml.html.fromstring(response.get_data(as_text=True), base_url=page_url)
    forms = [
        f
        for f in document.forms
        if (f.method or "").upper() == "POST" and urlsplit(f.action or page_url).path == url
    ]
    assert forms, f"{endpoint}: no form on {page_url} posts to {url}"
    form = forms[0]
    values = MultiDict(form.form_values())
    if post.fill is not None:
        names = [el.name for el in form.inputs if el.name]
        for name, answer in post.fill(world, values, names).items():
            values.setlist(name, answer if isinstance(answer, list) else [answer])
    target = form.action or page_url
    return target[len("http://localhost") :] if target.startswith("http") else target, values


def send(
    app: Flask, world: CsrfWorld, endpoint: str, *, with_token: bool
) -> tuple[FlaskClient, Any, list[str]]:
    """Post the route's form as its person, with or without the token: the client, the response
    and the tables the post changed."""
    client = client_for(app, world, POSTS[endpoint].who)
    target, data = fill_in(app, client, world, endpoint)
    token = data.pop("csrf_token", None)
    assert token, f"{endpoint}: its form carries no CSRF token"
    if with_token:
        data["csrf_token"] = token
    before = snapshot()
    response = client.post(target, data=data)
    return client, response, changed_tables(before, snapshot())


def refusal_problems(endpoint: str, response: Any, changed: list[str]) -> list[str]:
    """What is wrong with a route's answer to its form sent without the token (nothing: [])."""
    problems = []
    if response.status_code != 400:
        problems.append(f"{endpoint} answered {response.status_code}, not 400")
    if changed:
        problems.append(f"{endpoint} changed {changed}")
    return problems


def work_problems(
    endpoint: str, client: FlaskClient, response: Any, changed: list[str]
) -> list[str]:
    """Why the answer does not show the route doing its work (nothing: [])."""
    status = response.status_code
    if status not in (200, 302):
        return [f"{endpoint} answered {status}"]
    effect = POSTS[endpoint].effect
    if effect == "database" and not changed:
        return [f"{endpoint} answered {status} but changed nothing"]
    if effect == "signed in" and client.get("/").status_code != 200:
        return [f"{endpoint} did not sign the person in"]
    if effect == "redirect" and "/export/" not in response.headers.get("Location", ""):
        return [f"{endpoint} did not send the person to their download"]
    return []


def test_item_15_every_post_route_refuses_its_form_without_the_token_and_changes_nothing(
    app: Flask, staff: User
) -> None:
    """Item 15: every POST route of app.url_map, sent its own complete form without the CSRF
    token by someone allowed to use it, answers 400 and changes no row of any table."""
    world = build_world(staff)
    problems: list[str] = []
    for endpoint in post_endpoints(app):
        _, response, changed = send(app, world, endpoint, with_token=False)
        problems += refusal_problems(endpoint, response, changed)
    assert problems == []


def test_item_15_a_new_post_route_fails_the_walk_until_the_world_can_fill_it(app: Flask) -> None:
    """Item 15: a POST route the CSRF world knows nothing about stops the walk, saying what to
    add, rather than being skipped."""

    @app.route("/rounds/<int:round_id>/brand-new", methods=["POST"])
    @policy("staff")
    def brand_new(round_id: int) -> str:
        return "done"

    with pytest.raises(AssertionError, match=r"cannot fill: \['brand_new'\]\. Add the objects"):
        post_endpoints(app)


def test_item_15_with_the_token_every_post_route_does_its_work(app: Flask, staff: User) -> None:
    """Item 15, the control: the same forms with the token are not refused (no 400, no 404) and
    each route does its work, so the walk's 400s are the missing token's alone."""
    world = build_world(staff)
    problems: list[str] = []
    for endpoint in post_endpoints(app):
        problems += work_problems(endpoint, *send(app, world, endpoint, with_token=True))
    assert problems == []


@contextmanager
def csrf_removed(app: Flask, endpoint: str) -> Iterator[None]:
    """Take the CSRF protection off one route, as `@csrf.exempt` and forms built without their
    token check would: the app-wide check skips the view, and its forms are told the request
    is already checked (Flask-WTF's own mark for that)."""
    view = app.view_functions[endpoint]

    @functools.wraps(view)
    def unprotected(**kwargs: Any) -> Any:
        g.csrf_valid = True
        return view(**kwargs)

    # A name of its own, so the exemption matches this wrapper and never the real view.
    unprotected.__name__ = unprotected.__qualname__ = f"{view.__name__}_without_csrf"
    app.view_functions[endpoint] = csrf.exempt(unprotected)
    try:
        yield
    finally:
        app.view_functions[endpoint] = view


def test_item_15_the_walk_fails_for_any_single_route_whose_protection_is_removed(
    app: Flask, staff: User
) -> None:
    """Item 15: for every POST route in turn (all of them, not a sample), with its CSRF
    protection removed the tokenless form is acted on as in the control, and the walk's check
    reports that route."""
    world = build_world(staff)
    problems: list[str] = []
    for endpoint in post_endpoints(app):
        with csrf_removed(app, endpoint):
            client, response, changed = send(app, world, endpoint, with_token=False)
        problems += work_problems(endpoint, client, response, changed)
        if not refusal_problems(endpoint, response, changed):
            problems.append(f"{endpoint}: the walk did not notice its protection was removed")
    assert problems == []


def test_item_15_a_tokenless_post_a_view_acts_on_before_checking_its_form_writes_nothing(
    app: Flask, staff: User
) -> None:
    """Item 15: the public form counts a bot's post (its hidden "website" field filled) before
    it reads the form; sent without the token, that post must not count, nor write anything."""
    world = build_world(staff)
    client = app.test_client()
    target, data = fill_in(app, client, world, "applications.apply")
    data.pop("csrf_token")
    data["website"] = "http://spam.example"
    before = snapshot()
    response = client.post(target, data=data)
    assert response.status_code == 400
    assert changed_tables(before, snapshot()) == []
