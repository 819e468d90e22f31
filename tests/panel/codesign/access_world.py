"""Objects of the codesign area for the access tests: see tests/panel/test_access.py."""

from typing import Any

from panel.codesign import services
from panel.extensions import db


def extras(world: dict[str, Any]) -> dict[str, Any]:
    """A proposal by the round's own panellist, and a non-negotiable, in world["round"]."""
    round_ = world["round"]
    criterion = services.propose(
        round_=round_,
        wording=services.Wording(
            title="Brings neighbours together",
            description="People who would not usually meet get to know each other.",
            why="Loneliness is the biggest problem on our estate.",
            kind="scored",
            descriptors={str(level): f"Level {level}" for level in round_.scale_levels},
        ),
        actor=world["panellist"],
    )
    boundary = services.add_boundary(
        round_=round_,
        title="Awards are between £250 and £5,000",
        reason="set by the board",
        actor=world["staff"],
    )
    db.session.commit()
    return {"criterion_id": criterion.id, "boundary_id": boundary.id}
