"""Decisions: what the panel decided for each application, within the budget, and its notes.

Every write here first locks the round's row (rounds.services.lock_round) and only then reads
what it checks (the budget, a decision's version, the stage), so two staff saving at the same
moment are taken one after the other, on PostgreSQL as on SQLite (docs/security.md item 34).
"""

import criteria
from panel.applications.queries import count_eligible, eligible_in_round, is_eligible_in_round
from panel.audit import record
from panel.extensions import db
from panel.models import (
    Application,
    Decision,
    FundingRound,
    MeetingNote,
    Outcome,
    QuorumResolution,
    Recommendation,
    Stage,
    User,
)
from panel.models.types import utcnow
from panel.money import format_pence
from panel.results import stages
from panel.results.budget import (
    Budget,
    DecisionError,
    DecisionsLocked,
    StaleEdit,
    budget,
    check_editable,
    decisions_by_application,
    open_allocation,
)
from panel.results.lottery import draw_lottery, draws, latest_draw, tie_at_the_line
from panel.results.quorum import below_quorum, needs_more_scores
from panel.results.sentences import facts_for, starting_sentences
from panel.results.services import RoundResults, compute
from panel.rounds.moves import step_back_check
from panel.rounds.services import lock_round, stage_check

__all__ = [  # what the views and tests use from here, wherever it is written
    "Budget",
    "DecisionError",
    "DecisionsLocked",
    "StaleEdit",
    "budget",
    "confirm_drafts",
    "drafts_to_confirm",
    "needs_more_scores",
    "sentences_for",
    "decide",
    "decisions_by_application",
    "draw_lottery",
    "draws",
    "latest_draw",
    "save_note",
    "suggest",
    "tie_at_the_line",
]


def _snapshot(d: Decision) -> dict[str, object]:
    return {
        "outcome": d.outcome,
        "amount_awarded_pence": d.amount_awarded_pence,
        "reason": d.reason,
        "status": d.status,
        "panel_recommendation": d.panel_recommendation,
        "chair_note": d.chair_note,
        "quorum_resolution": d.quorum_resolution,
        "quorum_note": d.quorum_note,
    }


def _part_award(round_: FundingRound, requested: int, amount_pence: int | None) -> int:
    """A part award: less than was asked for, and within the round's award range."""
    if amount_pence is None:
        raise DecisionError("Enter the amount to award", field="amount")
    low, high = round_.min_award_pence, round_.max_award_pence
    if not 0 < amount_pence < requested:
        raise DecisionError(
            "A part award must be more than £0 and less than the amount asked for",
            field="amount",
        )
    if not low <= amount_pence <= high:
        raise DecisionError(
            f"A part award must be within this round's award range, {format_pence(low)} to "
            f"{format_pence(high)}",
            field="amount",
        )
    return amount_pence


def _resolution(
    round_: FundingRound, application: Application, resolution: QuorumResolution | None, note: str
) -> tuple[str | None, str]:
    """How an application below the quorum was settled; required for one, refused otherwise."""
    short = application.reference in below_quorum(compute(round_))
    if not short:
        return None, ""
    if resolution is None:
        raise DecisionError(
            "This application has fewer scores than the quorum. Say how it was resolved",
            field="resolution",
        )
    if not note.strip():
        raise DecisionError(
            "Say how the panel resolved it: who scored it at the meeting, or why it was decided "
            "without a panel score",
            field="resolution_note",
        )
    return resolution.value, note.strip()


