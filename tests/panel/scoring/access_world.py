"""Objects of the scoring area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.extensions import db
from panel.models import Application, Conflict, ConflictKind
from panel.rubrics import current_rubric
from tests.panel.scoring.conftest import create_application, create_rubric


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """Create this area's objects in world["round"]; return a value for each URL argument."""
    round_ = world["round"]
    if current_rubric(round_) is None:
        create_rubric(round_, world["staff"])
    # An eligible application of our own (another area's may be at another status).
    numbers = db.session.execute(
        db.select(db.func.max(Application.number)).where(Application.round_id == round_.id)
    ).scalar()
    application = create_application(round_, (numbers or 0) + 1)
    conflict = Conflict(
        round_id=round_.id,
        application_id=application.id,
        panellist_id=world["panellist"].id,
        kind=ConflictKind.OTHER,
        note="",
        declared_by_id=world["staff"].id,
    )
    return {"application_id": application.id, "conflict_id": _withdrawn(conflict, world)}


def _withdrawn(conflict: Conflict, world: dict[str, Any]) -> int:
    """A withdrawn declaration: the register's withdraw page still opens for staff."""
    from panel.models.types import utcnow

    conflict.withdrawn_at = utcnow()
    conflict.withdrawn_by_id = world["staff"].id
    conflict.withdrawn_reason = "Recorded by mistake"
    db.session.add(conflict)
    db.session.commit()
    return conflict.id
