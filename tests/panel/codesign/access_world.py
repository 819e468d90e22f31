"""Objects of the codesign area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from tests.factories import gen_boundary, gen_criterion


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """A proposal by the round's own panellist, and a non-negotiable, in world["round"]."""
    criterion = gen_criterion(world["round"], world["panellist"])
    boundary = gen_boundary(world["round"], world["staff"])
    return {"criterion_id": criterion.id, "boundary_id": boundary.id}
