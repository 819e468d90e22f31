"""The command line: the first staff account, and the demo."""

from flask import Flask

from panel.extensions import db
from panel.models import FundingRound, RoundMember, Stage, User


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


def test_seed_demo_makes_two_rounds_prints_logins_and_refuses_to_run_twice(
    app: Flask, runner
) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "asha.patel@demo.example" in result.output and "password:" in result.output
    slugs = dict(db.session.execute(db.select(FundingRound.slug, FundingRound.stage)).all())
    assert set(slugs) == {"spring-demo", "autumn-demo"}
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
