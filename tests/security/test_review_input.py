"""docs/security.md item 33: what comes in, found by the outside reviews of December 2026.

Huge ids, NUL characters and an oversized hidden key are refused cleanly (never a 500) on both
databases, and no log line carries an applicant's personal data. CSRF is on
(tests/security/conftest.py); unexpected errors answer 500 here instead of being raised, so a walk
lists every route that fails rather than stopping at the first.
"""

import importlib
import logging
import pkgutil
import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import lxml.html
import pytest
import sqlalchemy as sa
from flask import Flask, url_for
from flask.testing import FlaskClient
from werkzeug.routing import IntegerConverter

import panel
from panel.access import policy
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.types import uk_today
from panel.urls import MAX_ID
from tests.conftest import base_config
from tests.panel.applications.conftest import GOOD
from tests.security.csrf_world import POSTS, build_world
from tests.security.helpers import csrf_token, sign_in
from tests.security.test_csrf import (
    changed_tables,
    client_for,
    fill_in,
    post_endpoints,
    snapshot,
    work_problems,
)


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    # A mail server is set up (nothing listens there, and no worker runs), as for the csrf walk.
    return base_config(
        database_url,
        WTF_CSRF_ENABLED=True,
        PROPAGATE_TEST_ERRORS=False,
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=9,
    )


PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# Past what PostgreSQL's INTEGER id and a 64-bit id can hold, far past them, and past what Python
# turns into an int at all.
HUGE = [str(2**31), str(2**63), str(2**64), str(10**30), "9" * 5000]


def path_for(rule: str, values: dict[str, str]) -> str:
    """The rule's path with each <converter:name> replaced by values[name]."""
    return PLACEHOLDER.sub(lambda m: values[m.group(2)], rule)


def slots(app: Flask) -> list[tuple[Any, list[str], list[str]]]:
    """Every rule with its int arguments and its string arguments."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        ints = [n for n, conv in rule._converters.items() if isinstance(conv, IntegerConverter)]
        strings = [name for name in rule.arguments if name not in ints]
        found.append((rule, ints, strings))
    return found


def request(client: FlaskClient, rule: Any, path: str) -> Any:
    """GET the path, or POST it with a valid CSRF token when the route takes only POST."""
    if "GET" in (rule.methods or ()):
        return client.get(path)
    home = client.get("/")
    token = csrf_token(client, "/" if home.status_code == 200 else "/login")
    return client.post(path, data={"csrf_token": token})


# --------------------------------------------------------------------------- item 33: URLs


def test_item_33_an_id_past_64_bits_in_any_url_slot_is_404_not_500(
    app: Flask, client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 33: every int slot of every route in app.url_map, given 2^31, 2^63, 2^64, 10^30 or
    a 5,000-digit number (the other slots naming a real round), answers 404 to staff, never 500;
    the largest id the routes take (10^9 - 1) reaches the view and gets its ordinary 404."""
    make_round()  # id 1: the other slots name something real, so the view reaches the huge one
    sign_in(client, staff)
    problems = []
    walked = 0
    for rule, ints, strings in slots(app):
        for slot in ints:
            for value in [*HUGE, str(MAX_ID)]:
                values = {name: "1" for name in ints} | {name: "x" for name in strings}
                values[slot] = value
                response = request(client, rule, path_for(rule.rule, values))
                walked += 1
                if response.status_code != 404:
                    problems.append(f"{rule.rule} {slot}={value[:25]}: {response.status_code}")
    assert walked > 200  # the walk covered the app's id routes, not an empty map
    assert problems == []


