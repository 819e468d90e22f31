"""Creating and editing funding rounds, moving them through their stages, and managing panels."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func

from panel.audit import changes, record
from panel.extensions import db
from panel.ideas import services as ideas
from panel.models import FundingRound, PanelRole, Role, RoundMember, Stage, User
from panel.models.types import uk_date, utcnow
from panel.rounds.stages import days_early
from panel.rubrics import current_rubric


class RoundError(ValueError):
    """A refusal with a message fit to show to staff."""


class ClosesScoringNow(RoundError):
    """The new scoring deadline has passed while scoring is open: saving it closes scoring."""


CLOSES_SCORING_TEXT = (
    "That scoring deadline has passed, so scoring will close as soon as you save: panellists "
    "will no longer be able to change their scores. Tick the box to close scoring now, or "
    "choose a later date"
)


def deadline_passed(deadline: datetime | None, now: datetime | None = None) -> bool:
    """A scoring deadline has passed once the moment is after it; none set never passes."""
    return deadline is not None and (now or utcnow()) > deadline


def closes_scoring_now(round_: FundingRound, details: "RoundDetails") -> bool:
    """Whether saving `details` closes open scoring at once: the round is at Scoring, its
    deadline has not passed, and the new one has."""
    return (
        round_.current_stage is Stage.SCORING
        and not deadline_passed(round_.scoring_deadline)
        and deadline_passed(details.scoring_deadline)
    )


class StageRefused(RoundError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__(" ".join(reasons))
        self.reasons = reasons


class NeedsConfirming(RoundError):
    """The move needs something more from staff: a tick or a reason, by the form's `field`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


NO_CRITERIA_TEXT = (
    "No criteria have been adopted with the panel yet. Adopt them first, or tick “Staff "
    "adopt the criteria without the panel” and say why: residents will read your reason on "
    "“How these criteria were agreed”"
)


def needs_criteria_reason(round_: FundingRound) -> bool:
    """Whether opening applications now needs staff's reason for going without the panel: the
    round is at Co-design and no criteria are adopted."""
    return round_.current_stage is Stage.CODESIGN and current_rubric(round_) is None


def closes_early_text(round_: FundingRound) -> str | None:
    """What moving on does to a public form advertised as open for longer, or None."""
    days = days_early(round_)
    if days is None:
        return None
    close = uk_date(round_.applications_close_on)
    if days == 0:
        return (
            f"Applications are advertised to close at the end of today ({close}). Moving on "
            "closes the public form now, a few hours early."
        )
    return (
        f"Applications are advertised to close on {close}. Moving on closes the public form "
        f"now, {days} {'day' if days == 1 else 'days'} early."
    )


# Checks that must pass before a round may enter a stage. Each returns a reason to refuse, or None.
# The other areas register their own (co-design: adopted criteria; applications: eligible ones).
StageCheck = Callable[[FundingRound], str | None]
STAGE_CHECKS: dict[Stage, list[StageCheck]] = {stage: [] for stage in Stage}


def stage_check(stage: Stage) -> Callable[[StageCheck], StageCheck]:
    """Register a check that must pass before a round enters `stage`."""

    def register(check: StageCheck) -> StageCheck:
        STAGE_CHECKS[stage].append(check)
        return check

    return register


