"""Members share 100 points among the shortlist; the proposed weights are their rounded mean."""

from collections import defaultdict
from dataclasses import dataclass

from criteria.weights import Spread, proposed_weights, spread, weight_problems
from panel.audit import record
from panel.codesign.services.errors import Closed, Invalid
from panel.codesign.services.queries import criteria_of
from panel.codesign.services.rules import require_open
from panel.extensions import db
from panel.models import (
    Criterion,
    CriterionKind,
    FundingRound,
    User,
    WeightShare,
)
from panel.models.types import utcnow

# ---------------------------------------------------- the shortlist and the members' shares


def weighable(round_: FundingRound) -> list[Criterion]:
    """The criteria members share weights among: shortlisted, scored, not removed, in order."""
    return [
        c
        for c in criteria_of(round_)
        if c.shortlisted and c.kind == CriterionKind.SCORED and c.archived_at is None
    ]


@dataclass
class WeightSummary:
    """The members' shares over the current shortlist, and the weights they propose."""

    criteria: list[Criterion]
    members: int
    spreads: dict[int, Spread]
    proposed: dict[int, int]
    # Shares of a member whose saved set no longer matches the shortlist are left out.
    left_out: int = 0

    def proposed_for(self, criterion_id: int) -> int | None:
        return self.proposed.get(criterion_id)


def _all_shares(round_: FundingRound, criterion_ids: list[int]) -> dict[int, dict[int, int]]:
    rows = db.session.execute(
        db.select(WeightShare.user_id, WeightShare.criterion_id, WeightShare.points).where(
            WeightShare.round_id == round_.id, WeightShare.criterion_id.in_(criterion_ids)
        )
    ).all()
    by_user: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, criterion_id, value in rows:
        by_user[user_id][criterion_id] = value
    return by_user


def weight_summary(round_: FundingRound) -> WeightSummary:
    """Count a member only if their saved shares cover exactly the current shortlist and add up
    to 100; propose the mean share of each, rounded by largest remainder (ties by criterion
    order)."""
    criteria = weighable(round_)
    ids = [c.id for c in criteria]
    complete: list[list[int]] = []
    left_out = 0
    for shares in _all_shares(round_, ids).values():
        row = [shares.get(cid) for cid in ids]
        if all(v is not None for v in row) and sum(v or 0 for v in row) == 100:
            complete.append([v or 0 for v in row])
        else:
            left_out += 1
    if not criteria or not complete:
        return WeightSummary(
            criteria=criteria, members=0, spreads={}, proposed={}, left_out=left_out
        )
    weights = proposed_weights(complete)
    return WeightSummary(
        criteria=criteria,
        members=len(complete),
        spreads={cid: spread([m[i] for m in complete]) for i, cid in enumerate(ids)},
        proposed=dict(zip(ids, weights, strict=True)),
        left_out=left_out,
    )


def my_shares(round_: FundingRound, user: User) -> dict[int, int]:
    """The person's saved shares for the current shortlist (criterion id -> points)."""
    ids = [c.id for c in weighable(round_)]
    return _all_shares(round_, ids).get(user.id, {})


def share_weights(*, round_: FundingRound, shares: dict[int, int], actor: User) -> None:
    """A member shares 100 points among the shortlisted scored criteria (checked by
    `criteria.weights.weight_problems`); sharing again replaces their earlier shares."""
    require_open(round_)
    criteria = weighable(round_)
    if not criteria:
        raise Closed("There are no shortlisted scored criteria to share points among yet.")
    ids = [c.id for c in criteria]
    if set(shares) != set(ids):
        raise Invalid([("form", "The shortlist has changed. Check the criteria and try again.")])
    problems = weight_problems(
        [shares[cid] for cid in ids],
        [f"Points for {c.title}" for c in criteria],
        together="Your shares",
    )
    if problems:
        raise Invalid(
            [("form" if p.index is None else f"share_{ids[p.index]}", p.message) for p in problems]
        )
    existing = {
        row.criterion_id: row
        for row in db.session.execute(
            db.select(WeightShare).where(
                WeightShare.user_id == actor.id, WeightShare.criterion_id.in_(ids)
            )
        ).scalars()
    }
    before = {str(cid): row.points for cid, row in existing.items()}
    now = utcnow()
    for cid in ids:
        row = existing.get(cid)
        if row is None:
            db.session.add(
                WeightShare(
                    round_id=round_.id,
                    criterion_id=cid,
                    user_id=actor.id,
                    points=shares[cid],
                    updated_at=now,
                )
            )
        else:
            row.points = shares[cid]
            row.updated_at = now
    db.session.flush()
    record(
        actor=actor,
        action="weights.shared",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before=before or None,
        after={str(cid): shares[cid] for cid in ids},
    )
