"""One application across the panel: summary figures and disagreement flags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from math import fsum, sqrt

from criteria.model import Fractional, Scale, Summary

# Sheet scores are floats, so a spread that is exactly on a threshold (a range of 2.0 on a 0-5
# scale) may come out a hair below it; this tolerance makes such a boundary case flag.
TOLERANCE = 1e-9


def moments(values: Sequence[float]) -> tuple[int, float, float]:
    """Count, exactly rounded sum and sum of squared deviations from the mean (order-free)."""
    n = len(values)
    if n == 0:
        return 0, 0.0, 0.0
    total = fsum(values)
    if min(values) == max(values):
        # Equal scores have no spread; total / n can miss their value by a rounding step,
        # which would make a tiny false SD (and, in calibration, z-scores from nothing).
        return n, total, 0.0
    mean = total / n
    return n, total, fsum([(x - mean) * (x - mean) for x in values])


EMPTY = Summary(
    n=0, mean=None, median=None, sd=None, range=None, minimum=None, maximum=None, se=None
)


def aggregate(sheet_scores: Sequence[float]) -> Summary:
    """Mean, median, range of the sheet scores; SD is sample (ddof=1), SD and SE None if n < 2."""
    return summarise(sheet_scores)[0]


def summarise(
    sheet_scores: Sequence[float],
) -> tuple[Summary, tuple[int, float, float], list[float]]:
    """The Summary, the moments behind it and the scores sorted ascending."""
    n, total, squares = found = moments(sheet_scores)
    if n == 0:
        return EMPTY, found, []
    ordered = sorted(sheet_scores)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    sd = sqrt(squares / (n - 1)) if n > 1 else None
    summary = Summary(
        n=n,
        mean=total / n,
        median=median,
        sd=sd,
        range=ordered[-1] - ordered[0],
        minimum=ordered[0],
        maximum=ordered[-1],
        se=sd / sqrt(n) if sd is not None else None,
    )
    return summary, found, ordered


def _words(value: Fractional) -> str:
    share = Fraction(value) * 100
    return f"{share.numerator}%" if share.denominator == 1 else f"{float(share):g}%"


def flag_disagreement(
    summary: Summary,
    *,
    scale: Scale,
    sd_fraction: Fractional = Decimal("0.2"),
    range_fraction: Fractional = Decimal("0.4"),
) -> tuple[str, ...]:
    """Reasons to discuss: SD >= sd_fraction*span or range >= range_fraction*span (empty: none)."""
    return FlagLimits.of(scale, sd_fraction, range_fraction).reasons(summary)


@dataclass(frozen=True, slots=True)
class FlagLimits:
    """Disagreement thresholds worked out once per round, on the scale's own units."""

    sd_limit: float
    range_limit: float
    sd_words: str
    range_words: str

    @classmethod
    def of(cls, scale: Scale, sd_fraction: Fractional, range_fraction: Fractional) -> FlagLimits:
        """The thresholds for this scale: a fraction of its span."""
        return cls(
            sd_limit=float(Fraction(sd_fraction) * scale.span),
            range_limit=float(Fraction(range_fraction) * scale.span),
            sd_words=_words(sd_fraction),
            range_words=_words(range_fraction),
        )

    def reasons(self, summary: Summary) -> tuple[str, ...]:
        """Plain-words reasons this summary is flagged; empty when it is not."""
        reasons: list[str] = []
        if summary.sd is not None and summary.sd >= self.sd_limit - TOLERANCE:
            reasons.append(
                f"scores spread widely: SD {summary.sd:.2f} is at least {self.sd_limit:g} "
                f"({self.sd_words} of the scale)"
            )
        if summary.range is not None and summary.range >= self.range_limit - TOLERANCE:
            reasons.append(
                f"scores far apart: range {summary.range:g} is at least {self.range_limit:g} "
                f"({self.range_words} of the scale)"
            )
        return tuple(reasons)
