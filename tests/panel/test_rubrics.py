"""The one read of the rubric in force for a round, shared by every area."""

from collections.abc import Callable

from panel.codesign import services as codesign
from panel.extensions import db
from panel.models import FundingRound, Rubric, User
from panel.rubrics import current_rubric


def test_the_rubric_in_force_is_the_highest_version_of_this_round(
    staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_, other = make_round(), make_round()
    assert current_rubric(round_) is None
    for version in (2, 1):
        db.session.add(Rubric(round_id=round_.id, version=version, adopted_by_id=staff.id))
    db.session.add(Rubric(round_id=other.id, version=3, adopted_by_id=staff.id))
    db.session.commit()
    rubric = current_rubric(round_)
    assert rubric is not None and (rubric.round_id, rubric.version) == (round_.id, 2)


def test_codesign_offers_the_same_read() -> None:
    assert codesign.current_rubric is current_rubric