def decide(
    *,
    round_: FundingRound,
    application: Application,
    outcome: Outcome,
    amount_pence: int | None,
    reason: str,
    actor: User,
    expected_version: int,
    over_budget_ok: bool = False,
    recommendation: Recommendation | None = None,
    chair_note: str = "",
    resolution: QuorumResolution | None = None,
    resolution_note: str = "",
    confirm: bool = True,
) -> Decision:
    """Record and confirm a decision with its reason and the panel's recommendation beside it;
    refuse a stale form, an amount outside the award range, an unwarned overspend, and an
    application below the quorum without how it was resolved."""
    lock_round(round_)
    check_editable(round_)
    if not is_eligible_in_round(application, round_.id):
        raise DecisionError("Only eligible applications of this round can be decided.")
    requested = application.amount_requested_pence
    if outcome is Outcome.FUND:
        amount = requested
    elif outcome is Outcome.PART:
        amount = _part_award(round_, requested, amount_pence)
    else:
        amount = 0
    if not reason.strip():
        raise DecisionError("Write the reason the applicant will read", field="reason")
    settled, settled_note = _resolution(round_, application, resolution, resolution_note)
    existing = db.session.execute(
        db.select(Decision).where(Decision.application_id == application.id)
    ).scalar_one_or_none()
    if expected_version != (existing.version if existing is not None else 0):
        raise StaleEdit("Someone else changed this decision since you opened it.")
    current = budget(round_)
    previous = existing.amount_awarded_pence if existing else 0
    over = current.awarded_pence - previous + amount > round_.budget_pence
    if over and not over_budget_ok:
        raise DecisionError(
            "This would take the awards over the budget. Tick the box to confirm you want to "
            "go over it, or choose a smaller amount.",
            field="over_budget_ok",
        )
    before = _snapshot(existing) if existing else None
    if existing is None:
        existing = Decision(
            round_id=round_.id, application_id=application.id, decided_by_id=actor.id
        )
        db.session.add(existing)
    else:
        existing.version += 1
    existing.outcome = outcome
    existing.amount_awarded_pence = amount
    existing.reason = reason.strip()
    existing.status = "confirmed" if confirm else "draft"
    existing.suggested = False
    existing.panel_recommendation = recommendation.value if recommendation else None
    existing.chair_note = chair_note.strip()
    existing.quorum_resolution = settled
    existing.quorum_note = settled_note
    existing.decided_by_id = actor.id
    existing.decided_at = utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="decision.recorded" if confirm else "decision.drafted",
        object_type="application",
        object_id=application.id,
        round_id=round_.id,
        before=before,
        after={**_snapshot(existing), **({"over_budget_acknowledged": True} if over else {})},
    )
    return existing


def suggested_allocation(results: RoundResults) -> tuple[criteria.Allocation, list[str] | None]:
    """The allocation a suggestion makes now (method §8): the applications without a confirmed
    decision, within what confirmed awards leave, in the latest draw's order if there is one."""
    still = open_allocation(results)
    draw = latest_draw(results.round.id)
    order = None
    if draw is not None:
        order = list(criteria.order_with_draw(still.result.applications, draw.order))
    return criteria.allocate(still.result, budget=still.left_pence, order=order), order


def sentences_for(results: RoundResults) -> dict[str, list[str]]:
    """Each application's starting sentences, true for its own figures, by reference."""
    allocation = None if results.without_conflicts else suggested_allocation(results)[0]
    return {ref: starting_sentences(f) for ref, f in facts_for(results, allocation).items()}


def suggest(*, results: RoundResults, actor: User) -> int:
    """Fill draft decisions' outcomes and amounts from the suggested allocation (method §8)
    within what confirmed awards leave of the budget; a confirmed decision is never changed and
    takes no part. Reasons are left to people (a draft's own reason stays as it was), and an
    application below the quorum gets no draft: it needs more scores, not an outcome.

    After a lottery draw, the drawn applications are walked in the drawn order."""
    round_ = lock_round(results.round)
    check_editable(round_)
    existing = decisions_by_application(round_.id)
    still = open_allocation(results)
    allocation, order = suggested_allocation(results)
    short = below_quorum(results)
    made = 0
    for line in allocation.lines:
        app = results.applications.get(line.reference)
        if app is None or line.reference in short:
            continue
        decision = existing.get(app.id)
        if line.status == "funded":
            outcome, amount = Outcome.FUND, app.amount_requested_pence
        elif line.status == "not taking part":
            outcome, amount = Outcome.DECLINE, 0
        else:
            outcome, amount = Outcome.RESERVE, 0
        if decision is None:
            decision = Decision(round_id=round_.id, application_id=app.id, decided_by_id=actor.id)
            db.session.add(decision)
        else:
            decision.version += 1
        decision.outcome = outcome
        decision.amount_awarded_pence = amount
        decision.status = "draft"
        decision.suggested = True
        decision.decided_by_id = actor.id
        decision.decided_at = utcnow()
        made += 1
    record(
        actor=actor,
        action="decision.suggested",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after={
            "policy": allocation.policy,
            "funded": [line.reference for line in allocation.lines if line.status == "funded"],
            "order": order,
            "confirmed": sorted(still.settled),
            "budget_left": still.left_pence,
            "needs_more_scores": sorted(short),
        },
    )
    return made


OVER_BUDGET_DRAFTS = (
    "Confirming these drafts would take the awards to {total}, over the budget of {budget}. "
    "Tick the box to confirm you want to go over it, or change some drafts first."
)


