"""The command line: the first staff account, the demo, and which way their imports go."""

import ast
from pathlib import Path

from flask import Flask

from panel.extensions import db
from panel.models import FundingRound, RoundMember, Stage, User
from panel.progress import progress_bar

PANEL = Path(__file__).resolve().parents[2] / "panel"
AREAS = ("auth", "rounds", "codesign", "applications", "scoring", "results")


def _imported(path: Path) -> set[str]:
    """Every module a file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_create_staff_prints_a_one_time_link_and_sets_no_password(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    """Item 11: the first staff account comes from the CLI."""
    result = runner.invoke(args=["create-staff", "Asha@Example.org", "--name", "Asha Patel"])
    assert result.exit_code == 0, result.output
    assert "http://localhost/set-password/" in result.output
    user = db.session.execute(db.select(User)).scalar_one()
    assert user.email == "asha@example.org" and user.is_staff and user.password_hash is None


def test_create_staff_refuses_an_email_that_exists(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    runner.invoke(args=["create-staff", "asha@example.org", "--name", "Asha"])
    result = runner.invoke(args=["create-staff", "ASHA@example.org", "--name", "Asha"])
    assert result.exit_code != 0
    assert "already an account" in result.output


def test_seed_demo_makes_three_rounds_prints_logins_and_refuses_to_run_twice(
    app: Flask, runner
) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "asha.patel@demo.example" in result.output and "password:" in result.output
    slugs = dict(db.session.execute(db.select(FundingRound.slug, FundingRound.stage)).all())
    assert set(slugs) == {"spring-demo", "autumn-demo", "winter-2025"}
    assert slugs["winter-2025"] == Stage.DECIDED
    assert slugs["autumn-demo"] == Stage.APPLICATIONS
    members = db.session.execute(db.select(db.func.count()).select_from(RoundMember)).scalar_one()
    assert members >= 6
    again = runner.invoke(args=["seed-demo"])
    assert again.exit_code == 1
    assert "already has accounts" in again.output
    quiet = runner.invoke(args=["seed-demo", "--if-empty"])
    assert quiet.exit_code == 0 and "no demo added" in quiet.output


def test_the_cli_lists_its_commands(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["--help"])
    for command in ("create-staff", "seed-demo", "db"):
        assert command in result.output


def test_no_area_imports_the_top_level_cli_or_demo() -> None:
    """panel.cli and panel.demo import the areas; an area importing them back would be a cycle."""
    offenders = [
        f"{path.relative_to(PANEL)} imports {name}"
        for area in AREAS
        for path in sorted((PANEL / area).glob("*.py"))
        for name in sorted(_imported(path))
        if name in ("panel.cli", "panel.demo") or name.startswith(("panel.cli.", "panel.demo."))
    ]
    assert offenders == []


def test_the_shared_progress_bar_and_demo_base_import_no_area() -> None:
    for module in ("progress.py", "demo_base.py"):
        imported = _imported(PANEL / module)
        assert not [n for n in imported if n.split(".")[:2] in [["panel", a] for a in AREAS]]
        assert not imported & {"panel.cli", "panel.demo"}


def test_the_progress_bar_stays_quiet_when_output_is_not_a_terminal(capsys) -> None:  # type: ignore[no-untyped-def]
    with progress_bar("Importing") as progress:
        assert progress is None
    assert capsys.readouterr().out == ""
