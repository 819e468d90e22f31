"""The database keeps what matters: SQLite settings, constraints, and an append-only audit log."""

import pytest
import sqlalchemy as sa
from flask import Flask

from panel.audit import record
from panel.extensions import db
from panel.models import AuditEvent, User
from tests.conftest import CountQueries


def test_sqlite_connections_use_wal_foreign_keys_and_a_long_busy_timeout(app: Flask) -> None:
    """Item 22: WAL, foreign keys and a 15 s busy_timeout."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings only apply to SQLite")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 15000


def test_sqlite_write_transactions_begin_immediate(count_queries: CountQueries) -> None:
    """Item 22: write transactions BEGIN IMMEDIATE."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings only apply to SQLite")
    with count_queries() as statements, db.engine.begin() as conn:
        conn.execute(sa.text("SELECT 1"))
    assert statements[0] == "BEGIN IMMEDIATE"


def test_emails_must_be_unique_in_the_database(app: Flask) -> None:
    db.session.add(User(email="a@example.org", display_name="A", role="resident"))
    db.session.add(User(email="a@example.org", display_name="B", role="resident"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_database_refuses_an_unknown_role(app: Flask) -> None:
    db.session.add(User(email="x@example.org", display_name="X", role="admin"))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_the_audit_log_refuses_updates_and_deletes(app: Flask) -> None:
    """Item 23: the audit log is append-only."""
    record(actor=None, action="test.happened", object_type="test")
    db.session.commit()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.update(AuditEvent).values(action="rewritten"))
        db.session.commit()
    db.session.rollback()
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        db.session.execute(sa.delete(AuditEvent))
        db.session.commit()
    db.session.rollback()
    assert db.session.execute(sa.select(AuditEvent.action)).scalar_one() == "test.happened"


def test_times_come_back_in_utc(app: Flask) -> None:
    event = record(actor=None, action="test.happened", object_type="test")
    db.session.commit()
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.id)
    assert stored is not None and stored.at.utcoffset() is not None
    assert stored.at.utcoffset().total_seconds() == 0  # type: ignore[union-attr]
