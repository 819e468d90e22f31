"""Applications the panel has not scored enough: never declined or reserved by a suggestion,
shown as "needs more scores" with who could still score them, and settled one by one by staff
(scored at the meeting, or decided without a panel score and why) before the round is Decided.
"""

from dataclasses import dataclass

from panel.extensions import db
from panel.models import (
    Decision,
    FundingRound,
    Review,
    ReviewStatus,
    RoundMember,
    Stage,
    User,
)
from panel.results import services as results_service
from panel.results.services import RoundResults, standing_conflicts
from panel.rounds.services import stage_check


@dataclass(frozen=True)
class Short:
    """One application below the quorum: its scores so far and who could still score it."""

    application_id: int
    reference: str
    n: int
    quorum: int
    could_score: list[str]
    resolved: bool


def below_quorum(results: RoundResults) -> set[str]:
    """References of the applications whose counted scores are fewer than the quorum."""
    return {r.reference for r in results.result.applications if not r.meets_quorum}


def needs_more_scores(results: RoundResults) -> list[Short]:
    """Each application below the quorum, with the panellists who could still score it (on the
    panel, no submitted review of it, no standing conflict) and whether staff settled it."""
    short = below_quorum(results)
    if not short:
        return []
    round_ = results.round
    ids = {results.row(ref).id: ref for ref in short}
    members = db.session.execute(
        db.select(User.id, User.display_name)
        .join(RoundMember, RoundMember.user_id == User.id)
        .where(RoundMember.round_id == round_.id, RoundMember.removed_at.is_(None))
        .order_by(User.display_name)
    ).all()
    scored = {
        (a, p)
        for a, p in db.session.execute(
            db.select(Review.application_id, Review.panellist_id).where(
                Review.application_id.in_(ids), Review.status == ReviewStatus.SUBMITTED
            )
        )
    }
    conflicted = set(standing_conflicts(round_.id))
    resolved = set(
        db.session.execute(
            db.select(Decision.application_id).where(
                Decision.round_id == round_.id,
                Decision.status == "confirmed",
                Decision.quorum_resolution.is_not(None),
            )
        ).scalars()
    )
    out = []
    for app_id, ref in sorted(ids.items(), key=lambda pair: pair[1]):
        res = results.result.result_for(ref)
        out.append(
            Short(
                application_id=app_id,
                reference=ref,
                n=res.n,
                quorum=round_.quorum,
                could_score=[
                    name
                    for user_id, name in members
                    if (app_id, user_id) not in scored and (app_id, user_id) not in conflicted
                ],
                resolved=app_id in resolved,
            )
        )
    return out


@stage_check(Stage.DECIDED)
def _every_short_application_settled(round_: FundingRound) -> str | None:
    try:
        results = results_service.compute(round_)
    except results_service.ResultsUnavailable:
        return None
    waiting = [s.reference for s in needs_more_scores(results) if not s.resolved]
    if waiting:
        plural = "application needs" if len(waiting) == 1 else "applications need"
        return (
            f"{len(waiting)} {plural} more scores ({', '.join(waiting)}): record how each was "
            "resolved on its decision first."
        )
    return None
