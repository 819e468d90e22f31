"""Which applications go to the panel: the one rule that scoring and results both use.

An application goes to the panel (is scored, counted in results and decided) when it belongs
to the round and staff found it eligible. It is written here once, as a SQL condition and the
same test on a loaded application, so no area spells out the status filter again. Read-only:
the areas above (scoring, results) import this module; it imports nothing of theirs.
"""

from sqlalchemy import ColumnElement, Select, and_, func, select

from panel.extensions import db
from panel.models import Application, ApplicationStatus


def eligible_in_round(round_id: int) -> ColumnElement[bool]:
    """SQL condition on `Application`: it belongs to the round and was found eligible."""
    return and_(Application.round_id == round_id, Application.status == ApplicationStatus.ELIGIBLE)


def is_eligible_in_round(application: Application, round_id: int) -> bool:
    """The same rule as `eligible_in_round`, on an application already loaded."""
    return application.round_id == round_id and application.status == ApplicationStatus.ELIGIBLE


def eligible_applications_query(round_id: int) -> Select[Application]:
    """A select of the round's eligible applications, unordered, for the caller to extend.

    Join, order or narrow it as usual; `.with_only_columns(...)` keeps the condition when only
    some columns (or a count) are wanted.
    """
    return select(Application).where(eligible_in_round(round_id))


def eligible_application_ids(round_id: int) -> Select[int]:
    """A select of the ids of the round's eligible applications, for `in_()` and subqueries."""
    return select(Application.id).where(eligible_in_round(round_id))


def eligible_application(round_id: int, application_id: int) -> Application | None:
    """The application with this id if it is one of the round's eligible applications."""
    application = db.session.get(Application, application_id)
    if application is None or not is_eligible_in_round(application, round_id):
        return None
    return application


def eligible_applications(round_id: int) -> list[Application]:
    """The round's eligible applications, by reference."""
    query = eligible_applications_query(round_id).order_by(Application.reference)
    return list(db.session.execute(query).scalars())


def count_eligible(round_id: int) -> int:
    """How many of the round's applications are eligible: one COUNT query."""
    query = eligible_applications_query(round_id).with_only_columns(func.count(Application.id))
    return int(db.session.execute(query).scalar_one())
