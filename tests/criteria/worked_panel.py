"""The worked panel of docs/scoring-method.md, built as real reviews on a 0-5 scale."""

from __future__ import annotations

from dataclasses import dataclass

from criteria import Application, Criterion, Recusal, Review, Scale, analyse_round
from criteria.model import DEFAULT_SETTINGS, RoundResult, Settings

# Sheet scores from docs/scoring-method.md; None marks a recusal.
WORKED_PANEL: dict[str, tuple[float | None, ...]] = {
    "A": (4.0, 3.5, 4.5, None, 4.0),
    "B": (3.0, 3.5, 2.5, 2.0, 3.0),
    "C": (4.5, 4.0, None, 3.5, 1.0),
    "D": (2.0, 1.5, 2.5, 1.0, 3.5),
    "E": (3.5, 3.0, 4.0, 2.5, 3.5),
    "F": (5.0, None, 4.5, 4.0, 4.5),
}
PANELLISTS = ("P1", "P2", "P3", "P4", "P5")
REQUESTED_POUNDS = {"A": 4000, "B": 1500, "C": 3500, "D": 2000, "E": 2500, "F": 5000}


def halves(sheet: float) -> dict[str, int]:
    """Two equally weighted whole-number scores whose mean is the given sheet score."""
    low = int(sheet)
    return {"first": low, "second": low if sheet == low else low + 1}


@dataclass(frozen=True)
class Panel:
    """Everything analyse_round needs for one round."""

    scale: Scale
    criteria: list[Criterion]
    applications: list[Application]
    reviews: list[Review]
    recusals: list[Recusal]


def build_panel(table: dict[str, tuple[float | None, ...]] = WORKED_PANEL) -> Panel:
    """The table as two-criterion reviews and recusals, amounts in pence."""
    reviews = []
    recusals = []
    for reference, row in table.items():
        for panellist, sheet in zip(PANELLISTS, row, strict=False):
            if sheet is None:
                recusals.append(Recusal(application=reference, panellist=panellist))
            else:
                reviews.append(Review(reference, panellist, halves(sheet)))
    return Panel(
        scale=Scale(0, 5),
        criteria=[Criterion("first", "First half"), Criterion("second", "Second half")],
        applications=[Application(ref, REQUESTED_POUNDS.get(ref, 1000) * 100) for ref in table],
        reviews=reviews,
        recusals=recusals,
    )


def analyse(panel: Panel, settings: Settings = DEFAULT_SETTINGS) -> RoundResult:
    """analyse_round over the whole panel."""
    return analyse_round(
        scale=panel.scale,
        criteria=panel.criteria,
        applications=panel.applications,
        reviews=panel.reviews,
        recusals=panel.recusals,
        settings=settings,
    )
