"""Objects of the codesign area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.codesign import services
from panel.extensions import db
from tests.factories import gen_boundary, gen_criterion


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """A proposal by the round's own panellist with a comment from staff, and a non-negotiable,
    in world["round"]."""
    criterion = gen_criterion(world["round"], world["panellist"])
    comment = services.add_comment(
        criterion=criterion, body="A comment staff may hide.", actor=world["staff"]
    )
    db.session.commit()
    boundary = gen_boundary(world["round"], world["staff"])
    return {"criterion_id": criterion.id, "boundary_id": boundary.id, "comment_id": comment.id}
