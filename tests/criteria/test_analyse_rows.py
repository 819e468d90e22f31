"""analyse_rows: the same analysis from rows of scores in criterion order (the app's fast path)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import pytest

from criteria import Criterion, RoundResult, ScoringError, Settings, analyse_rows
from tests.criteria.worked_panel import Panel, analyse

Rows = list[tuple[str, str, Sequence[int | None]]]


def rows_of(panel: Panel) -> Rows:
    keys = [c.key for c in panel.criteria if c.kind == "scored"]
    return [(r.application, r.panellist, tuple(r.scores[k] for k in keys)) for r in panel.reviews]


def by_rows(panel: Panel, settings: Settings, rows: Rows) -> RoundResult:
    return analyse_rows(
        scale=panel.scale,
        criteria=panel.criteria,
        applications=panel.applications,
        rows=rows,
        recusals=panel.recusals,
        settings=settings,
    )


@pytest.mark.parametrize("rank_by", ["mean", "median", "calibrated"])
def test_rows_give_exactly_the_result_of_reviews(panel: Panel, rank_by: str) -> None:
    settings = Settings(rank_by=rank_by, calibrate=True, min_percent=Decimal(40))
    assert by_rows(panel, settings, rows_of(panel)) == analyse(panel, settings)


def test_rows_follow_the_order_of_the_scored_criteria(panel: Panel) -> None:
    weighted = [Criterion("first", "First", weight=3), Criterion("second", "Second", weight=1)]
    panel = Panel(panel.scale, weighted, panel.applications, panel.reviews, panel.recusals)
    rows = [("A", "P9", (5, 1))] + rows_of(panel)
    result = by_rows(panel, Settings(), rows).result_for("A")
    assert 4.0 in result.sheet_scores  # (3*5 + 1*1) / 4, not (3*1 + 1*5) / 4 = 2.0
    assert 2.0 not in result.sheet_scores


def test_a_missing_score_in_a_row_names_the_criterion(panel: Panel) -> None:
    rows = rows_of(panel)
    rows[0] = (rows[0][0], rows[0][1], (rows[0][2][0], None))
    with pytest.raises(
        ScoringError,
        match=f"The score None for criterion 'second' by panellist '{rows[0][1]}' "
        f"on application '{rows[0][0]}' is not a whole number",
    ):
        by_rows(panel, Settings(), rows)


def test_a_row_of_the_wrong_length_is_refused(panel: Panel) -> None:
    rows = rows_of(panel)
    rows[0] = (rows[0][0], rows[0][1], (4,))
    with pytest.raises(ScoringError, match="has 1 scores; the round has 2 scored criteria"):
        by_rows(panel, Settings(), rows)


def test_rows_of_bytes_give_the_same_result_as_tuples(panel: Panel) -> None:
    compact = [(a, p, bytes(v)) for a, p, v in rows_of(panel)]
    settings = Settings(calibrate=True)
    assert by_rows(panel, settings, compact) == by_rows(panel, settings, rows_of(panel))


def test_a_byte_off_the_scale_is_refused_like_any_score(panel: Panel) -> None:
    compact: Rows = [(a, p, bytes(v)) for a, p, v in rows_of(panel)]
    application, panellist, _ = compact[3]
    compact[3] = (application, panellist, bytes([2, 255]))
    with pytest.raises(
        ScoringError,
        match=f"The score 255 for criterion 'second' by panellist '{panellist}' "
        f"on application '{application}' is off the scale 0 to 5",
    ):
        by_rows(panel, Settings(), compact)
