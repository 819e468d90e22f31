"""Backups of the SQLite database while the app runs, and restoring one into an empty instance.

SQLite's online backup API copies a consistent snapshot even while web workers write. On
PostgreSQL, use the server's own tools (pg_dump / pg_restore), as `PG_ADVICE` explains.
"""

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

PG_ADVICE = """This installation uses PostgreSQL. Back it up with PostgreSQL's own tools,
which give a consistent snapshot while the app runs:

    pg_dump --format=custom --file=panel-$(date +%F).dump "$DATABASE"

and restore into a new, empty database with:

    createdb panel_restored
    pg_restore --no-owner --dbname=panel_restored panel-YYYY-MM-DD.dump

where DATABASE is your PANEL_DATABASE_URL without the "+psycopg" part."""


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why."""


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for any other database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


def backup(*, database_url: str, destination: Path) -> int:
    """Copy the live SQLite database to `destination` (refusing to overwrite); return its pages."""
    source = sqlite_path(database_url)
    if source is None:
        raise BackupError(PG_ADVICE)
    if destination.exists():
        raise BackupError(f"{destination} already exists: choose a new file name")
    if not source.exists():
        raise BackupError(f"There is no database at {source} to back up")
    with (
        closing(sqlite3.connect(source, timeout=15)) as src,
        closing(sqlite3.connect(destination)) as dst,
    ):
        src.backup(dst, pages=256)
        pages = dst.execute("PRAGMA page_count").fetchone()[0]
    check(destination)
    return int(pages)


def check(path: Path) -> None:
    """Refuse a file that is not a healthy Grant Panel SQLite database."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            result = conn.execute("PRAGMA integrity_check").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a SQLite database ({exc})") from exc
    if result != "ok":
        raise BackupError(f"{path} failed its integrity check: {result}")
    if not {"alembic_version", "user_account", "audit_event"} <= tables:
        raise BackupError(f"{path} is not a Grant Panel backup")


def is_empty(database_url: str) -> bool:
    """True when the database has no accounts (a fresh or never-used instance)."""
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            if not sa.inspect(conn).has_table("user_account"):
                return True
            count: int = conn.execute(sa.text("SELECT COUNT(*) FROM user_account")).scalar_one()
            return count == 0
    finally:
        engine.dispose()


def restore(*, database_url: str, source: Path) -> None:
    """Replace an EMPTY SQLite instance's database with the backup at `source`."""
    target = sqlite_path(database_url)
    if target is None:
        raise BackupError(PG_ADVICE)
    if not source.exists():
        raise BackupError(f"There is no backup at {source}")
    check(source)
    if target.exists() and not is_empty(database_url):
        raise BackupError(
            "This instance already has data. Restore only into an empty instance: "
            "move the current database aside first."
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(source)) as src,
        closing(sqlite3.connect(target, timeout=15)) as dst,
    ):
        src.backup(dst)
    check(target)
