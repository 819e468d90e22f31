"""What is left to decide: the budget against awards, the decisions so far, and what a
suggestion may still allocate. The other meeting modules (decisions, lottery) build on this one.
"""

import dataclasses
from dataclasses import dataclass

import criteria
from panel.extensions import db
from panel.models import Decision, FundingRound
from panel.results import stages
from panel.results.services import RoundResults


class DecisionError(ValueError):
    """A refusal with a message fit to show to staff, next to the form field it is about."""

    def __init__(self, message: str, *, field: str = "outcome") -> None:
        super().__init__(message)
        self.field = field


class DecisionsLocked(DecisionError):
    pass


class StaleEdit(DecisionError):
    """Someone else saved this since the form was loaded."""


@dataclass(frozen=True)
class Budget:
    budget_pence: int
    confirmed_pence: int
    draft_pence: int

    @property
    def awarded_pence(self) -> int:
        return self.confirmed_pence + self.draft_pence

    @property
    def remaining_pence(self) -> int:
        return self.budget_pence - self.awarded_pence

    @property
    def over(self) -> bool:
        return self.awarded_pence > self.budget_pence

    @property
    def percent(self) -> int:
        if self.budget_pence == 0:
            return 100 if self.awarded_pence else 0
        return round(100 * self.awarded_pence / self.budget_pence)


def check_editable(round_: FundingRound) -> None:
    """DecisionsLocked unless the round is at the Panel meeting stage (a decided one is locked)."""
    if stages.decided(round_):
        raise DecisionsLocked("This round is decided: its decisions are locked.")
    if not stages.decisions_open(round_):
        raise DecisionsLocked("Decisions are made at the Panel meeting stage.")


def decisions_by_application(round_id: int) -> dict[int, Decision]:
    """Every decision of the round, keyed by application id."""
    return {
        d.application_id: d
        for d in db.session.execute(
            db.select(Decision).where(Decision.round_id == round_id)
        ).scalars()
    }


def budget(round_: FundingRound) -> Budget:
    """Awarded so far (confirmed and draft) against the round's budget."""
    rows = db.session.execute(
        db.select(Decision.status, db.func.coalesce(db.func.sum(Decision.amount_awarded_pence), 0))
        .where(Decision.round_id == round_.id)
        .group_by(Decision.status)
    ).all()
    totals = {status: int(total) for status, total in rows}
    return Budget(
        budget_pence=round_.budget_pence,
        confirmed_pence=totals.get("confirmed", 0),
        draft_pence=totals.get("draft", 0),
    )


@dataclass(frozen=True)
class OpenAllocation:
    """What a suggestion may still allocate: the applications without a confirmed decision
    (ranked as in the results) and what confirmed awards leave of the budget."""

    result: criteria.RoundResult
    left_pence: int
    settled: frozenset[str]  # references with a confirmed decision: they take no part


def open_allocation(results: RoundResults) -> OpenAllocation:
    """The round's results without the applications already decided (confirmed), and the
    budget that confirmed awards leave: a suggestion never spends or changes what is settled."""
    round_ = results.round
    existing = decisions_by_application(round_.id)
    settled = frozenset(
        app.reference
        for app in results.applications.values()
        if (decided := existing.get(app.id)) is not None and decided.status == "confirmed"
    )
    open_ = dataclasses.replace(
        results.result,
        applications=tuple(r for r in results.result.applications if r.reference not in settled),
    )
    return OpenAllocation(
        open_, max(0, round_.budget_pence - budget(round_).confirmed_pence), settled
    )
