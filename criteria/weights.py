"""Weights from the members' shares: mean shares rounded by largest remainder, and their spread.

Each member shares 100 points among the shortlisted scored criteria. The proposed weight of a
criterion is the mean of the members' shares, rounded to whole points with the largest-remainder
(Hamilton) method so that the proposed weights add up to exactly 100.

`weight_problems` is the one check of a set of weights (a member's shares, or the weights staff
adopt): every caller asks it, and shows each fault by the field it names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from criteria.errors import ScoringError

TOTAL = 100


def _exact(value: Fraction | Decimal | int) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Fraction | Decimal | int):
        raise ScoringError(f"A share must be a number, not {value!r}.")
    if isinstance(value, Decimal) and not value.is_finite():
        raise ScoringError(f"A share must be a finite number, not {value!r}.")
    return Fraction(value)


def largest_remainder(
    values: Sequence[Fraction | Decimal | int], total: int = TOTAL
) -> tuple[int, ...]:
    """Round values to whole numbers adding up to `total`: floor each, then give the points left
    over one each to the largest remainders; equal remainders go to the earlier value (criterion
    order)."""
    exact = [_exact(v) for v in values]
    if not exact:
        raise ScoringError("There are no values to round.")
    if any(v < 0 for v in exact):
        raise ScoringError("Values to round cannot be negative.")
    floors = [v.numerator // v.denominator for v in exact]
    left = total - sum(floors)
    if left < 0 or left > len(exact):
        raise ScoringError(f"The values add up to {float(sum(exact)):g}, not about {total}.")
    # Largest remainder first; on equal remainders the earlier criterion wins (stable sort).
    order = sorted(range(len(exact)), key=lambda i: -(exact[i] - floors[i]))
    for i in order[:left]:
        floors[i] += 1
    return tuple(floors)


@dataclass(frozen=True, slots=True)
class WeightProblem:
    """One thing wrong with a set of weights: `index` is the weight at fault, None the whole set."""

    index: int | None
    message: str


def weight_problems(
    weights: Sequence[int],
    labels: Sequence[str],
    *,
    together: str = "The weights",
    total: int = TOTAL,
) -> list[WeightProblem]:
    """Each fault of a set of weights: each whole, 0 to `total`; not all 0; adding up to `total`."""
    if len(labels) != len(weights):
        raise ScoringError("Every weight needs a label to name it in a message.")
    problems: list[WeightProblem] = []
    all_whole = True
    for index, (weight, label) in enumerate(zip(weights, labels, strict=True)):
        if isinstance(weight, bool) or not isinstance(weight, int):
            problems.append(WeightProblem(index, f"{label} must be a whole number"))
            all_whole = False
        elif weight < 0:
            problems.append(WeightProblem(index, f"{label} cannot be negative"))
        elif weight > total:
            problems.append(WeightProblem(index, f"{label} cannot be more than {total}"))
    if not weights:
        problems.append(WeightProblem(None, "Choose at least one scored criterion"))
    elif all_whole:  # The set is judged as a whole once every weight is a whole number.
        if all(weight == 0 for weight in weights):
            problems.append(WeightProblem(None, f"{together} cannot all be 0"))
        elif sum(weights) != total:
            message = f"{together} add up to {sum(weights)}. They must add up to {total}"
            problems.append(WeightProblem(None, message))
    return problems


def check_shares(shares: Sequence[int], total: int = TOTAL) -> None:
    """Refuse one member's shares if `weight_problems` finds any fault; the message names each."""
    labels = [f"Share {n}" for n in range(1, len(shares) + 1)]
    problems = weight_problems(shares, labels, together="The shares", total=total)
    if problems:
        raise ScoringError(" ".join(f"{p.message}." for p in problems))


def mean_shares(members: Sequence[Sequence[int]]) -> tuple[Fraction, ...]:
    """The exact mean share of each criterion over the members; every member shares all of them."""
    if not members:
        raise ScoringError("No member has shared their weights yet.")
    width = len(members[0])
    for shares in members:
        if len(shares) != width:
            raise ScoringError("Every member must give a share to each criterion.")
        check_shares(shares)
    return tuple(Fraction(sum(m[i] for m in members), len(members)) for i in range(width))


def proposed_weights(members: Sequence[Sequence[int]]) -> tuple[int, ...]:
    """The mean of the members' shares per criterion, rounded by largest remainder to add to 100
    (equal remainders go to the earlier criterion)."""
    return largest_remainder(mean_shares(members))


@dataclass(frozen=True, slots=True)
class Spread:
    """How the members' shares for one criterion spread: count, lowest, median, highest, mean."""

    members: int
    lowest: int
    median: Fraction
    highest: int
    mean: Fraction


def spread(shares: Sequence[int]) -> Spread:
    """Lowest, median (the mean of the middle two for an even count), highest and mean share."""
    if not shares:
        raise ScoringError("There are no shares to describe.")
    ordered = sorted(shares)
    n = len(ordered)
    middle = n // 2
    median = (
        Fraction(ordered[middle]) if n % 2 else Fraction(ordered[middle - 1] + ordered[middle], 2)
    )
    return Spread(
        members=n,
        lowest=ordered[0],
        median=median,
        highest=ordered[-1],
        mean=Fraction(sum(ordered), n),
    )


def points(value: Fraction) -> str:
    """A share for people to read: whole numbers as is, others to at most 2 decimal places."""
    if value.denominator == 1:
        return str(value.numerator)
    return f"{float(value):.2f}".rstrip("0").rstrip(".")