def lock_round(round_: FundingRound) -> FundingRound:
    """Hold the round's row until the transaction ends, and read it again, so a check and the
    write it guards (the budget and a decision, a stage change and its checks) are atomic.

    PostgreSQL takes a row lock (SELECT ... FOR UPDATE): a second transaction that locks the
    same round waits here until the first commits, then reads what it wrote. SQLite's write
    transactions already hold the whole database from their start (BEGIN IMMEDIATE,
    panel.database), so there the SELECT only reads the row again.
    """
    db.session.execute(
        db.select(FundingRound)
        .where(FundingRound.id == round_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return round_


EDITABLE = (
    "name",
    "description",
    "fund_name",
    "reference_prefix",
    "budget_pence",
    "min_award_pence",
    "max_award_pence",
    "scale_min",
    "scale_max",
    "quorum",
    "applications_open_on",
    "applications_close_on",
    "scoring_deadline",
    "blind_scoring",
    "reminder_days",
)
# Automatic scoring reminders go this many days before the deadline (panel/scoring/reminders.py).
MAX_REMINDER_DAYS = 14


@dataclass(frozen=True)
class RoundDetails:
    name: str
    description: str
    fund_name: str
    budget_pence: int
    min_award_pence: int
    max_award_pence: int
    scale_min: int = 0
    scale_max: int = 5
    quorum: int = 3
    applications_open_on: date | None = None
    applications_close_on: date | None = None
    scoring_deadline: datetime | None = None
    blind_scoring: bool = True
    reference_prefix: str = ""
    # Days before the scoring deadline for the automatic reminders (0: none); None keeps the
    # round's own (3 for a new round).
    reminder_days: int | None = None
    # The ideas the round responds to (panel.ideas); None leaves them as they are.
    idea_ids: tuple[int, ...] | None = None


def _snapshot(round_: FundingRound) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key in EDITABLE:
        value = getattr(round_, key)
        out[key] = value.isoformat() if isinstance(value, date | datetime) else value
    return out


def award_problem(*, smallest: int | None, largest: int | None, budget: int | None) -> str | None:
    """Why the awards do not fit (smallest <= largest <= budget), or None; None is not compared."""
    if largest is None:
        return None
    if smallest is not None and largest < smallest:
        return "The largest award must be the same as or more than the smallest"
    if budget is not None and largest > budget:
        return "The largest award cannot be more than the total budget"
    return None


def dates_problem(*, opens: date | None, closes: date | None) -> str | None:
    """Why the application dates are out of order (closing before opening), or None."""
    if opens and closes and closes < opens:
        return "Applications must close on or after the day they open"
    return None


def _check_details(details: RoundDetails) -> None:
    problem = award_problem(
        smallest=details.min_award_pence,
        largest=details.max_award_pence,
        budget=details.budget_pence,
    ) or dates_problem(opens=details.applications_open_on, closes=details.applications_close_on)
    if details.reminder_days is not None and not 0 <= details.reminder_days <= MAX_REMINDER_DAYS:
        problem = f"Reminders can go from 0 to {MAX_REMINDER_DAYS} days before the deadline"
    if problem:
        raise RoundError(problem)


def slugify(text: str) -> str:
    """A short, readable, URL-safe name: "Spring 2026 round" -> "spring-2026-round"."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:50] or "round"


def _unique_slug(base: str) -> str:
    slug, n = base, 1
    while db.session.execute(db.select(FundingRound.id).where(FundingRound.slug == slug)).first():
        n += 1
        slug = f"{base}-{n}"
    return slug


def default_prefix(fund_name: str, when: date) -> str:
    """Reference prefix from the fund's initials and the year: Community Fund, 2025 -> CF25."""
    initials = "".join(w[0] for w in re.findall(r"[A-Za-z]+", fund_name)).upper()[:4] or "GP"
    return f"{initials}{when:%y}"


def _respond_to(round_: FundingRound, details: RoundDetails, actor: User) -> None:
    if details.idea_ids is not None:
        try:
            ideas.set_round_ideas(round_=round_, idea_ids=list(details.idea_ids), actor=actor)
        except ideas.IdeaError as exc:
            raise RoundError(str(exc)) from exc


def create_round(*, details: RoundDetails, actor: User, slug: str | None = None) -> FundingRound:
    """Create a round in the Co-design stage, responding to the ideas staff chose; the slug
    comes from the name unless given."""
    _check_details(details)
    values = {k: getattr(details, k) for k in EDITABLE}
    if values["reminder_days"] is None:
        del values["reminder_days"]  # the usual 3 days
    values["reference_prefix"] = details.reference_prefix or default_prefix(
        details.fund_name, utcnow().date()
    )
    round_ = FundingRound(
        slug=_unique_slug(slug or slugify(details.name)),
        stage=Stage.CODESIGN,
        created_by_id=actor.id,
        **values,
    )
    db.session.add(round_)
    db.session.flush()
    record(
        actor=actor,
        action="round.created",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after=_snapshot(round_),
    )
    _respond_to(round_, details, actor)
    return round_


def update_round(
    *, round_: FundingRound, details: RoundDetails, actor: User, close_scoring: bool = False
) -> None:
    """Change a round's settings and the ideas it responds to; the scale is fixed once the
    round leaves Co-design, and a deadline that closes open scoring at once needs
    `close_scoring` (ClosesScoringNow)."""
    _check_details(details)
    if closes_scoring_now(round_, details) and not close_scoring:
        raise ClosesScoringNow(CLOSES_SCORING_TEXT)
    if round_.current_stage is not Stage.CODESIGN and (
        (details.scale_min, details.scale_max) != (round_.scale_min, round_.scale_max)
    ):
        raise RoundError(
            "The scoring scale can only change during Co-design: the criteria's level "
            "descriptions were written for this scale"
        )
    if round_.current_stage in (Stage.PANEL, Stage.DECIDED) and (
        details.blind_scoring != round_.blind_scoring or details.quorum != round_.quorum
    ):
        raise RoundError("Blind scoring and the quorum cannot change after scoring has closed")
    before = _snapshot(round_)
    for key in EDITABLE:
        value = getattr(details, key)
        if (key == "reference_prefix" and not value) or (key == "reminder_days" and value is None):
            continue
        setattr(round_, key, value)
    after = _snapshot(round_)
    old, new = changes(before, after)
    if new:
        record(
            actor=actor,
            action="round.updated",
            object_type="round",
            object_id=round_.id,
            round_id=round_.id,
            before=old,
            after=new,
        )
    _respond_to(round_, details, actor)


def stage_problems(round_: FundingRound, target: Stage) -> list[str]:
    """Every reason the round cannot enter `target` now (empty when it can)."""
    problems = []
    for check in STAGE_CHECKS[target]:
        reason = check(round_)
        if reason:
            problems.append(reason)
    return problems


def advance_stage(
    *,
    round_: FundingRound,
    actor: User,
    expected: Stage,
    criteria_reason: str = "",
    close_early: bool = False,
) -> Stage:
    """Move the round to the next stage, if it is still at `expected` and every check passes.
    Opening applications with no adopted criteria needs `criteria_reason` (staff adopt them
    without the panel); closing applications before the advertised day needs `close_early`."""
    lock_round(round_)  # no decision or other guarded write slips in between checks and move
    current = round_.current_stage
    if current is not expected:
        raise RoundError(
            f"This round has already moved to {current.label}. Check the page and try again."
        )
    target = current.next()
    if target is None:
        raise RoundError("This round is decided. It has no further stage.")
    problems = stage_problems(round_, target)
    if problems:
        raise StageRefused(problems)
    after: dict[str, Any] = {"stage": target.value}
    if needs_criteria_reason(round_):
        if not criteria_reason.strip():
            raise NeedsConfirming("criteria_reason", NO_CRITERIA_TEXT)
        round_.criteria_by_staff_reason = after["criteria_by_staff_reason"] = (
            criteria_reason.strip()
        )
    early = closes_early_text(round_)
    if early and not close_early:
        raise NeedsConfirming("close_early", f"{early} Tick the box to close applications early")
    if early:
        after["days_early"] = days_early(round_)
    round_.stage = target
    record(
        actor=actor,
        action="round.stage_changed",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before={"stage": current.value},
        after=after,
    )
    return target


def current_members(round_: FundingRound) -> list[RoundMember]:
    """The round's panel as it stands, chairs first, then by name."""
    return list(
        db.session.execute(
            db.select(RoundMember)
            .join(User, RoundMember.user_id == User.id)
            .where(RoundMember.round_id == round_.id, RoundMember.removed_at.is_(None))
            .order_by(RoundMember.role, func.lower(User.display_name))
        ).scalars()
    )


def add_member(*, round_: FundingRound, user: User, role: PanelRole, actor: User) -> RoundMember:
    """Put a resident on the round's panel (again, if they were removed before)."""
    if user.role != Role.RESIDENT:
        raise RoundError("Only residents sit on the panel. Staff can already see every round.")
    if not user.active:
        raise RoundError(f"{user.display_name}'s account is deactivated")
    member = db.session.execute(
        db.select(RoundMember).where(
            RoundMember.round_id == round_.id, RoundMember.user_id == user.id
        )
    ).scalar_one_or_none()
    if member is not None and member.removed_at is None:
        raise RoundError(f"{user.display_name} is already on this panel")
    if member is None:
        member = RoundMember(round_id=round_.id, user_id=user.id, role=role)
        db.session.add(member)
    else:
        member.removed_at = None
        member.role = role
    db.session.flush()
    record(
        actor=actor,
        action="panel.member_added",
        object_type="round_member",
        object_id=member.id,
        round_id=round_.id,
        after={"user_id": user.id, "name": user.display_name, "role": str(role)},
    )
    return member


def add_members(
    *, round_: FundingRound, users: list[User], role: PanelRole, actor: User
) -> list[RoundMember]:
    """Put several residents on the round's panel at once, each as `add_member` would (all or
    none: the first refusal stops the rest, and the caller rolls back)."""
    if not users:
        raise RoundError("Choose at least one resident to add to the panel")
    return [add_member(round_=round_, user=u, role=role, actor=actor) for u in users]


def remove_member(*, member: RoundMember, actor: User) -> None:
    """Take a resident off the panel; their past work stays, their access ends at once."""
    if member.removed_at is not None:
        return
    member.removed_at = utcnow()
    record(
        actor=actor,
        action="panel.member_removed",
        object_type="round_member",
        object_id=member.id,
        round_id=member.round_id,
        before={"user_id": member.user_id, "role": member.role},
    )


@stage_check(Stage.SCORING)
def _panel_large_enough(round_: FundingRound) -> str | None:
    count = len(current_members(round_))
    if count == 0:
        return "Add residents to the panel before scoring opens."
    if count < round_.quorum:
        return (
            f"The panel has {count} {'member' if count == 1 else 'members'} but each "
            f"application needs {round_.quorum} scores (the quorum). Add panellists or lower "
            "the quorum."
        )
    return None


@stage_check(Stage.SCORING)
def _deadline_set(round_: FundingRound) -> str | None:
    if round_.scoring_deadline is None:
        return "Set a scoring deadline before scoring opens."
    if deadline_passed(round_.scoring_deadline):
        return "The scoring deadline has passed. Set a later deadline before scoring opens."
    return None


def rounds_for(user: User) -> list[FundingRound]:
    """The rounds a person sees on their home page: all for staff, their panels for residents."""
    query = db.select(FundingRound).order_by(FundingRound.created_at.desc(), FundingRound.id.desc())
    if not user.is_staff:
        query = query.join(RoundMember).where(
            RoundMember.user_id == user.id, RoundMember.removed_at.is_(None)
        )
    return list(db.session.execute(query).scalars())


def any_residents() -> bool:
    """Whether any active resident exists at all (else the panel page says to add one first)."""
    return (
        db.session.execute(
            db.select(User.id).where(User.role == Role.RESIDENT, User.active.is_(True)).limit(1)
        ).first()
        is not None
    )


def residents_not_on_panel(round_: FundingRound) -> list[User]:
    """Active residents who could be added to the round's panel."""
    on_panel = db.select(RoundMember.user_id).where(
        RoundMember.round_id == round_.id, RoundMember.removed_at.is_(None)
    )
    return list(
        db.session.execute(
            db.select(User)
            .where(User.role == Role.RESIDENT, User.active.is_(True), User.id.not_in(on_panel))
            .order_by(func.lower(User.display_name))
        ).scalars()
    )


def find_round(ident: str) -> FundingRound | None:
    """A round by its id or its slug (the CLI's ROUND argument)."""
    if ident.isdigit():
        found = db.session.get(FundingRound, int(ident))
        if found is not None:
            return found
    return db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == ident)
    ).scalar_one_or_none()
