"""Backups while the app writes, and restoring them into an empty instance (docs/security.md 26)."""

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

import pytest
from flask import Flask

from panel import backup as backups
from panel.extensions import db


def _sqlite_only(app: Flask) -> Path:
    path = backups.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"])
    if path is None:
        pytest.skip("the online backup API is SQLite's; PostgreSQL uses pg_dump")
    return path


def _write_pairs(path: Path, writer: int, count: int, started: threading.Event) -> None:
    """Commit `count` transactions, each adding two audit rows that belong together."""
    with closing(sqlite3.connect(path, timeout=15, isolation_level=None)) as conn:
        conn.execute("PRAGMA busy_timeout=15000")
        for i in range(count):
            conn.execute("BEGIN IMMEDIATE")
            for half in ("a", "b"):
                conn.execute(
                    "INSERT INTO audit_event (at, object_type, action) "
                    "VALUES (CURRENT_TIMESTAMP, ?, ?)",
                    (f"w{writer}-{i}", f"pair.{half}"),
                )
            conn.execute("COMMIT")
            if i == 5:
                started.set()


def _pairs(path: Path) -> dict[str, int]:
    with closing(sqlite3.connect(path)) as conn:
        rows = conn.execute(
            "SELECT object_type, COUNT(*) FROM audit_event GROUP BY object_type"
        ).fetchall()
    return dict(rows)


def test_a_backup_taken_during_writes_is_consistent_and_restores_exactly(
    app: Flask, tmp_path: Path
) -> None:
    """Item 26: an online backup during writes restores exactly."""
    source = _sqlite_only(app)
    db.session.commit()
    db.engine.dispose()
    started = threading.Event()
    writers = [
        threading.Thread(target=_write_pairs, args=(source, w, 60, started)) for w in range(3)
    ]
    for t in writers:
        t.start()
    started.wait(timeout=10)
    copy = tmp_path / "backup.sqlite3"
    backups.backup(database_url=f"sqlite:///{source}", destination=copy)
    for t in writers:
        t.join()

    taken = _pairs(copy)
    assert taken, "the backup caught some writes"
    # A consistent snapshot: every transaction is in it whole or not at all.
    assert set(taken.values()) == {2}
    assert len(taken) < 180 or _pairs(source) == taken

    target = tmp_path / "restored" / "panel.sqlite3"
    backups.restore(database_url=f"sqlite:///{target}", source=copy)
    assert _pairs(target) == taken
    with closing(sqlite3.connect(target)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_restore_refuses_an_instance_that_has_data(
    app: Flask, tmp_path: Path, staff: object
) -> None:
    """Item 26: restore refuses an instance that has data."""
    source = _sqlite_only(app)
    db.session.commit()
    copy = tmp_path / "backup.sqlite3"
    backups.backup(database_url=f"sqlite:///{source}", destination=copy)
    with pytest.raises(backups.BackupError, match="already has data"):
        backups.restore(database_url=f"sqlite:///{source}", source=copy)


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    """Item 26: restore refuses a file that is not a backup."""
    fake = tmp_path / "notes.sqlite3"
    fake.write_text("these are not the droids")
    with pytest.raises(backups.BackupError, match="not a SQLite database"):
        backups.restore(database_url=f"sqlite:///{tmp_path / 'new.sqlite3'}", source=fake)


def test_the_backup_command_writes_a_file_and_refuses_to_overwrite_it(
    app: Flask, runner: object, tmp_path: Path
) -> None:
    _sqlite_only(app)
    db.session.commit()
    out = tmp_path / "nightly.sqlite3"
    result = runner.invoke(args=["backup", str(out)])  # type: ignore[attr-defined]
    assert result.exit_code == 0, result.output
    assert "integrity check ok" in result.output and out.exists()
    again = runner.invoke(args=["backup", str(out)])  # type: ignore[attr-defined]
    assert again.exit_code == 1 and "already exists" in again.output


def test_on_postgresql_the_backup_command_explains_pg_dump(
    app: Flask, runner: object, tmp_path: Path
) -> None:
    if backups.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"]) is not None:
        pytest.skip("this installation is SQLite")
    result = runner.invoke(args=["backup", str(tmp_path / "x")])  # type: ignore[attr-defined]
    assert result.exit_code == 1
    assert "pg_dump --format=custom" in result.output
    # A data-only restore into a schema with its triggers would count every review again.
    assert "not --data-only" in result.output and "--disable-triggers" in result.output
