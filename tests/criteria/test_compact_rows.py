"""Rows of bytes (a score per byte, as the app reads them) give exactly the result of tuples.

The engine checks such rows for the whole round at once and takes their criterion columns as
slices of one bytes object (issue 20); the figures must not move by a bit.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import pytest

from criteria import (
    Application,
    Criterion,
    Recusal,
    Scale,
    ScoringError,
    Settings,
    analyse_rows,
)

Row = tuple[str, str, Sequence[int]]


def _round(scale: Scale, seed: int) -> tuple[list[Application], list[Row]]:
    rng = random.Random(seed)
    applications = [Application(reference=f"A{i:02}", amount_requested=1000 * i) for i in range(12)]
    rows: list[Row] = []
    for app in applications:
        for panellist in rng.sample(range(9), rng.randint(0, 9)):
            scores = tuple(rng.randint(scale.minimum, scale.maximum) for _ in range(4))
            rows.append((app.reference, f"p{panellist}", scores))
    return applications, rows


CRITERIA = [
    Criterion("a", "A", weight=40),
    Criterion("b", "B", weight=30),
    Criterion("c", "C", weight=20),
    Criterion("d", "D", weight=10),
]


@pytest.mark.parametrize("scale", [Scale(0, 5), Scale(1, 10), Scale(0, 20)])
@pytest.mark.parametrize("rank_by", ["mean", "calibrated"])
def test_bytes_rows_give_exactly_the_result_of_tuples(scale: Scale, rank_by: str) -> None:
    applications, rows = _round(scale, seed=scale.maximum)
    settings = Settings(rank_by=rank_by, calibrate=rank_by == "calibrated", quorum=2)
    recusals = [Recusal(application="A03", panellist="p9")]

    def analysed(as_bytes: bool) -> object:
        return analyse_rows(
            scale=scale,
            criteria=CRITERIA,
            applications=applications,
            rows=[(a, p, bytes(v) if as_bytes else v) for a, p, v in rows],
            recusals=recusals,
            settings=settings,
        )

    assert analysed(as_bytes=True) == analysed(as_bytes=False)


def test_a_bytes_row_off_the_scale_is_named() -> None:
    applications, rows = _round(Scale(0, 5), seed=3)
    reference, panellist, _ = rows[-1]
    rows[-1] = (reference, panellist, (1, 2, 9, 3))
    with pytest.raises(
        ScoringError, match=f"The score 9 for criterion 'c' by panellist '{panellist}'"
    ):
        analyse_rows(
            scale=Scale(0, 5),
            criteria=CRITERIA,
            applications=applications,
            rows=[(a, p, bytes(v)) for a, p, v in rows],
        )
