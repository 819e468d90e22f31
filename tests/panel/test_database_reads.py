"""SQLite page views read without the write lock, so they never queue behind a save."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.database import begins_immediate, reads_only
from panel.extensions import db
from panel.models import User
from tests.conftest import AuthActions


def sqlite_path() -> Path:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings only apply to SQLite")
    database = db.engine.url.database
    assert database
    return Path(database)


def test_page_views_begin_deferred_and_everything_else_immediate(app: Flask) -> None:
    """Item 22: write transactions BEGIN IMMEDIATE; GET and HEAD only read."""
    assert begins_immediate()  # no request: CLI commands, background jobs
    for method, expected in (("GET", False), ("HEAD", False), ("POST", True), ("PUT", True)):
        with app.test_request_context("/", method=method):
            assert begins_immediate() is expected, method
    # A download writes its audit row on GET, so it takes the lock at once.
    with app.test_request_context("/rounds/1/export/csv", method="GET"):
        assert begins_immediate()
    with app.test_request_context("/rounds/1/export/jobs/2", method="GET"):
        assert begins_immediate()


def test_a_page_opens_while_another_process_holds_the_write_lock(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """A reader in WAL mode does not wait for the writer; a save still waits its turn."""
    path = sqlite_path()
    AuthActions(client).login(resident)
    db.session.commit()
    holder = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another worker in the middle of a save
        holder.execute("UPDATE user_account SET display_name = display_name WHERE id = 0")
        page = client.get("/")
        assert page.status_code == 200
        assert "Rita Resident" in page.get_data(as_text=True)
        # The write lock really is held: a second writer cannot take it.
        other = sqlite3.connect(path, isolation_level=None, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_page_view_that_writes_is_reported(app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    sqlite_path()
    with app.test_request_context("/", method="GET"), db.engine.connect() as conn:
        conn.execute(sa.text("UPDATE user_account SET active = active WHERE id = 0"))
        conn.rollback()
    assert "rounds.home writes to SQLite on GET" in caplog.text
    caplog.clear()
    with app.test_request_context("/", method="POST"), db.engine.connect() as conn:
        conn.execute(sa.text("UPDATE user_account SET active = active WHERE id = 0"))
        conn.rollback()
    assert "writes to SQLite on GET" not in caplog.text


def test_reads_only_reads_while_another_process_holds_the_write_lock(
    app: Flask, count_queries: Any
) -> None:
    """Item 46: long reads (checking an import's rows) run in a deferred transaction of their own;
    the next transaction takes the write lock again."""
    path = sqlite_path()
    db.session.commit()
    holder = sqlite3.connect(path, isolation_level=None, timeout=0.1)
    holder.execute("BEGIN IMMEDIATE")  # a save in another process
    try:
        with count_queries() as statements, reads_only():
            assert begins_immediate() is False
            assert db.session.execute(sa.select(sa.func.count(User.id))).scalar_one() == 0
        assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert begins_immediate()
    with count_queries() as statements:
        db.session.execute(sa.select(sa.func.count(User.id)))
    assert statements[0] == "BEGIN IMMEDIATE"
    db.session.commit()
