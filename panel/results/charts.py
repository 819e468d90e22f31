"""Server-drawn charts (no JavaScript): positions computed here, drawn by the templates.

Charts use the page's width and never scale their text: an SVG drawn with a viewBox shrinks
its words with the screen (12 px labels became 5 px on a phone), so positions here are
percentages of the width the page gives the chart, and every word is HTML or unscaled SVG
text at 12 CSS px or more (tests/browser measure it at 320 px).
"""

from dataclasses import dataclass

LEFT, RIGHT = 4.0, 96.0  # the scale runs across this share of the width, in percent


def _place(value: float, low: int, high: int) -> float:
    """Where a value sits across the chart, in percent of its width."""
    return round(LEFT + (RIGHT - LEFT) * (value - low) / (high - low), 2)


@dataclass(frozen=True)
class Dot:
    x: float  # percent of the width
    y: int  # px from the top
    value: float


@dataclass(frozen=True)
class DotPlot:
    height: int
    axis_y: int
    ticks: list[tuple[float, int]]
    dots: list[Dot]
    mean_x: float | None


def dot_plot(scores: tuple[float, ...], *, low: int, high: int, mean: float | None) -> DotPlot:
    """Place each sheet score on the scale; scores closer than a twentieth of the scale stack
    upwards, so on a phone no dot hides another."""
    near = (high - low) / 20
    levels: list[list[float]] = []  # the values already placed on each level
    placed: list[tuple[float, int]] = []
    for value in sorted(scores):
        level = next(
            (i for i, row in enumerate(levels) if all(abs(value - v) >= near for v in row)),
            len(levels),
        )
        if level == len(levels):
            levels.append([])
        levels[level].append(value)
        placed.append((value, level))
    axis_y = 22 + 14 * max(1, len(levels))
    dots = [
        Dot(x=_place(value, low, high), y=axis_y - 10 - 14 * level, value=value)
        for value, level in placed
    ]
    ticks = [(_place(level, low, high), level) for level in range(low, high + 1)]
    return DotPlot(
        height=axis_y + 26,
        axis_y=axis_y,
        ticks=ticks,
        dots=dots,
        mean_x=_place(mean, low, high) if mean is not None else None,
    )


@dataclass(frozen=True)
class Bar:
    reference: str
    label: str  # the project's name; the reference is the secondary label
    value: float | None
    percent: float  # the bar's length, in percent of the width
    funded: bool
    line_after: bool  # the funding line falls under this bar


@dataclass(frozen=True)
class Distribution:
    bars: list[Bar]
    ticks: list[tuple[float, int]]


def distribution(
    rows: list[tuple[str, str, float | None]],
    *,
    low: int,
    high: int,
    funded: set[str],
) -> Distribution:
    """One bar per application in rank order, with a line under the last one that is funded."""
    last = max((i for i, (ref, _, _) in enumerate(rows) if ref in funded), default=None)
    bars = [
        Bar(
            reference=reference,
            label=label,
            value=value,
            percent=0.0 if value is None else round(100 * (value - low) / (high - low), 2),
            funded=reference in funded,
            line_after=i == last,
        )
        for i, (reference, label, value) in enumerate(rows)
    ]
    ticks = [
        (round(100 * (level - low) / (high - low), 2), level) for level in range(low, high + 1)
    ]
    return Distribution(bars, ticks)
