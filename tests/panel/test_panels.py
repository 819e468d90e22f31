"""The one read of panel membership, shared by services and the web layer."""

from collections.abc import Callable

from panel import access
from panel.extensions import db
from panel.models import FundingRound, RoundMember, User
from panel.models.types import utcnow
from panel.panels import membership


def test_membership_is_the_current_row_of_this_round_only(
    make_user: Callable[..., User], make_round: Callable[..., FundingRound]
) -> None:
    member, outsider = make_user(), make_user()
    round_ = make_round(members=(member,))
    other = make_round(members=(outsider,))
    row = membership(round_, member)
    assert row is not None and (row.round_id, row.user_id) == (round_.id, member.id)
    assert membership(round_, outsider) is None
    assert membership(other, member) is None
    row.removed_at = utcnow()
    db.session.commit()
    assert membership(round_, member) is None
    removed = db.session.execute(db.select(RoundMember).where(RoundMember.user_id == member.id))
    assert removed.scalar_one().removed_at is not None  # the row is kept for the history


def test_the_web_layer_reuses_the_same_query() -> None:
    assert access.membership is membership
