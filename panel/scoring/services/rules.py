"""The rules of scoring, each written once: when scores may change, the deadline, the panel
meeting, and when conflicts of interest may be declared or withdrawn.

Views and templates never test stage names: they ask these functions, or take `phase(round_)`
(plain booleans) and the refusal sentences below.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from panel.extensions import db
from panel.models import FundingRound, Review, ReviewStatus, Stage, User
from panel.models.types import utcnow
from panel.rounds import services as rounds
from panel.rounds.moves import step_back_check
from panel.scoring.services.errors import DeadlinePassed, NotFound, ScoringClosed, ScoringError

# Stages in which a conflict may be declared (the recusal matters until the round is decided).
CONFLICT_STAGES = (Stage.ELIGIBILITY, Stage.SCORING, Stage.PANEL)

NOT_STARTED_TEXT = "Scoring has not started yet. Nothing has been saved."
CLOSED_TEXT = "Scoring is closed. Nothing has been changed."
DEADLINE_TEXT = (
    "The scoring deadline has passed, so scores can no longer be changed here. "
    "If you still have scores to give, contact the staff running the round."
)
NO_RUBRIC_TEXT = "The scoring questions have not been agreed yet."
CONFLICTS_CLOSED_TEXT = (
    "Conflicts can be declared from the eligibility check until the panel meeting ends."
)
DECIDED_TEXT = "This round is decided, so its declarations can no longer change."


# ------------------------------------------------------------------------ the stages


def scoring_not_started(round_: FundingRound) -> bool:
    """Before the Scoring stage, nothing may be scored yet."""
    return round_.current_stage.position < Stage.SCORING.position


def scoring_open(round_: FundingRound) -> bool:
    """Only the Scoring stage takes score changes (bar revisions at the meeting)."""
    return round_.current_stage is Stage.SCORING


def scoring_over(round_: FundingRound) -> bool:
    """After the Scoring stage (the panel meeting, then decided), scoring has closed."""
    return round_.current_stage.position > Stage.SCORING.position


def at_panel_meeting(round_: FundingRound) -> bool:
    """The Panel meeting stage: panellists may revise their own submitted reviews."""
    return round_.current_stage is Stage.PANEL


def round_decided(round_: FundingRound) -> bool:
    """Once decided, nothing in the round's scoring changes any more."""
    return round_.current_stage is Stage.DECIDED


# ---------------------------------------------------------------------- the deadline


def _past(deadline: datetime | None, now: datetime | None = None) -> bool:
    return rounds.deadline_passed(deadline, now)  # the one rule, kept with the round settings


def deadline_passed(round_: FundingRound, now: datetime | None = None) -> bool:
    """Panellists stop at the round's scoring deadline (a round without one has none)."""
    return _past(round_.scoring_deadline, now)


def deadline_in_words(deadline: datetime | None, now: datetime | None = None) -> str:
    """How long is left before the deadline, in plain words ("3 days left", "5 hours left")."""
    if deadline is None:
        return "No deadline has been set"
    now = now or utcnow()
    if _past(deadline, now):
        return "The deadline has passed"
    days = (deadline - now).days
    if days == 0:
        hours = int((deadline - now).total_seconds() // 3600)
        return "Less than an hour left" if hours == 0 else f"{hours} hours left"
    return "1 day left" if days == 1 else f"{days} days left"


# ----------------------------------------------------------- who may change scores


def staff_acting_for(*, actor: User, panellist: User) -> bool:
    """Whether staff are acting for the panellist (paper scores, a conflict they were told of).

    Only the panellist themself or staff may act on a panellist's behalf: NotFound otherwise.
    """
    if actor.id == panellist.id:
        return False
    if not actor.is_staff:
        raise NotFound("Only the panellist or staff can do this.")
    return True


def meeting_revision(round_: FundingRound, *, by_staff: bool, review: Review | None) -> bool:
    """At the panel meeting a panellist may revise their own submitted review, with a reason."""
    return (
        at_panel_meeting(round_)
        and not by_staff
        and review is not None
        and review.status == ReviewStatus.SUBMITTED
    )


def refusal(
    round_: FundingRound, *, by_staff: bool, review: Review | None = None
) -> ScoringError | None:
    """The refusal a score change meets now (ScoringClosed, DeadlinePassed), or None.

    Staff typing in paper scores are not held to the deadline; a panellist revising their own
    submitted review at the meeting is not held to the stage.
    """
    if meeting_revision(round_, by_staff=by_staff, review=review):
        return None
    if scoring_not_started(round_):
        return ScoringClosed(NOT_STARTED_TEXT)
    if not scoring_open(round_):
        return ScoringClosed(CLOSED_TEXT)
    if not by_staff and deadline_passed(round_):
        return DeadlinePassed(DEADLINE_TEXT)
    return None


def may_change_scores(
    round_: FundingRound, *, by_staff: bool, review: Review | None = None
) -> str | None:
    """Why scores cannot be changed now (a plain sentence), or None when they can."""
    refused = refusal(round_, by_staff=by_staff, review=review)
    return None if refused is None else str(refused)


def check_can_change(round_: FundingRound, *, by_staff: bool, review: Review | None = None) -> None:
    """Raise the refusal a score change meets now, if any."""
    refused = refusal(round_, by_staff=by_staff, review=review)
    if refused is not None:
        raise refused


# ------------------------------------------------------------------------ conflicts


def conflicts_open(round_: FundingRound) -> bool:
    """Conflicts may be declared from the eligibility check until the panel meeting ends."""
    return round_.current_stage in CONFLICT_STAGES


def conflict_refusal(round_: FundingRound) -> str | None:
    """Why no conflict may be declared now (a plain sentence), or None when one may."""
    return None if conflicts_open(round_) else CONFLICTS_CLOSED_TEXT


def withdrawals_open(round_: FundingRound) -> bool:
    """A mistaken declaration may be withdrawn until the round is decided."""
    return not round_decided(round_)


# -------------------------------------------------------------- for the templates


@dataclass(frozen=True)
class Phase:
    """Where the round stands for scoring, as booleans: what templates test, not stage names."""

    opens_next: bool  # the stage just before Scoring (the eligibility check)
    started: bool  # Scoring or later
    open: bool  # the Scoring stage
    over: bool  # after Scoring: the panel meeting or decided
    at_meeting: bool  # the panel meeting
    decided: bool
    conflicts_open: bool  # conflicts of interest may be declared


def phase(round_: FundingRound) -> Phase:
    """The round's scoring phase, from the rules above."""
    return Phase(
        opens_next=round_.current_stage.next() is Stage.SCORING,
        started=not scoring_not_started(round_),
        open=scoring_open(round_),
        over=scoring_over(round_),
        at_meeting=at_panel_meeting(round_),
        decided=round_decided(round_),
        conflicts_open=conflicts_open(round_),
    )


@step_back_check(Stage.SCORING)
def _no_review_submitted(round_: FundingRound) -> str | None:
    submitted: int = db.session.execute(
        db.select(func.count(Review.id)).where(
            Review.round_id == round_.id, Review.status == ReviewStatus.SUBMITTED
        )
    ).scalar_one()
    if submitted:
        noun = "review has" if submitted == 1 else "reviews have"
        return (
            f"{submitted} {noun} been submitted, so scoring cannot go back to the eligibility "
            "check: the panel has scored these applications."
        )
    return None
