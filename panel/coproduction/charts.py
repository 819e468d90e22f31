"""Where the time went, as a server-drawn bar chart (SVG, no JavaScript): positions computed
here, drawn by templates/coproduction/_time_chart.html, with the same figures in a table."""

from dataclasses import dataclass


def hours(minutes: int) -> str:
    """Minutes as hours for people to read: "12.5 hours", "1 hour", "20 minutes"."""
    if minutes < 60:
        return f"{minutes} {'minute' if minutes == 1 else 'minutes'}"
    value = round(minutes / 60, 1)
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{text} {'hour' if text == '1' else 'hours'}"


@dataclass(frozen=True)
class TimeBar:
    y: int
    length: float
    text: str
    residents: bool  # a residents' bar (else staff)


@dataclass(frozen=True)
class TimeGroup:
    label: str
    label_y: int
    bars: tuple[TimeBar, TimeBar]


@dataclass(frozen=True)
class TimeChart:
    width: int
    height: int
    label_width: int
    groups: list[TimeGroup]
    summary: str


def time_chart(rows: list[tuple[str, int, int]], *, width: int = 640) -> TimeChart:
    """One pair of bars per row (residents' hours, staff hours), on one scale for all rows."""
    label_width, bar, gap = 170, 16, 14
    plot = width - label_width - 150  # room for the longest "Residents 123.4 hours"
    most = max([max(r, s) for _, r, s in rows] + [1])
    groups, y = [], 8
    for label, resident, staff in rows:
        pair = (
            TimeBar(y + 2, round(plot * resident / most, 1), f"Residents {hours(resident)}", True),
            TimeBar(y + 2 + bar + 2, round(plot * staff / most, 1), f"Staff {hours(staff)}", False),
        )
        groups.append(TimeGroup(label, y + bar, pair))
        y += 2 * bar + 4 + gap
    summary = "; ".join(
        f"{label}: residents {hours(resident)}, staff {hours(staff)}"
        for label, resident, staff in rows
    )
    return TimeChart(width, y + 4, label_width, groups, summary)
