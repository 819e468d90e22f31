"""Flask extensions, created unbound; `create_app` binds them to an app."""

from typing import TYPE_CHECKING, Any

import click
from flask import Flask
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so Alembic migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

# The models' base class. At run time it is `db.Model`, which Flask-SQLAlchemy builds from
# Base's body and its own model mixin; mypy cannot take a base class from an attribute, so it
# checks the models against that same pair, spelled as a class.
if TYPE_CHECKING:
    from flask_sqlalchemy.model import Model as _FlaskSQLAlchemyModel

    class Model(_FlaskSQLAlchemyModel, Base):
        pass
else:
    Model = db.Model


class LazyMigrate:
    """Flask-Migrate, imported (with Alembic, about a tenth of a second) only when a migration
    command runs or code asks for `app.extensions["migrate"]`, not at every start-up."""

    def init_app(self, app: Flask, db: SQLAlchemy, directory: str) -> None:
        app.extensions["migrate"] = _MigrateOnUse(app, db, directory)
        app.cli.add_command(_MigrationCommands("db", help="Perform database migrations."))


def bind_migrate(app: Flask, db: SQLAlchemy, directory: str) -> Any:
    """The real Flask-Migrate, bound to the app (replacing the stand-in); returns its config."""
    from flask_migrate import Migrate

    Migrate(compare_type=True, render_as_batch=True).init_app(app, db, directory=directory)
    return app.extensions["migrate"]


class _MigrateOnUse:
    """Stands in `app.extensions["migrate"]` until an attribute is asked for."""

    def __init__(self, app: Flask, db: SQLAlchemy, directory: str) -> None:
        self._bind = (app, db, directory)

    def __getattr__(self, name: str) -> Any:
        return getattr(bind_migrate(*self._bind), name)


class _MigrationCommands(click.Group):
    """`flask db ...`: Flask-Migrate's commands, loaded when `db` itself is run."""

    def _real(self) -> click.Group:
        from flask import current_app

        ext = current_app.extensions.get("migrate")
        if isinstance(ext, _MigrateOnUse):
            bind_migrate(*ext._bind)  # also puts the real `db` group on app.cli
        commands = current_app.cli.get_command(click.Context(current_app.cli), "db")
        assert isinstance(commands, click.Group) and not isinstance(commands, _MigrationCommands)
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


migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
