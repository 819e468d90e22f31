"""How much the panel agrees: Krippendorff's alpha, interval metric, in linear time."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from math import fsum

from criteria.aggregate import moments
from criteria.model import Agreement

BROADLY_AGREES = 0.667
MIXED = 0.4
NOT_ENOUGH = "not enough scores to measure agreement"


def agreement_reading(alpha: float | None) -> str:
    """Plain words: 'the panel broadly agrees' at alpha >= 0.667, 'mixed agreement' from 0.4."""
    if alpha is None:
        return NOT_ENOUGH
    if alpha >= BROADLY_AGREES:
        return "the panel broadly agrees"
    if alpha >= MIXED:
        return "mixed agreement"
    return "little agreement"


def alpha_from_moments(units: Iterable[tuple[int, float, float]]) -> Agreement:
    """Alpha from per-unit (count, sum, squared deviations); units with fewer than 2 are dropped."""
    pairable = [unit for unit in units if unit[0] >= 2]
    n = sum(unit[0] for unit in pairable)
    if len(pairable) < 2:
        return Agreement(alpha=None, observed=None, expected=None, pairable=n, reading=NOT_ENOUGH)
    # Within a unit the ordered pairs' squared differences sum to 2*m*SS; Krippendorff weights
    # them by 1/(m-1). Over all pairable values they sum to 2*n*SS_total, and SS_total splits
    # into within-unit and between-unit parts, so nothing here visits pairs.
    observed = fsum([2 * m * ss / (m - 1) for m, _total, ss in pairable]) / n
    grand = fsum([total for _m, total, _ss in pairable]) / n
    within = fsum([ss for _m, _total, ss in pairable])
    between = fsum([m * (total / m - grand) ** 2 for m, total, _ss in pairable])
    expected = 2 * (within + between) / (n - 1)
    if expected <= 0:
        return Agreement(
            alpha=None, observed=observed, expected=expected, pairable=n, reading=NOT_ENOUGH
        )
    alpha = 1 - observed / expected
    return Agreement(
        alpha=alpha,
        observed=observed,
        expected=expected,
        pairable=n,
        reading=agreement_reading(alpha),
    )


def krippendorff_alpha(units: Iterable[Sequence[float]]) -> Agreement:
    """Interval alpha = 1 - D_o/D_e over units with >= 2 values; None if undefined."""
    return alpha_from_moments(moments(values) for values in units)


def alpha_from_integer_sums(units: Iterable[tuple[int, int, int]]) -> Agreement:
    """Alpha from per-unit (count, sum, sum of squares) of whole-number scores, exactly per unit."""
    return alpha_from_moments(
        (m, float(total), (m * squares - total * total) / m) for m, total, squares in units
    )
