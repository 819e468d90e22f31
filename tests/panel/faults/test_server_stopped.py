"""PostgreSQL stopped or stopping: pages answer a plain 503 and saves keep what was typed
(#13 items 16 and 20).

The tests run a PostgreSQL server of their own (initdb into a temporary directory, on a free
port) and stop it for real, whichever database the rest of the suite uses.
"""

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from panel.models import User
from tests.panel.faults.cases import CASES
from tests.panel.faults.conftest import kept_form, open_form, says_nothing_was_saved
from tests.panel.faults.pages import post
from tests.panel.faults.servers import PostgresServer, fresh_database, own_postgres_server
from tests.security.helpers import sign_in
from tests.worlds import gen_scoring_world


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    with own_postgres_server() as server:
        yield server


@pytest.fixture
def database_url(own_postgres: PostgresServer) -> Iterator[str]:
    """This test's database, on our own server (running at the start of the test)."""
    with fresh_database(own_postgres) as url:
        yield url


@pytest.mark.parametrize("name", list(CASES))
def test_with_the_database_stopped_a_save_keeps_what_was_typed_and_answers_503(
    client: FlaskClient, staff: User, own_postgres: PostgresServer, name: str
) -> None:
    """Item 44: with the database server stopped, a save answers 503 with Retry-After, saying
    nothing was saved, and shows exactly what was typed, read-only; once the server is back,
    sending it again from that page saves it."""
    case = CASES[name](staff)
    form = open_form(client, case)
    own_postgres.stop()
    response = post(client, case.page, form, case.button)
    assert response.status_code == 503, response.status_code
    assert response.headers["Retry-After"].isdigit()
    assert response.headers["Cache-Control"] == "no-store"
    page = says_nothing_was_saved(response)
    assert "cannot reach its database" in page
    kept = kept_form(response, case)
    assert set(case.typed) <= kept.readonly
    own_postgres.start()
    assert case.stored() == []
    saved = post(client, case.page, kept, case.button)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    stored = case.stored()
    for text in case.keeps:
        assert text in stored, (text, stored)


def test_with_the_database_stopped_pages_answer_a_plain_503_with_retry_after(
    client: FlaskClient, staff: User, own_postgres: PostgresServer
) -> None:
    """Item 44: pages that need the database answer a plain 503 with Retry-After, never 500."""
    world = gen_scoring_world(staff)
    round_id, slug = world.round.id, world.round.slug
    assert sign_in(client, staff).status_code == 302
    own_postgres.stop()
    for url in ("/", f"/rounds/{round_id}", f"/rounds/{round_id}/coverage", f"/apply/{slug}"):
        response = client.get(url)
        assert response.status_code == 503, (url, response.status_code)
        assert response.headers["Retry-After"].isdigit()
        page = response.get_data(as_text=True)
        assert "cannot reach its database" in page and "Try again in a few minutes" in page
        assert "Traceback" not in page and "psycopg" not in page
    # The stylesheet of the page that says so needs no database, even for someone signed in.
    with client.get("/static/css/panel.css") as stylesheet:
        assert stylesheet.status_code == 200 and b".notification-banner" in stylesheet.data
    own_postgres.start()
    assert client.get(f"/rounds/{round_id}").status_code == 200


def test_a_fast_stop_during_a_request_never_ends_in_a_bare_internal_server_error(
    app: Flask, client: FlaskClient, staff: User, own_postgres: PostgresServer
) -> None:
    """Item 48: a request in flight when PostgreSQL stops fast (as a restart does) still gets
    its page: the rollback at the end of the request, which fails on the ended connection, is
    made safe instead of escaping Flask's error pages as a bare "Internal Server Error"."""
    reached, release = threading.Event(), threading.Event()
    world = gen_scoring_world(staff)
    target, name = f"/rounds/{world.round.id}", world.round.name

    @app.after_request
    def pause(response: Response) -> Response:
        # The page is made and its read transaction still open: the server stops now.
        if request.path == target and not release.is_set():
            reached.set()
            release.wait(30)
        return response

    assert sign_in(client, staff).status_code == 302
    outcome: dict[str, Any] = {}

    def view_the_round() -> None:
        try:
            outcome["response"] = client.get(target)
        except Exception as exc:  # noqa: BLE001 - what gunicorn would turn into a bare 500
            outcome["error"] = exc

    worker = threading.Thread(target=view_the_round)
    worker.start()
    try:
        assert reached.wait(30), "the request never reached the end of its view"
        own_postgres.stop("fast")
    finally:
        release.set()
        worker.join(30)
    assert "error" not in outcome, repr(outcome.get("error"))
    response = outcome["response"]
    assert response.status_code == 200
    assert name in response.get_data(as_text=True)


def test_a_save_in_flight_when_the_database_stops_fast_keeps_what_was_typed(
    client: FlaskClient, staff: User, own_postgres: PostgresServer
) -> None:
    """Items 44 and 48: a save whose database stops fast just before it commits answers 503
    with what was typed (never a bare 500), nothing of it is stored, and it can be sent again."""
    case = CASES["score"](staff)
    form = open_form(client, case)
    reached, release = threading.Event(), threading.Event()
    request_thread: dict[str, int] = {}

    def pause(session: Session) -> None:
        # The save is written but not committed: the server stops now.
        if threading.get_ident() == request_thread.get("id") and not release.is_set():
            reached.set()
            release.wait(30)

    outcome: dict[str, Any] = {}

    def submit() -> None:
        request_thread["id"] = threading.get_ident()
        try:
            outcome["response"] = post(client, case.page, form, case.button)
        except Exception as exc:  # noqa: BLE001 - what gunicorn would turn into a bare 500
            outcome["error"] = exc

    event.listen(Session, "before_commit", pause)
    worker = threading.Thread(target=submit)
    try:
        worker.start()
        assert reached.wait(30), "the save never reached its commit"
        own_postgres.stop("fast")
    finally:
        release.set()
        worker.join(30)
        event.remove(Session, "before_commit", pause)
    assert "error" not in outcome, repr(outcome.get("error"))
    response = outcome["response"]
    assert response.status_code == 503
    says_nothing_was_saved(response)
    kept = kept_form(response, case)
    own_postgres.start()
    assert case.stored() == []
    assert post(client, case.page, kept, case.button).status_code == 302
    stored = case.stored()
    for text in case.keeps:
        assert text in stored, (text, stored)
