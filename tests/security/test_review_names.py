"""docs/security.md item 43: names that cannot lie, and rounds not yet open that say nothing.

Found by the outside reviews of December 2026. CSRF is on (tests/security/conftest.py); the
walks reuse the csrf walk's world (tests/security/csrf_world.py).
"""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.types import uk_today
from tests.panel.applications.conftest import GOOD
from tests.security.csrf_world import POSTS, build_world
from tests.security.helpers import csrf_token
from tests.security.test_csrf import (
    changed_tables,
    client_for,
    fill_in,
    post_endpoints,
    snapshot,
    work_problems,
)
from tests.security.test_review_input import open_round, typed_fields

# --------------------------------------------------------------------------- item 43: names


# Right-to-left override, left-to-right isolate, pop isolate, zero-width space and joiner, word
# joiner, byte-order mark, right-to-left mark: each can make a name in a list read otherwise.
TRICKS = "\u202e\u2066\u2069\u200b\u200d\u2060\ufeff\u200f"
NAME_FIELDS = {
    "organisation_name",
    "project_title",
    "contact_name",
    "name",
    "fund_name",
    "display_name",
    "title",
}


def with_tricks(value: str) -> str:
    """The value with every trick character around and inside it (the value itself when empty)."""
    if not value:
        return value
    middle = len(value) // 2
    return TRICKS[:4] + value[:middle] + TRICKS + value[middle:] + TRICKS[4:]


def names_with_tricks() -> list[str]:
    """Every stored name or title that holds a trick character, as "table.column: value"."""
    db.session.commit()
    found = []
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if column.name not in NAME_FIELDS:
                continue
            for (value,) in db.session.execute(sa.select(column)).all():
                if isinstance(value, str) and any(c in value for c in TRICKS):
                    found.append(f"{table.name}.{column.name}: {value!r}")
    return found


def test_item_43_every_name_and_title_a_form_saves_loses_bidi_and_zero_width_characters(
    app: Flask, staff: User
) -> None:
    """Item 43: every POST route whose form has a name or title (organisation, project, contact,
    round, fund, person, criterion, boundary) is sent with bidi-override, isolate, mark and
    zero-width characters around and inside each; the route does its work and no stored name or
    title anywhere holds one of them."""
    world = build_world(staff)
    problems: list[str] = []
    walked = []
    for endpoint in post_endpoints(app):
        client = client_for(app, world, POSTS[endpoint].who)
        target, data = fill_in(app, client, world, endpoint)
        typed = typed_fields(app, client, world, endpoint)
        names = [n for n in data if n in NAME_FIELDS and n in typed and data[n]]
        if not names:
            continue
        for name in names:
            data[name] = with_tricks(data[name])
        walked.append(endpoint)
        before = snapshot()
        response = client.post(target, data=data)
        problems += work_problems(endpoint, client, response, changed_tables(before, snapshot()))
    assert {
        "applications.apply",
        "applications.edit",
        "rounds.new_round",
        "rounds.edit_round",
        "auth.new_person",
        "codesign.propose",
        "codesign.edit",
        "codesign.boundaries",
    } <= set(walked)
    assert problems == []
    assert names_with_tricks() == []


def test_item_43_imports_and_the_cli_strip_the_same_characters(
    app: Flask, make_round: Callable[..., FundingRound], runner: Any
) -> None:
    """Item 43: the answers' shared check (which every import row goes through) and the
    create-staff command take the same characters out of names and titles, and nothing else."""
    from panel.applications.validation import clean

    round_ = open_round(make_round)
    raw = {
        **GOOD,
        "organisation_name": "\u202eNorthfield\u200b Lunch Club",
        "project_title": "Weekly\u2066 lunch\u2069",
        "contact_name": "June\u200d Hart",
        "summary": "Keeps\u200b its characters",
    }
    values, errors = clean(raw, round_=round_)
    assert errors == {}
    assert values["organisation_name"] == "Northfield Lunch Club"
    assert values["project_title"] == "Weekly lunch"
    assert values["contact_name"] == "June Hart"
    result = runner.invoke(
        args=["create-staff", "new.staff@example.org", "--name", "Ned\u202e Staff\u200b"]
    )
    assert result.exit_code == 0, result.output
    person = db.session.execute(
        sa.select(User).where(User.email == "new.staff@example.org")
    ).scalar_one()
    assert person.display_name == "Ned Staff"


# --------------------------------------------------------------------------- item 43: not open


@pytest.mark.parametrize(
    "settings",
    [
        {"stage": Stage.CODESIGN},
        {"stage": Stage.APPLICATIONS, "applications_open_on": uk_today() + timedelta(days=1)},
    ],
    ids=["co-design", "before-its-opening-date"],
)
def test_item_43_an_unpublished_round_shows_the_same_plain_page_as_no_round_at_all(
    client: FlaskClient, make_round: Callable[..., FundingRound], settings: dict[str, Any]
) -> None:
    """Item 43: /apply/<slug> of a round not yet taking applications (still in co-design, or
    before its opening date) answers exactly as a slug that names no round: a plain "not open"
    page (404) without its name, fund or dates, by GET and POST, and /sent too; nothing saved."""
    make_round(
        slug="secret",
        name="Hidden Harbour Fund",
        fund_name="Quiet Money",
        applications_close_on=uk_today() + timedelta(days=30),
        **settings,
    )
    unknown = client.get("/apply/no-such-round")
    secret = client.get("/apply/secret")
    page = secret.get_data(as_text=True)
    assert secret.status_code == unknown.status_code == 404
    assert "not taking applications" in page
    assert page == unknown.get_data(as_text=True)
    for hidden in ("Hidden Harbour", "Quiet Money", str(uk_today().year + 1), "secret"):
        assert hidden not in page
    token = csrf_token(client, "/login")
    posted = client.post("/apply/secret", data={**GOOD, "csrf_token": token})
    assert posted.status_code == 404 and posted.get_data(as_text=True) == page
    sent = client.get("/apply/secret/sent")
    assert sent.status_code == 404 and sent.get_data(as_text=True) == page
    assert db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one() == 0
