"""Server-drawn charts (SVG, no JavaScript): positions computed here, drawn by the templates."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    value: float


@dataclass(frozen=True)
class DotPlot:
    width: int
    height: int
    left: int
    right: int
    ticks: list[tuple[float, int]]
    dots: list[Dot]
    mean_x: float | None


def dot_plot(
    scores: tuple[float, ...], *, low: int, high: int, mean: float | None, width: int = 240
) -> DotPlot:
    """Place each sheet score on the scale; equal scores stack upwards so none hides another."""
    left, right, base = 12, width - 12, 30
    span = high - low

    def x(value: float) -> float:
        return round(left + (right - left) * (value - low) / span, 1)

    seen: dict[float, int] = {}
    dots = []
    for value in sorted(scores):
        stack = seen.get(value, 0)
        seen[value] = stack + 1
        dots.append(Dot(x=x(value), y=base - 8 - 9 * stack, value=value))
    height = max(44, base + 14 + 9 * max(0, max(seen.values(), default=1) - 3))
    ticks = [(x(level), level) for level in range(low, high + 1)]
    return DotPlot(
        width=width,
        height=height,
        left=left,
        right=right,
        ticks=ticks,
        dots=dots,
        mean_x=x(mean) if mean is not None else None,
    )


@dataclass(frozen=True)
class Bar:
    reference: str
    label: str
    value: float | None
    y: int
    length: float
    funded: bool


@dataclass(frozen=True)
class Distribution:
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    line_y: int | None
    ticks: list[tuple[float, int]]


def distribution(
    rows: list[tuple[str, str, float | None]],
    *,
    low: int,
    high: int,
    funded: set[str],
    width: int = 640,
) -> Distribution:
    """One bar per application in rank order, with a line under the last one that is funded."""
    label_width, row_height = 110, 22
    plot = width - label_width - 16
    bars, line_y = [], None
    for i, (reference, label, value) in enumerate(rows):
        y = 8 + i * row_height
        length = 0.0 if value is None else round(plot * (value - low) / (high - low), 1)
        bars.append(Bar(reference, label, value, y, length, reference in funded))
        if reference in funded:
            line_y = y + row_height - 2
    ticks = [
        (round(label_width + plot * (level - low) / (high - low), 1), level)
        for level in range(low, high + 1)
    ]
    height = 8 + len(rows) * row_height + 24
    return Distribution(width, height, label_width, bars, line_y, ticks)
