"""Objects of the scoring area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.models import ConflictKind
from panel.rubrics import current_rubric
from tests.factories import gen_application, gen_conflict, gen_rubric


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """Create this area's objects in world["round"]; return a value for each URL argument."""
    round_ = world["round"]
    if current_rubric(round_) is None:
        gen_rubric(round_, world["staff"])
    # An eligible application of our own (another area's may be at another status).
    application = gen_application(round_)
    # A withdrawn declaration: the register's withdraw page still opens for staff.
    conflict = gen_conflict(
        application,
        world["panellist"],
        kind=ConflictKind.OTHER,
        declared_by=world["staff"],
        withdrawn_by=world["staff"],
    )
    return {"application_id": application.id, "conflict_id": conflict.id}
