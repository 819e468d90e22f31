"""Who sits on a round's panel: one read that services and the web layer (`panel.access`) share.
It needs only the models, so a service can ask it without importing Flask's request helpers."""

from panel.extensions import db
from panel.models import FundingRound, RoundMember, User


def membership(round_: FundingRound, user: User) -> RoundMember | None:
    """The user's current panel membership of the round, or None."""
    return db.session.execute(
        db.select(RoundMember).where(
            RoundMember.round_id == round_.id,
            RoundMember.user_id == user.id,
            RoundMember.removed_at.is_(None),
        )
    ).scalar_one_or_none()
