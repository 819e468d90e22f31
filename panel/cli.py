"""Command-line tools: thin click commands over the same services as the web pages.

This module imports the areas' commands, never the other way round: their progress bar is in
panel.progress. Listing the commands (`flask --help`) imports only click and these modules: each
command imports what it uses (the database, services) inside its function.
"""

import contextlib
import functools
import sys
from pathlib import Path
from typing import Any

import click
from flask import Flask

from panel.applications.cli import commands as applications
from panel.codesign.cli import commands as codesign
from panel.results.cli import commands as results
from panel.scoring.cli import commands as scoring

BUSY = (
    "The database is busy (something else is writing to it): nothing was saved. "
    "Try again in a minute."
)
DISK_FULL = "The disk is full: nothing was saved. Free some space and try again."


def plainly(command: click.Command) -> click.Command:
    """Make `command` report a busy database or a full disk in one plain line, exit code 1.

    Any other error keeps its traceback: it is a bug to fix, not a state of the machine.
    """
    run = command.callback
    if run is None or getattr(run, "plainly", False):
        return command

    @functools.wraps(run)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return run(*args, **kwargs)
        except click.ClickException:
            raise  # the command's own message already says what happened
        except Exception as exc:
            from panel.database import is_busy, is_disk_full
            from panel.extensions import db

            message = BUSY if is_busy(exc) else DISK_FULL if is_disk_full(exc) else None
            if message is None:
                raise
            with contextlib.suppress(Exception):
                db.session.rollback()
            raise click.ClickException(message) from exc

    guarded.plainly = True  # type: ignore[attr-defined]
    command.callback = guarded
    return command


def register_commands(app: Flask) -> None:
    """Attach the panel's commands to `flask --app panel`."""
    app.cli.add_command(MigrationCommands("db", help="Perform database migrations."))
    for command in [
        create_staff,
        seed_demo,
        backup,
        restore,
        worker,
        *codesign,
        *applications,
        *scoring,
        *results,
    ]:
        app.cli.add_command(plainly(command))


@click.command("create-staff")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
def create_staff(email: str, name: str) -> None:
    """Create a staff account and print a one-time link to choose its password."""
    from panel.auth import services as accounts
    from panel.extensions import db
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
    from panel.extensions import db

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
        click.echo(f"  {role:<38} {email:<30} password: {password}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def backup(file: Path) -> None:
    """Copy the database to FILE while the app keeps running (SQLite; PostgreSQL: see advice)."""
    from flask import current_app

    from panel import backup as backups

    try:
        pages = backups.backup(
            database_url=current_app.config["SQLALCHEMY_DATABASE_URI"], destination=file
        )
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"Backed up to {file} ({pages} pages, integrity check ok).")


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def restore(file: Path, yes: bool) -> None:
    """Restore the backup FILE into this (empty) instance, after a confirmation."""
    from flask import current_app

    from panel import backup as backups
    from panel.extensions import db

    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    db.session.remove()
    db.engine.dispose()
    if not yes:
        click.confirm(f"Restore {file} into {url}?", abort=True)
    try:
        backups.restore(database_url=url, source=file)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"Restored {file}. Run `flask --app panel db upgrade` if it came from an older version."
    )


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Tasks run at the same time.")
@click.option("--no-periodic", is_flag=True, help="Do not run the timetable (reminders, ...).")
def worker(workers: int, no_periodic: bool) -> None:
    """Run the task queue's worker: sends the outbox, makes background exports, and runs the
    timetable (reminders, clearing expired links and old export files). Stop it with Ctrl+C."""
    import logging

    from flask import current_app

    from panel import queue, tasks

    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    queue.bind(current_app._get_current_object())  # type: ignore[attr-defined]
    where = current_app.config.get("PANEL_REDIS_URL") and "Redis" or "a SQLite file"
    click.echo(f"Worker started on {where}: {len(tasks.__all__)} periodic tasks and the outbox.")
    queue.consumer(workers=workers, periodic=not no_periodic).run()


class MigrationCommands(click.Group):
    """`flask db ...`: Flask-Migrate's commands, loaded (with Alembic) when `db` itself is run."""

    def _real(self) -> click.Group:
        from flask import current_app

        from panel.extensions import MigrateOnUse

        ext = current_app.extensions.get("migrate")
        if isinstance(ext, MigrateOnUse):
            ext.bind()  # also puts the real `db` group on app.cli
        commands = current_app.cli.get_command(click.Context(current_app.cli), "db")
        assert isinstance(commands, click.Group) and not isinstance(commands, MigrationCommands)
        return commands

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # Run as the real group from here on: its options, callback and subcommands.
        return self._real().make_context(info_name, args, parent=parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return self._real().list_commands(ctx)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        return self._real().get_command(ctx, name)
