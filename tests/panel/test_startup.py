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
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result
from flask import Flask, url_for
from flask.cli import FlaskGroup

from panel import create_app

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


# ------------------------------------------------- the app the `flask` command makes

LISTING = """
import json, sys
from flask.cli import main
sys.argv = ["flask", "--app", "panel", "--help"]
try:
    main()
except SystemExit:
    pass
print("LOADED " + json.dumps(sorted(sys.modules)))
"""


def test_flask_help_lists_the_commands_without_building_the_app(tmp_path: Path) -> None:
    """`flask --help` loads no model, no view, no SQLAlchemy: only Flask and the commands."""
    done = subprocess.run(
        [sys.executable, "-c", LISTING],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "PANEL_ENV": "development",
            "PANEL_DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}",
        },
    )
    shown, _, loaded = done.stdout.rpartition("LOADED ")
    modules = json.loads(loaded)
    for command in ("create-staff", "db", "export", "import-applications", "routes", "worker"):
        assert f"\n  {command} " in shown
    built = [
        m
        for m in modules
        if m.startswith(("sqlalchemy", "flask_sqlalchemy", "panel.models", "panel.web"))
        or m.endswith("views")
        or ".views." in m
    ]
    assert built == []
    assert "panel.results.cli" in modules  # the commands themselves were listed


@pytest.fixture(autouse=True)
def _flask_command_leaves_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """The `flask` group sets FLASK_RUN_FROM_CLI; it is put back as it was after each test."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "")


def _made_by_flask_command(config: dict[str, Any], *args: str) -> tuple[Flask, Result]:
    """Run `flask <args>` in this process; return the app the command loaded, and the result."""
    made: list[Flask] = []

    def make() -> Flask:
        app = create_app(config)

        @app.cli.command("where-is-login")
        def where_is_login() -> None:
            click.echo(url_for("auth.login", _external=True))

        made.append(app)
        return app

    group = FlaskGroup(create_app=make, load_dotenv=False)
    result = CliRunner().invoke(group, list(args), catch_exceptions=False)
    return made[0], result


def _rules(app: Flask) -> set[tuple[str, str, str]]:
    return {
        (r.rule, r.endpoint or "", ",".join(sorted(r.methods or ())))
        for r in app.url_map.iter_rules()
    }


def test_the_app_made_for_flask_help_is_whole_by_its_first_request(
    app_config: dict[str, Any],
) -> None:
    """Listed by `flask --help`, the app is not built yet; its first request builds all of it."""
    whole = create_app(app_config)
    app, result = _made_by_flask_command(app_config, "--help")
    assert result.exit_code == 0 and "where-is-login" in result.output
    assert _rules(app) == {("/static/<path:filename>", "static", "GET,HEAD,OPTIONS")}
    assert "sqlalchemy" not in app.extensions

    answer = app.test_client().get("/login")
    assert answer.status_code == 200
    assert "frame-ancestors 'none'" in answer.headers["Content-Security-Policy"]
    assert _rules(app) == _rules(whole) and len(_rules(whole)) > 150
    assert set(app.extensions) == set(whole.extensions)


def test_a_command_gets_the_whole_app_and_builds_urls(app_config: dict[str, Any]) -> None:
    """Any command that runs (the panel's, `routes`, a URL-building one) sees every route."""
    app_config["SERVER_NAME"] = "panel.example.org"
    whole = create_app(app_config)
    _, result = _made_by_flask_command(app_config, "where-is-login")
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "http://panel.example.org/login"

    _, routes = _made_by_flask_command(app_config, "routes")
    listed = routes.output.splitlines()
    assert len(listed) == len(_rules(whole)) + 2  # a heading and a rule under it
    assert any(line.startswith("results.") for line in listed)

    app, shown = _made_by_flask_command(app_config, "scoring-progress", "no-such-round")
    assert shown.exit_code == 1 and "There is no round" in shown.output
    assert _rules(app) == _rules(whole)
