"""`flask backup` and `flask export` on a full disk (item 47): one plain line, nothing left behind.

The disk is real: a small tmpfs mounted for the test (the suite runs as root in CI) and
unmounted after, filled with a file until too little room is left. The commands run as real
processes, as staff run them, so what they print is exactly what a person would see.
"""

import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from panel import backup as backups
from panel.extensions import db
from panel.models import FUND_ROW_ID, Fund
from tests.worlds import gen_worked_panel

FULL = "The disk is full"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Callable[[int], Path]]:
    """mount(kib): a fresh tmpfs of that size, unmounted when the test ends."""
    mounted: list[Path] = []

    def mount(kib: int) -> Path:
        where = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
        where.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={kib}k,mode=0755", "tmpfs", str(where)],
            capture_output=True,
            text=True,
            check=False,
        ) if shutil.which("mount") else None  # fmt: skip
        if done is None or done.returncode != 0:
            reason = (
                f"cannot mount a small tmpfs here ({done.stderr.strip() if done else 'no mount'})"
            )
            if os.environ.get("CI"):
                pytest.fail(reason + ": CI runs as root and must test a real full disk")
            pytest.skip(reason)
        mounted.append(where)
        return where

    yield mount
    for where in mounted:
        subprocess.run(["umount", "--lazy", str(where)], check=False)


def _fill(disk: Path, leave_kib: int) -> Path:
    """Fill the disk with one file until only about `leave_kib` KiB are free."""
    free = shutil.disk_usage(disk).free
    filler = disk / "filler"
    filler.write_bytes(b"\0" * max(0, free - leave_kib * 1024))
    return filler


def _flask(app: Flask, *args: str) -> subprocess.CompletedProcess[str]:
    """`flask --app panel ...` in its own process, on this test's database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PANEL_")}
    env["PANEL_DATABASE_URL"] = app.config["SQLALCHEMY_DATABASE_URI"]
    env["PANEL_SECRET_KEY"] = "5f" * 32
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "panel", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _one_line_saying_full(done: subprocess.CompletedProcess[str]) -> None:
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith(f"Error: {FULL}"), done.stderr


def test_a_backup_onto_a_full_disk_says_so_in_one_line_and_a_retry_works(
    app: Flask, small_disk: Callable[[int], Path]
) -> None:
    """Item 47: no traceback, no 0-byte backup left behind, and the retry is not refused."""
    if backups.sqlite_path(app.config["SQLALCHEMY_DATABASE_URI"]) is None:
        pytest.skip("`flask backup` copies SQLite; PostgreSQL is backed up with pg_dump")
    gen_worked_panel()
    db.session.commit()
    disk = small_disk(2048)
    filler = _fill(disk, leave_kib=16)
    target = disk / "nightly.sqlite3"

    _one_line_saying_full(_flask(app, "backup", str(target)))
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]  # no backup, no temporary file

    filler.unlink()
    again = _flask(app, "backup", str(target))
    assert again.returncode == 0, again.stderr
    assert "integrity check ok" in again.stdout
    assert sorted(p.name for p in disk.iterdir()) == ["nightly.sqlite3"]
    backups.check(target)


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "feedback"])
def test_an_export_onto_a_full_disk_says_so_in_one_line_and_leaves_nothing(
    app: Flask, small_disk: Callable[[int], Path], fmt: str
) -> None:
    """Item 47: no traceback, no `.part` file, no half-written export; the retry works."""
    gen_worked_panel()
    # The command runs without the test's config: the funder's identity comes from the settings
    # row, as staff would have saved it (the feedback export refuses a placeholder).
    db.session.add(
        Fund(
            id=FUND_ROW_ID,
            funder_name="Riverside Homes",
            funder_org_id="GB-COH-01234567",
            giving_prefix="360G-riverside",
        )
    )
    db.session.commit()
    disk = small_disk(1024)
    filler = _fill(disk, leave_kib=0)
    target = disk / f"export.{'csv' if fmt == 'csv' else 'xlsx'}"

    export = ("export", "worked-panel", "--format", fmt, "--output", str(target))
    _one_line_saying_full(_flask(app, *export))
    assert sorted(p.name for p in disk.iterdir()) == ["filler"]

    filler.unlink()
    again = _flask(app, *export)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith(f"Wrote {target}")
    assert sorted(p.name for p in disk.iterdir()) == [target.name]