def drafts_to_confirm(round_id: int) -> tuple[list[Decision], list[Decision]]:
    """The round's drafts: those with a reason (ready to confirm) and those still without one."""
    drafts = (
        db.session.execute(
            db.select(Decision)
            .where(Decision.round_id == round_id, Decision.status == "draft")
            .order_by(Decision.application_id)
        )
        .scalars()
        .all()
    )
    return [d for d in drafts if d.reason.strip()], [d for d in drafts if not d.reason.strip()]


def confirm_drafts(
    *,
    round_: FundingRound,
    actor: User,
    expected: dict[int, int],
    over_budget_ok: bool = False,
) -> int:
    """Confirm the drafts staff were shown (application id -> version), each with its reason and
    each audited; refuse when any of them changed since, when none is ready, and when they would
    take the awards over the budget without the same acknowledgement as one decision."""
    lock_round(round_)
    check_editable(round_)
    ready, _ = drafts_to_confirm(round_.id)
    shown = {d.application_id: d.version for d in ready}
    if not expected or not ready:
        raise DecisionError(
            "No draft decision is ready to confirm: each needs a reason written for the "
            "applicant first.",
            field="over_budget_ok",
        )
    if shown != expected:
        raise StaleEdit("The drafts changed since this list was shown. Check them again.")
    adding = sum(d.amount_awarded_pence for d in ready)
    total = budget(round_).confirmed_pence + adding
    over = adding > 0 and total > round_.budget_pence
    if over and not over_budget_ok:
        raise DecisionError(
            OVER_BUDGET_DRAFTS.format(
                total=format_pence(total),
                budget=format_pence(round_.budget_pence),
            ),
            field="over_budget_ok",
        )
    for d in ready:
        d.status = "confirmed"
        d.version += 1
        record(
            actor=actor,
            action="decision.confirmed",
            object_type="application",
            object_id=d.application_id,
            round_id=round_.id,
            after={**_snapshot(d), **({"over_budget_acknowledged": True} if over else {})},
        )
    return len(ready)


def save_note(
    *,
    round_: FundingRound,
    application: Application,
    body: str,
    actor: User,
    expected_version: int,
) -> MeetingNote:
    """Keep the meeting's note on an application; a stale form is refused, never overwritten."""
    lock_round(round_)
    if not stages.decisions_open(round_):
        raise DecisionsLocked("Notes are written at the Panel meeting stage.")
    note = db.session.execute(
        db.select(MeetingNote).where(MeetingNote.application_id == application.id)
    ).scalar_one_or_none()
    if expected_version != (note.version if note is not None else 0):
        raise StaleEdit("Someone else changed this note since you opened it.")
    before = {"body": note.body} if note else None
    if note is None:
        note = MeetingNote(
            round_id=round_.id, application_id=application.id, updated_by_id=actor.id, body=""
        )
        db.session.add(note)
    else:
        note.version += 1
    note.body = body.strip()
    note.updated_by_id = actor.id
    note.updated_at = utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="meeting.note_saved",
        object_type="application",
        object_id=application.id,
        round_id=round_.id,
        before=before,
        after={"body": note.body},
    )
    return note


@stage_check(Stage.DECIDED)
def _every_application_decided(round_: FundingRound) -> str | None:
    eligible = count_eligible(round_.id)
    confirmed = db.session.execute(
        db.select(db.func.count())
        .select_from(Decision)
        .join(Application, Decision.application_id == Application.id)
        .where(Decision.status == "confirmed", eligible_in_round(round_.id))
    ).scalar_one()
    waiting = eligible - confirmed
    if waiting:
        plural = "application needs" if waiting == 1 else "applications need"
        return f"{waiting} {plural} a confirmed decision."
    return None


@stage_check(Stage.DECIDED)
def _within_budget(round_: FundingRound) -> str | None:
    b = budget(round_)
    if b.over:
        return "The awards are over the budget. Change some decisions first."
    return None


@step_back_check(Stage.PANEL)
def _no_decision_recorded(round_: FundingRound) -> str | None:
    recorded = db.session.execute(
        db.select(db.func.count())
        .select_from(Decision)
        .join(Application, Decision.application_id == Application.id)
        .where(Application.round_id == round_.id)
    ).scalar_one()
    if recorded:
        noun = "decision has" if recorded == 1 else "decisions have"
        return (
            f"{recorded} {noun} been recorded, so scoring cannot open again: the decisions "
            "were made on these scores."
        )
    return None
