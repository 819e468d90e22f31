"""Flask extensions, created unbound; `create_app` binds them to an app."""

from typing import TYPE_CHECKING

from flask_login import LoginManager
from flask_migrate import Migrate
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

migrate = Migrate(compare_type=True, render_as_batch=True)
login_manager = LoginManager()
csrf = CSRFProtect()
