"""The lottery for a tie at the funding line (method §7): seeded, repeatable, every draw kept.

A draw is only ever among the applications tied across the funding line of what is left to
allocate (criteria.tied_at_the_line), never a hand-picked set. Every draw is kept and shown
with who ran it and when; the latest is the one in force, and each draw after the first must
say why the lots were drawn again (docs/security.md item 42).
"""

import criteria
from panel.audit import record
from panel.extensions import db
from panel.models import LotteryDraw, User
from panel.results.budget import DecisionError, check_editable, open_allocation
from panel.results.services import RoundResults
from panel.rounds.services import lock_round

NO_TIE = (
    "There is no tie at the funding line now, so there is nothing to draw. The draw is only "
    "for applications with the same score where the budget runs out."
)
NEEDS_REASON = (
    "Say why the lots are being drawn again. The earlier draws stay on the record beside this one."
)


def tie_at_the_line(results: RoundResults) -> list[str]:
    """The references tied across the funding line of what is left to allocate (none: empty)."""
    still = open_allocation(results)
    funded = criteria.allocate(still.result, budget=still.left_pence).funded
    return list(criteria.tied_at_the_line(still.result.applications, funded))


def draw_lottery(*, results: RoundResults, seed: str, reason: str, actor: User) -> LotteryDraw:
    """Order the applications tied at the line by sha256(seed:reference); the seed, who drew,
    when and (for a redraw) why are recorded, and every earlier draw is kept."""
    round_ = lock_round(results.round)
    check_editable(round_)
    seed, reason = seed.strip(), reason.strip()
    if len(seed) < 4:
        raise DecisionError(
            "Enter a seed of at least 4 characters, written down before the draw", field="seed"
        )
    tied = sorted(tie_at_the_line(results))
    if len(tied) < 2:
        raise DecisionError(NO_TIE, field="")  # about the page, not a field
    earlier = len(draws(round_.id))
    if earlier and not reason:
        raise DecisionError(NEEDS_REASON, field="reason")
    order = list(criteria.lottery_order(seed, tied))
    draw = LotteryDraw(
        round_id=round_.id,
        seed=seed,
        references=tied,
        order=order,
        reason=reason,
        drawn_by_id=actor.id,
    )
    db.session.add(draw)
    db.session.flush()
    record(
        actor=actor,
        action="lottery.drawn",
        object_type="lottery_draw",
        object_id=draw.id,
        round_id=round_.id,
        after={
            "seed": seed,
            "references": tied,
            "order": order,
            "redraw": earlier > 0,
            "reason": reason,
        },
    )
    return draw


def draws(round_id: int) -> list[LotteryDraw]:
    """Every lottery draw of the round, oldest first (the last one is in force)."""
    return list(
        db.session.execute(
            db.select(LotteryDraw).where(LotteryDraw.round_id == round_id).order_by(LotteryDraw.id)
        ).scalars()
    )


def latest_draw(round_id: int) -> LotteryDraw | None:
    """The round's most recent lottery draw, the one in force, if any."""
    return (
        db.session.execute(
            db.select(LotteryDraw)
            .where(LotteryDraw.round_id == round_id)
            .order_by(LotteryDraw.id.desc())
        )
        .scalars()
        .first()
    )
