"""In a real browser, with the database server stopped: the page that answers a save shows
what was typed, and its button sends it again once the server is back (#13 item 16)."""

from collections.abc import Iterator
from typing import Any

import pytest

from panel.models import User
from tests.browser.conftest import assert_accessible
from tests.browser.test_faults import COMMENT, open_scoring, saved_comments
from tests.panel.faults.servers import PostgresServer, fresh_database, own_postgres_server


@pytest.fixture(scope="module")
def own_postgres() -> Iterator[PostgresServer]:
    with own_postgres_server() as server:
        yield server


@pytest.fixture
def database_url(own_postgres: PostgresServer) -> Iterator[str]:
    """This test's database, on the suite's own PostgreSQL server, which it stops."""
    with fresh_database(own_postgres) as url:
        yield url


def test_a_save_while_the_database_is_stopped_shows_what_was_typed_and_sends_it_again(
    live_server: str, page: Any, staff: User, own_postgres: PostgresServer
) -> None:
    """Item 44: with the database server stopped, the page shows what was typed, read-only, and
    its "Send it again" button saves it once the server is back."""
    open_scoring(page, live_server, staff)
    own_postgres.stop()
    page.get_by_role("button", name="Submit scores").click()
    page.get_by_role("heading", name="Nothing was saved").wait_for()
    assert page.get_by_label("Comment on question 1").input_value() == COMMENT
    assert not page.get_by_label("Comment on question 1").is_editable()
    assert_accessible(page)
    own_postgres.start()
    page.get_by_role("button", name="Send it again").click()
    page.get_by_text("Scores sent for").wait_for()
    assert COMMENT.replace("\n", "\r\n") in saved_comments()
