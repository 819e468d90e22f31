"""Start-up stays light: the heavy libraries load only in the commands and pages that use them.

Every CLI call (`flask --help`, `flask export`) and every new worker pays for what `create_app`
imports, so openpyxl, lxml, XlsxWriter, jsonschema, zxcvbn, email-validator, Alembic, (on
SQLite) psycopg and (without PANEL_REDIS_URL) redis must not be among it.
benchmarks/startup.py times it.
"""

import json
import subprocess
import sys
from pathlib import Path

HEAVY = [
    "openpyxl",
    "lxml",
    "xlsxwriter",
    "jsonschema",
    "zxcvbn",
    "email_validator",
    "alembic",
    "flask_migrate",
    "psycopg",
    "redis",
]

PROBE = """
import json, sys
from panel import create_app
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x" * 40})
names = json.loads(sys.argv[2])
print(json.dumps(sorted(n for n in names if n in sys.modules)))
"""


def _loaded_after_create_app(tmp_path: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, f"sqlite:///{tmp_path / 'x.sqlite3'}", json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return list(json.loads(done.stdout.strip().splitlines()[-1]))


def test_the_app_starts_without_importing_the_heavy_libraries(tmp_path: Path) -> None:
    assert _loaded_after_create_app(tmp_path) == []


def _flask(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "panel", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={
            "PATH": "/usr/bin:/bin",
            "PANEL_ENV": "development",
            "PANEL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        },
        check=False,
    )


def test_the_migration_commands_still_work_when_asked_for(tmp_path: Path) -> None:
    """`flask db` is a stand-in until used: then it is Flask-Migrate's group, options and all."""
    shown = _flask(tmp_path, "db", "--help")
    assert shown.returncode == 0, shown.stderr
    for command in ("upgrade", "downgrade", "stamp", "current"):
        assert command in shown.stdout
    upgraded = _flask(tmp_path, "db", "upgrade")
    assert upgraded.returncode == 0, upgraded.stderr
    current = _flask(tmp_path, "db", "current")
    assert "(head)" in current.stdout, current.stderr
