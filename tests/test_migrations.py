"""Alembic: migrations build the models' schema from empty, step down and up again (item 27)."""

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from panel import create_app
from panel.extensions import db
from tests.conftest import POSTGRES_URL, base_config


@pytest.fixture
def empty_database(tmp_path: Path) -> Iterator[str]:
    """A database with nothing in it, on this run's kind of server."""
    if not POSTGRES_URL:
        yield f"sqlite:///{tmp_path / 'empty.sqlite3'}"
        return
    server = sa.make_url(POSTGRES_URL)
    name = f"panel_migrate_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _differences(app_db_engine: sa.Engine) -> list[object]:
    with app_db_engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, db.metadata))


def test_migrations_from_empty_match_the_models_and_step_down_and_up(empty_database: str) -> None:
    """Item 27: upgrade from empty, down and up, and a drift check."""
    app = create_app(base_config(empty_database))
    with app.app_context():
        upgrade()
        assert _differences(db.engine) == [], "models and migrations disagree: add a migration"
        downgrade(revision="-1")
        upgrade()
        assert _differences(db.engine) == []
        downgrade(revision="base")
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"user_account", "funding_round", "audit_event", "alembic_version"} <= tables
        with db.engine.begin() as conn:
            conn.exec_driver_sql(
                "INSERT INTO audit_event (at, object_type, action) "
                "VALUES (CURRENT_TIMESTAMP, 'test', 'test.migrated')"
            )
        with pytest.raises(sa.exc.DatabaseError, match="append-only"), db.engine.begin() as conn:
            conn.exec_driver_sql("DELETE FROM audit_event")
        db.engine.dispose()
