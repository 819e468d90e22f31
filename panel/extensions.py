"""Flask extensions, created unbound; `create_app` binds them to an app."""

from typing import TYPE_CHECKING, Any

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
    command runs or code asks for `app.extensions["migrate"]`, not at every start-up. The `db`
    command that stands in for Flask-Migrate's is panel.cli's (it needs no SQLAlchemy to list)."""

    def init_app(self, app: Flask, db: SQLAlchemy, directory: str) -> None:
        app.extensions["migrate"] = MigrateOnUse(app, db, directory)


def bind_migrate(app: Flask, db: SQLAlchemy, directory: str) -> Any:
    """The real Flask-Migrate, bound to the app (replacing the stand-in); returns its config."""
    from flask_migrate import Migrate

    Migrate(compare_type=True, render_as_batch=True).init_app(app, db, directory=directory)
    return app.extensions["migrate"]


class MigrateOnUse:
    """Stands in `app.extensions["migrate"]` until an attribute is asked for."""

    def __init__(self, app: Flask, db: SQLAlchemy, directory: str) -> None:
        self._bind = (app, db, directory)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.bind(), name)

    def bind(self) -> Any:
        """Bind the real Flask-Migrate (its `db` group replaces the stand-in on app.cli)."""
        return bind_migrate(*self._bind)


migrate = LazyMigrate()
login_manager = LoginManager()
csrf = CSRFProtect()
