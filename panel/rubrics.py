"""The rubric in force for a round: one read that every area (codesign, applications, scoring,
results) may import. It needs only the models, so no area depends on another's services for it."""

from panel.extensions import db
from panel.models import FundingRound, Rubric


def current_rubric(round_: FundingRound) -> Rubric | None:
    """The round's adopted rubric in force: the highest version, or None before adoption."""
    return (
        db.session.execute(
            db.select(Rubric).where(Rubric.round_id == round_.id).order_by(Rubric.version.desc())
        )
        .scalars()
        .first()
    )
