"""Shared fixtures: a real database per test (SQLite file, or PostgreSQL with TEST_DATABASE_URL).

SQLite: the schema is made once into a template file, and every test gets its own copy.
PostgreSQL: the schema is made once in a fresh database for this test session, and every
table is emptied after each test. Either way, tests never see each other's rows. The schema
comes from the models; tests/test_migrations.py proves the migrations build the same one.
"""

import contextvars
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask, has_app_context
from flask.testing import FlaskClient

from panel import create_app
from panel.extensions import db
from panel.models import FundingRound, Role, User
from tests import factories
from tests.factories import LIGHT_HASHING, PASSWORD

__all__ = ["LIGHT_HASHING", "PASSWORD"]  # imported from here by many tests

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")
CountQueries = Callable[[], AbstractContextManager[list[str]]]


def base_config(database_url: str, **extra: Any) -> dict[str, Any]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_PARAMS": LIGHT_HASHING,
        "PANEL_BASE_URL": "http://localhost",
        # The funder's identity, set as instance/config.py would set it, so that the exports
        # that refuse a placeholder identity run; tests of that refusal remove these.
        "PANEL_FUNDER_NAME": "Example Housing Association",
        "PANEL_FUNDER_ORG_ID": "GB-CHC-000000",
        "PANEL_360G_PREFIX": "360G-example",
        # The task queue: in memory unless a test runs a worker (tests/panel/messages/).
        "PANEL_QUEUE_FILE": ":memory:",
    }
    config.update(extra)
    return config


def _create_schema(database_url: str) -> None:
    from flask_migrate import stamp

    app = create_app(base_config(database_url))
    with app.app_context():
        db.create_all()
        stamp()  # the schema is the models' = the migrations' head (tests/test_migrations.py)
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A migrated database for this session: a SQLite template file, or a fresh PostgreSQL db."""
    if not POSTGRES_URL:
        path = tmp_path_factory.mktemp("template") / "template.sqlite3"
        _create_schema(f"sqlite:///{path}")
        yield str(path)
        return
    server = sa.make_url(POSTGRES_URL)
    name = f"panel_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = server.set(database=name).render_as_string(hide_password=False)
    try:
        _create_schema(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture
def database_url(database_template: str, tmp_path: Path) -> Iterator[str]:
    """This test's own database URL, empty apart from the schema."""
    if not POSTGRES_URL:
        path = tmp_path / "panel.sqlite3"
        shutil.copyfile(database_template, path)
        yield f"sqlite:///{path}"
        return
    yield database_template
    engine = sa.create_engine(database_template)
    with engine.begin() as conn:
        tables = [t.name for t in db.metadata.sorted_tables]
        conn.exec_driver_sql(
            "TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"
        )
    engine.dispose()


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    """The test config; a test may change it before asking for `app`."""
    return base_config(database_url)


class IsolatedClient(FlaskClient):
    """A test client whose requests run like real ones: in their own app context and session.

    The test's own session commits first (ending its transaction, so SQLite's write lock is
    free) and sees fresh rows afterwards.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        if not has_app_context():  # a redirect being followed, already isolated
            return super().open(*args, **kwargs)
        db.session.commit()
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()
        return response


@pytest.fixture
def app(app_config: dict[str, Any]) -> Iterator[Flask]:
    app = create_app(app_config)
    app.test_client_class = IsolatedClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture(autouse=True)
def _factory_numbers_start_at_one() -> None:
    """Default names made by tests/factories.py ("Person 1", "round-1") start at 1 in each test."""
    factories.reset_numbers()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One hash of PASSWORD, computed once for every test user (hashing is slow on purpose)."""
    return factories.password_hash()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., User]:
    """factories.gen_user, taking the role first: make_user(Role.STAFF, name="Sam Staff")."""

    def make(role: str = Role.RESIDENT, **values: Any) -> User:
        return factories.gen_user(role=role, **values)

    return make


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.STAFF, name="Sam Staff", email="sam.staff@example.org")


@pytest.fixture
def resident(make_user: Callable[..., User]) -> User:
    return make_user(Role.RESIDENT, name="Rita Resident", email="rita@example.org")


@pytest.fixture
def make_round(app: Flask, staff: User) -> Callable[..., FundingRound]:
    """factories.gen_round, created by the `staff` fixture's Sam."""

    def make(members: tuple[User, ...] = (), **values: Any) -> FundingRound:
        return factories.gen_round(created_by=staff, members=members, **values)

    return make


@pytest.fixture
def count_queries(app: Flask) -> CountQueries:
    """`with count_queries() as statements:` collects each SQL statement the app's engine runs.

    The list holds the statements' text in order, BEGIN included on SQLite.
    """

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", before)

    return counting


def write_lock_is_free(path: str) -> bool:
    """Whether another connection could take SQLite's write lock on `path` at once (no wait)."""
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


class AuthActions:
    def __init__(self, client: FlaskClient) -> None:
        self._client = client

    def login(self, user: User | str, password: str = PASSWORD) -> Any:
        email = user if isinstance(user, str) else user.email
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self) -> Any:
        return self._client.post("/logout")


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@pytest.fixture(autouse=True)
def _page_views_never_write(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Fail any test in which a page view (GET) wrote to SQLite without taking the write lock.

    Page views begin a deferred transaction (panel/database.py); one that writes can fail under
    concurrent saves, so such an endpoint must be listed in panel.database.WRITES_ON_GET.
    """
    yield
    records = [*caplog.get_records("setup"), *caplog.get_records("call")]
    offenders = [r.getMessage() for r in records if "writes to SQLite on GET" in r.getMessage()]
    assert offenders == [], offenders


@pytest.fixture
def queue_worker(app: Flask, tmp_path: Path) -> Iterator[Any]:
    """A real huey consumer (SqliteHuey, a file of this test's own) working in threads of this
    process while the test runs: what `flask --app panel worker` runs."""
    from panel import queue

    app.config["PANEL_QUEUE_FILE"] = str(tmp_path / "queue.sqlite3")
    queue.configure(app)
    with queue.run_consumer() as consumer:
        yield consumer
