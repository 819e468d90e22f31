"""A suggested allocation: walk down the ranking, funding what fits in the budget."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from criteria.aggregate import TOLERANCE
from criteria.errors import ScoringError
from criteria.model import (
    POLICIES,
    Allocation,
    AllocationLine,
    ApplicationResult,
    Policy,
    RoundResult,
    Status,
)
from criteria.sheet import percent


def pounds(pence: int) -> str:
    """Whole pence written as pounds for people, e.g. 150000 -> '£1,500.00'."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def _walk_order(result: RoundResult, order: Sequence[str] | None) -> tuple[ApplicationResult, ...]:
    by_reference = {app.reference: app for app in result.applications}
    if order is None:
        return tuple(
            sorted(
                result.applications,
                key=lambda a: (a.rank is None, a.rank if a.rank is not None else 0, a.reference),
            )
        )
    if len(set(order)) != len(order):
        raise ScoringError("The allocation order lists an application more than once.")
    unknown = [ref for ref in order if ref not in by_reference]
    if unknown:
        raise ScoringError(
            f"The allocation order names application '{unknown[0]}', not in this round."
        )
    missing = sorted(set(by_reference) - set(order))
    if missing:
        raise ScoringError(f"The allocation order leaves out application '{missing[0]}'.")
    return tuple(by_reference[ref] for ref in order)


def _not_taking_part(app: ApplicationResult, result: RoundResult) -> str | None:
    if not app.eligible:
        return "not eligible"
    if not app.meets_quorum or app.figure is None:
        return "not enough scores"
    minimum = Fraction(result.settings.min_percent)
    if minimum > 0 and percent(app.figure, result.scale) < minimum - Fraction(TOLERANCE):
        return "below minimum score"
    return None


def allocate(
    result: RoundResult,
    *,
    budget: int,
    policy: Policy | None = None,
    order: Sequence[str] | None = None,
) -> Allocation:
    """Walk by rank then reference (or `order`), funding what fits; skip passes over, stop ends."""
    if type(budget) is not int or budget < 0:
        raise ScoringError(
            f"The budget must be a whole number of pence, 0 or more, not {budget!r}."
        )
    chosen = result.settings.policy if policy is None else policy
    if chosen not in POLICIES:
        raise ScoringError(f"The allocation policy is {chosen!r}; it must be 'skip' or 'stop'.")
    lines: list[AllocationLine] = []
    total = 0
    stopped = False
    for app in _walk_order(result, order):
        reason = _not_taking_part(app, result)
        status: Status
        awarded = 0
        if reason is not None:
            status = "not taking part"
        elif stopped:
            status, reason = "not reached", "the walk stopped at an application that did not fit"
        elif total + app.amount_requested <= budget:
            status, awarded = "funded", app.amount_requested
            total += awarded
        else:
            status = "did not fit"
            reason = f"asks for {pounds(app.amount_requested)} with {pounds(budget - total)} left"
            stopped = chosen == "stop"
        lines.append(
            AllocationLine(
                reference=app.reference,
                rank=app.rank,
                amount_requested=app.amount_requested,
                status=status,
                reason=reason,
                awarded=awarded,
                running_total=total,
                remaining=budget - total,
            )
        )
    return Allocation(
        budget=budget, policy=chosen, lines=tuple(lines), total=total, remaining=budget - total
    )
