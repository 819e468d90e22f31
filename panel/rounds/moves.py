"""Stepping a round back one stage, with a reason, while nothing irreversible has happened.

The areas that own what cannot be undone register a check for the stage being left (as they
register `panel.rounds.services.stage_check` for the stage being entered): scoring refuses to
leave Scoring once a review is submitted, results once a decision is recorded, and so on.
"""

from collections.abc import Callable

from panel.audit import record
from panel.models import STAGE_ORDER, FundingRound, Stage, User
from panel.rounds.services import (
    RoundError,
    StageCheck,
    StageRefused,
    lock_round,
    stage_problems,
)

# Checks that must pass before a round may leave a stage backwards. Each returns a reason to
# refuse (what has happened that cannot be undone), or None.
STEP_BACK_CHECKS: dict[Stage, list[StageCheck]] = {stage: [] for stage in Stage}


def step_back_check(stage: Stage) -> Callable[[StageCheck], StageCheck]:
    """Register a check that must pass before a round at `stage` steps back to the one before."""

    def register(check: StageCheck) -> StageCheck:
        STEP_BACK_CHECKS[stage].append(check)
        return check

    return register


def previous_stage(stage: Stage) -> Stage | None:
    """The stage before `stage`, or None for the first."""
    return STAGE_ORDER[stage.position - 1] if stage.position > 0 else None


def step_back_problems(round_: FundingRound) -> list[str]:
    """Every reason the round cannot step back one stage now (empty when it can): something
    irreversible has happened, or the stage before would not let the round in again."""
    here = round_.current_stage
    back = previous_stage(here)
    if back is None:
        return ["This round is at its first stage."]
    problems = [reason for check in STEP_BACK_CHECKS[here] if (reason := check(round_))]
    return problems or stage_problems(round_, back)


def step_back(*, round_: FundingRound, actor: User, expected: Stage, reason: str) -> Stage:
    """Move the round back one stage, if it is still at `expected`, nothing irreversible has
    happened (StageRefused says what has) and staff said why; audited with the reason."""
    lock_round(round_)
    current = round_.current_stage
    if current is not expected:
        raise RoundError(
            f"This round has already moved to {current.label}. Check the page and try again."
        )
    if not reason.strip():
        raise RoundError("Say why the round is going back a stage")
    problems = step_back_problems(round_)
    if problems:
        raise StageRefused(problems)
    back = previous_stage(current)
    assert back is not None  # step_back_problems refuses the first stage
    before: dict[str, str | None] = {"stage": current.value}
    if back is Stage.CODESIGN and round_.criteria_by_staff_reason:
        # Back in co-design the panel may adopt the criteria after all.
        before["criteria_by_staff_reason"] = round_.criteria_by_staff_reason
        round_.criteria_by_staff_reason = None
    round_.stage = back
    record(
        actor=actor,
        action="round.stage_stepped_back",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before=before,
        after={"stage": back.value, "reason": reason.strip()},
    )
    return back


@step_back_check(Stage.DECIDED)
def _decided_is_final(round_: FundingRound) -> str | None:
    return "A decided round cannot go back: applicants may already have been told the decisions."
