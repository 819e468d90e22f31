"""Co-design writes and queries: the round's criteria, their history, weights and the rubric."""

from panel.extensions import db
from panel.models import FundingRound, Review, ReviewStatus, Rubric


def current_rubric(round_: FundingRound) -> Rubric | None:
    """The round's adopted rubric in force: the highest version, or None before adoption."""
    return (
        db.session.execute(
            db.select(Rubric).where(Rubric.round_id == round_.id).order_by(Rubric.version.desc())
        )
        .scalars()
        .first()
    )


def rubric_locked(round_: FundingRound) -> bool:
    """True once any review of the round has been submitted: the rubric can no longer change."""
    return (
        db.session.execute(
            db.select(Review.id)
            .where(Review.round_id == round_.id, Review.status == ReviewStatus.SUBMITTED)
            .limit(1)
        ).first()
        is not None
    )