def test_item_33_a_nul_character_in_any_string_slot_of_a_url_is_404(
    app: Flask, client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 33: anonymous GET /apply/a%00b (500 on PostgreSQL before) and a NUL in every
    string slot of every route, anonymous and as staff, answer 404."""
    today = uk_today()
    make_round(
        slug="open",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=1),
        applications_close_on=today + timedelta(days=9),
    )
    response = client.get("/apply/a%00b")
    assert response.status_code == 404 and "Page not found" in response.get_data(as_text=True)
    assert client.get("/apply/open%00").status_code == 404
    assert client.get("/apply/open").status_code == 200  # the control: the real slug works
    problems = []
    staff_client = client.application.test_client()
    sign_in(staff_client, staff)
    for browser in (client, staff_client):
        for rule, ints, strings in slots(app):
            for slot in strings:
                values = {name: "1" for name in ints} | {name: "open" for name in strings}
                values[slot] = "op%00en"
                response = request(browser, rule, path_for(rule.rule, values))
                if response.status_code != 404:
                    problems.append(f"{rule.rule} {slot}: {response.status_code}")
    assert problems == []


def test_item_33_a_huge_page_number_in_the_audit_log_is_an_empty_page_not_500(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 33: ?page= past 64 bits on a round's log answers an ordinary page, never 500."""
    round_ = make_round()
    sign_in(client, staff)
    for page in (str(2**63), str(10**30), "9" * 5000, "-5", "x"):
        response = client.get(f"/rounds/{round_.id}/log?page={page}")
        assert response.status_code == 200, page
        assert round_.name in response.get_data(as_text=True)


# --------------------------------------------------------------------------- item 33: forms


def with_nul(value: str) -> str:
    """The value with a NUL in its middle (a NUL alone when it is empty)."""
    middle = len(value) // 2
    return value[:middle] + "\x00" + value[middle:]


def nul_rows() -> list[str]:
    """Every stored text value that holds a NUL, as "table: value"."""
    found = []
    for table, rows in snapshot().items():
        for row in rows:
            found += [f"{table}: {v!r}" for v in row if isinstance(v, str) and "\x00" in v]
    return found


TYPED = {"text", "email", "search", "tel", "url", "password", "hidden", "number", "textarea"}


def typed_fields(app: Flask, client: FlaskClient, world: Any, endpoint: str) -> set[str]:
    """The names of the fields a person types into (or the page holds hidden) on the route's
    page: every input but the choices (radios, checkboxes, selects), whose values the page
    offers rather than the person writes."""
    post = POSTS[endpoint]
    args = post.args(world)
    page_endpoint = post.page or endpoint
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == page_endpoint)
    with app.test_request_context():
        page_url = url_for(page_endpoint, **{k: args[k] for k in rule.arguments})
    document = lxml.html.fromstring(client.get(page_url).get_data(as_text=True))
    return {
        el.name
        for el in document.iter("input", "textarea")
        if el.name and (el.tag == "textarea" or (el.get("type") or "text") in TYPED)
    }


def test_item_33_a_nul_in_every_field_of_every_post_route_is_taken_out_and_the_save_happens(
    app: Flask, staff: User
) -> None:
    """Item 33: every POST route of app.url_map is sent its own page's form, as the csrf walk
    sends it, with a NUL in the middle of every field typed into or held hidden (text, text
    areas, emails, passwords, numbers, hidden versions and keys); each route does the same work
    as without it (no 500, nothing typed is lost) and no stored text anywhere holds a NUL.
    Before, on PostgreSQL, 11 forms answered 500 and lost the whole save."""
    world = build_world(staff)
    problems: list[str] = []
    walked = 0
    for endpoint in post_endpoints(app):
        client = client_for(app, world, POSTS[endpoint].who)
        target, data = fill_in(app, client, world, endpoint)
        typed = typed_fields(app, client, world, endpoint)
        for name in list(data):
            values = data.getlist(name)
            if name in typed and name != "csrf_token" and all(isinstance(v, str) for v in values):
                data.setlist(name, [with_nul(v) for v in values])
                walked += 1
        before = snapshot()
        response = client.post(target, data=data)
        changed = changed_tables(before, snapshot())
        problems += work_problems(endpoint, client, response, changed)
    assert walked > 100
    assert problems == []
    assert nul_rows() == []


