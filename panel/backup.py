"""Backups of the SQLite database while the app runs, and restoring one into an empty instance.

SQLite's online backup API copies a consistent snapshot even while web workers write. On
PostgreSQL, use the server's own tools (pg_dump / pg_restore), as `PG_ADVICE` explains.
"""

import os
import sqlite3
import tempfile
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from panel.database import is_disk_full

PG_ADVICE = """This installation uses PostgreSQL. Back it up with PostgreSQL's own tools,
which give a consistent snapshot while the app runs:

    pg_dump --format=custom --file=panel-$(date +%F).dump "$DATABASE"

and restore into a new, empty database with:

    createdb panel_restored
    pg_restore --no-owner --dbname=panel_restored panel-YYYY-MM-DD.dump

where DATABASE is your PANEL_DATABASE_URL without the "+psycopg" part. Restore the whole
dump, not --data-only into an existing schema: the database's triggers keep counts of its
rows, and with the triggers already there they would count the restored rows a second time
(a data-only restore needs --disable-triggers)."""


class BackupError(RuntimeError):
    """A backup or restore that cannot go ahead; the message says why."""


def sqlite_path(database_url: str) -> Path | None:
    """The file behind a SQLite URL, or None for any other database."""
    url = sa.make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database:
        return None
    return Path(url.database)


def _already_exists(destination: Path) -> BackupError:
    return BackupError(f"{destination} already exists: choose a new file name")


def _take_name(partial: Path, destination: Path) -> None:
    """Give the finished file its name, never replacing a file that has it already."""
    try:
        os.link(partial, destination)  # fails if the name is taken, even by a racing backup
    except FileExistsError as exc:
        raise _already_exists(destination) from exc
    except OSError:  # a file system without hard links
        if destination.exists():
            raise _already_exists(destination) from None
        partial.replace(destination)


def backup(*, database_url: str, destination: Path) -> int:
    """Copy the live SQLite database to `destination` (refusing to overwrite); return its pages.

    The copy is written under a temporary name beside `destination` and takes its name only once
    it is whole and checked; if anything fails (a full disk), the temporary file is removed, so
    a retry is never refused by a half-written backup.
    """
    source = sqlite_path(database_url)
    if source is None:
        raise BackupError(PG_ADVICE)
    if destination.exists():
        raise _already_exists(destination)
    if not source.exists():
        raise BackupError(f"There is no database at {source} to back up")
    try:
        handle, name = tempfile.mkstemp(
            prefix=f".{destination.name}.", suffix=".part", dir=destination.parent
        )
    except FileNotFoundError as exc:
        raise BackupError(f"There is no folder {destination.parent} to write to") from exc
    os.close(handle)
    partial = Path(name)
    try:
        with (
            closing(sqlite3.connect(source, timeout=15)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst, pages=256)
            # One self-contained file: the copy leaves WAL mode (the app turns it on again).
            dst.execute("PRAGMA journal_mode=DELETE")
            pages = dst.execute("PRAGMA page_count").fetchone()[0]
        check(partial)
        _take_name(partial, destination)
    except BaseException as exc:
        if is_disk_full(exc):
            raise BackupError(
                f"The disk is full: no backup was written to {destination}. "
                "Free some space and try again."
            ) from exc
        raise
    finally:
        for leftover in ("", "-journal", "-wal", "-shm"):
            partial.with_name(partial.name + leftover).unlink(missing_ok=True)
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
