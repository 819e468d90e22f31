"""Command-line tools: thin click commands over the same services as the web pages."""

import sys

import click
from flask import Flask

from panel.extensions import db


def register_commands(app: Flask) -> None:
    """Attach the panel's commands to `flask --app panel`."""
    from panel.applications.cli import commands as applications
    from panel.codesign.cli import commands as codesign
    from panel.scoring.cli import commands as scoring

    for command in [create_staff, seed_demo, *codesign, *applications, *scoring]:
        app.cli.add_command(command)


@click.command("create-staff")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
def create_staff(email: str, name: str) -> None:
    """Create a staff account and print a one-time link to choose its password."""
    from panel.auth import services as accounts
    from panel.models import Role

    try:
        user = accounts.create_user(email=email, display_name=name, role=Role.STAFF, actor=None)
    except accounts.AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    issued = accounts.issue_link(user=user, purpose="invite", actor=None)
    db.session.commit()
    click.echo(f"Created staff account for {user.display_name} <{user.email}>.")
    click.echo("Open this link to choose a password (it works once, for 7 days):")
    click.echo(issued.url)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if there are accounts.")
def seed_demo(if_empty: bool) -> None:
    """Fill an empty database with a demo fund, people and two rounds, and print the logins."""
    from panel.demo import DemoExists, seed

    try:
        logins = seed()
    except DemoExists as exc:
        if if_empty:
            click.echo("The database already has data: no demo added.")
            return
        click.echo(str(exc), err=True)
        sys.exit(1)
    db.session.commit()
    click.echo("Demo created. Sign in at http://127.0.0.1:5000/login with any of these:")
    for role, email, password in logins:
        click.echo(f"  {role:<22} {email:<32} password: {password}")