def test_item_33_every_form_class_takes_nul_out_through_the_shared_base(app: Flask) -> None:
    """Item 33: every form class in panel/ (the ones made inside functions too, once made)
    derives from panel.forms.PanelForm, which takes NUL out of what it receives; a search form
    fed a query string and a posted form both come out clean."""
    import flask_wtf

    from panel.applications.forms import SearchForm, columns_form
    from panel.auth.forms import LoginForm
    from panel.forms import PanelForm

    for module in pkgutil.walk_packages(panel.__path__, "panel."):
        importlib.import_module(module.name)
    with app.test_request_context():
        columns_form(["Name"], {})  # a form class made inside a function
    classes, todo = set(), [flask_wtf.FlaskForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            classes.add(sub)
            todo.append(sub)
    ours = {c for c in classes if c.__module__.startswith("panel.")}  # not the tests' own
    outside = sorted(c.__qualname__ for c in ours if not issubclass(c, PanelForm))
    assert len(ours) > 25 and outside == []
    with app.test_request_context("/?q=lunch%00club"):
        from flask import request as current

        assert SearchForm(formdata=current.args).q.data == "lunchclub"
    with app.test_request_context(
        "/login", method="POST", data={"email": "a\x00b@example.org", "password": "p\x00w"}
    ):
        form = LoginForm(meta={"csrf": False})
        assert (form.email.data, form.password.data) == ("ab@example.org", "pw")


def test_item_33_a_nul_in_a_staff_search_is_an_ordinary_search(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 33: the staff searches (people, applications) take a NUL out of the words."""
    round_ = make_round()
    sign_in(client, staff)
    people = client.get("/people?q=Sam%00%20Staff")
    assert people.status_code == 200 and "sam.staff@example.org" in people.get_data(as_text=True)
    found = client.get(f"/rounds/{round_.id}/applications?q=lunch%00club")
    assert found.status_code == 200


# --------------------------------------------------------------------------- item 33: the key


def open_round(make_round: Callable[..., FundingRound]) -> FundingRound:
    today = uk_today()
    return make_round(
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=3),
        applications_close_on=today + timedelta(days=10),
    )


def test_item_33_an_oversized_submission_key_is_refused_cleanly_keeping_the_answers(
    client: FlaskClient, make_round: Callable[..., FundingRound], caplog: pytest.LogCaptureFixture
) -> None:
    """Item 33: a hidden submission_key longer than 64 characters (500 on PostgreSQL before,
    logging the applicant's details) gets the form back, 400, holding every answer and a fresh
    key; nothing is saved; sending that form again saves exactly one application."""
    open_round(make_round)
    token = csrf_token(client, "/apply/spring")
    data = {**GOOD, "submission_key": "k" * 65, "csrf_token": token}
    response = client.post("/apply/spring", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Nothing was sent" in page
    for value in ("Northfield Lunch Club", "June Hart", "june.hart@example.org", "LS6 2AB"):
        assert value.lower() in page.lower()
    assert db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one() == 0
    fresh = re.search(r'name="submission_key" type="hidden" value="([^"]*)"', page)
    assert fresh and 16 <= len(fresh.group(1)) <= 64
    again = client.post(
        "/apply/spring", data={**data, "submission_key": fresh.group(1), "csrf_token": token}
    )
    assert again.status_code == 302
    assert db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one() == 1


APPLICANT = {
    "contact_name": "Zebedee Quillfeather",
    "contact_email": "zebedee.q@example.net",
    "contact_phone": "07700 900 123",
    "postcode": "ZE1 9QX",
}


def test_item_33_no_log_line_carries_an_applicants_personal_data(
    app: Flask,
    client: FlaskClient,
    make_round: Callable[..., FundingRound],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Item 33: errors are provoked with an applicant's details in the failing statement (a
    clashing unique key; a NOT NULL refusal whose PostgreSQL DETAIL repeats the whole row; an
    oversized key on the public form): the logs, tracebacks included, name none of them."""
    round_id = open_round(make_round).id

    def insert(**extra: Any) -> None:
        application = Application(
            round_id=round_id,
            number=7,
            reference="CF-0007",
            organisation_name="Quill Group",
            organisation_type="community_group",
            project_title="Feathers",
            summary="x",
            spend_on="y",
            amount_requested_pence=1000,
            beneficiaries=3,
            location="Here",
            source="online",
            submission_key="same-key",
            **APPLICANT,
        )
        for key, value in extra.items():
            setattr(application, key, value)
        db.session.add(application)
        db.session.commit()

    @app.route("/clash", methods=["POST"])
    @policy("public")
    def clash() -> str:
        insert()
        return "saved twice?"

    @app.route("/missing", methods=["POST"])
    @policy("public")
    def missing() -> str:
        insert(organisation_name=None, submission_key="other-key")
        return "saved without a name?"

    caplog.set_level(logging.DEBUG)
    insert()
    token = csrf_token(client, "/apply/spring")
    assert client.post("/clash", data={"csrf_token": token}).status_code == 500
    assert client.post("/missing", data={"csrf_token": token}).status_code == 500
    client.post(
        "/apply/spring",
        data={**GOOD, **APPLICANT, "submission_key": "k" * 80, "csrf_token": token},
    )
    formatter = logging.Formatter()
    logged = "\n".join(formatter.format(r) for r in caplog.records)
    assert "unhandled error on /clash" in logged and "IntegrityError" in logged  # provoked
    for detail in APPLICANT.values():
        assert detail not in logged
