"""SQLite locked by another process: a save answers 503 within a few seconds with the form kept,
and page views do not wait for the lock at all (#13 items 16 and 18)."""

import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import User
from tests.panel.faults.cases import CASES
from tests.panel.faults.conftest import (
    WEB_BUSY_SECONDS,
    kept_form,
    open_form,
    says_nothing_was_saved,
)
from tests.panel.faults.pages import form_with, post
from tests.panel.faults.servers import write_lock_held
from tests.security.helpers import csrf_token, sign_in
from tests.worlds import gen_scoring_world


def sqlite_file() -> str:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's write lock: PostgreSQL locks rows, not the whole database")
    assert db.engine.url.database
    return db.engine.url.database


@pytest.mark.parametrize("name", list(CASES))
def test_a_save_that_cannot_get_the_write_lock_keeps_the_form_and_answers_503(
    client: FlaskClient, staff: User, name: str
) -> None:
    """Items 44 and 46: while another process holds SQLite's write lock, a save gives up after
    the web busy timeout and answers 503 with Retry-After, saying nothing was saved, with the
    form holding exactly what was typed; sent again once the lock is free, it saves."""
    path = sqlite_file()
    case = CASES[name](staff)
    form = open_form(client, case)
    with write_lock_held(path):
        started = time.monotonic()
        response = post(client, case.page, form, case.button)
        waited = time.monotonic() - started
        assert response.status_code == 503, response.status_code
        assert response.headers["Retry-After"].isdigit()
        assert response.headers["Cache-Control"] == "no-store"
        page = says_nothing_was_saved(response)
        assert "busy" in page
        kept = kept_form(response, case)
        assert kept.readonly == set(), "a busy database does not stop the form being sent again"
    assert WEB_BUSY_SECONDS <= waited < WEB_BUSY_SECONDS + 3, waited
    assert case.stored() == []
    saved = post(client, case.page, kept, case.button)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    stored = case.stored()
    for text in case.keeps:
        assert text in stored, (text, stored)


def test_signing_in_while_the_database_is_locked_keeps_the_email_but_never_the_password(
    client: FlaskClient, staff: User
) -> None:
    """Item 44: the sign-in form comes back with the email typed, and no password in the page."""
    path = sqlite_file()
    email = staff.email
    token = csrf_token(client, "/login")
    with write_lock_held(path):
        response = client.post(
            "/login",
            data={"email": email, "password": "correct horse battery", "csrf_token": token},
        )
        assert response.status_code == 503
        page = says_nothing_was_saved(response)
    assert "correct horse battery" not in page
    assert form_with(page, "email").get("email") == email


def test_page_views_answer_at_once_while_another_process_holds_the_write_lock(
    app: Flask, client: FlaskClient, staff: User
) -> None:
    """Item 46: page views read without the write lock: none of them waits for it, even with a
    long web busy timeout."""
    path = sqlite_file()
    app.config["PANEL_WEB_BUSY_SECONDS"] = 10
    world = gen_scoring_world(staff)
    round_id, app_id = world.round.id, world.applications[0].id
    pages = [
        "/",
        f"/rounds/{round_id}",
        f"/rounds/{round_id}/scoring",
        f"/rounds/{round_id}/scoring/{app_id}",
        f"/rounds/{round_id}/criteria",
        f"/rounds/{round_id}/criteria/record",
    ]
    for person in (world.panellists[0], staff):
        assert sign_in(client, person).status_code == 302
        with write_lock_held(path):
            for url in pages:
                started = time.monotonic()
                response = client.get(url)
                took = time.monotonic() - started
                assert response.status_code == 200, (url, response.status_code)
                assert took < 3, (url, took)  # far below the 10 s it would wait for the lock
        client.post("/logout", data={"csrf_token": csrf_token(client)})


def test_web_requests_wait_briefly_for_the_lock_and_commands_wait_long(app: Flask) -> None:
    """Item 46: web requests wait PANEL_WEB_BUSY_SECONDS (3 s unless configured) for SQLite's
    write lock; commands and background jobs keep the 15 s busy timeout."""
    sqlite_file()
    from panel.config import DEFAULTS

    assert DEFAULTS["PANEL_WEB_BUSY_SECONDS"] == 3

    def busy_timeout() -> int:
        with db.engine.connect() as conn:
            return int(conn.exec_driver_sql("PRAGMA busy_timeout").scalar_one())

    assert busy_timeout() == 15000
    with app.test_request_context("/", method="POST"):
        assert busy_timeout() == int(WEB_BUSY_SECONDS * 1000)
    with app.test_request_context("/", method="GET"):
        assert busy_timeout() == int(WEB_BUSY_SECONDS * 1000)
    assert busy_timeout() == 15000  # the same pooled connection, back outside a request
