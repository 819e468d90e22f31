"""Section 3 and 5: one application across the panel, quorum, and disagreement flags."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from criteria import (
    Scale,
    Settings,
    aggregate,
    flag_disagreement,
    moderation_agenda,
)
from tests.criteria.worked_panel import WORKED_PANEL, Panel, analyse, build_panel

VECTOR_2 = {
    # app: (n, mean, median, SD, range)
    "A": (4, 4.0, 4.0, 0.4082, 1.0),
    "B": (5, 2.8, 3.0, 0.5701, 1.5),
    "C": (4, 3.25, 3.75, 1.5546, 3.5),
    "D": (5, 2.1, 2.0, 0.9618, 2.5),
    "E": (5, 3.3, 3.5, 0.5701, 1.5),
    "F": (4, 4.5, 4.5, 0.4082, 1.0),
}


def scores_of(reference: str) -> list[float]:
    """The worked panel's sheet scores for one application, recusals left out."""
    return [s for s in WORKED_PANEL[reference] if s is not None]


@pytest.mark.parametrize("reference", sorted(VECTOR_2))
def test_vector_2_aggregate_gives_n_mean_median_sd_and_range(reference: str) -> None:
    n, mean, median, sd, spread = VECTOR_2[reference]
    summary = aggregate(scores_of(reference))
    assert summary.n == n
    assert summary.mean == pytest.approx(mean, abs=5e-5)
    assert summary.median == pytest.approx(median, abs=5e-5)
    assert summary.sd == pytest.approx(sd, abs=5e-5)
    assert summary.range == pytest.approx(spread, abs=5e-5)


def test_vector_2_analyse_round_reproduces_the_table(panel: Panel) -> None:
    result = analyse(panel)
    table = {
        app.reference: (app.n, app.mean, app.median, round(app.sd or 0, 4), app.range)
        for app in result.applications
    }
    assert table == {
        ref: (n, pytest.approx(mean), pytest.approx(median), sd, pytest.approx(spread))
        for ref, (n, mean, median, sd, spread) in VECTOR_2.items()
    }


def test_standard_error_is_sd_over_root_n() -> None:
    summary = aggregate(scores_of("C"))
    assert summary.se == pytest.approx(1.5546 / 2, abs=5e-5)
    assert (summary.minimum, summary.maximum) == (1.0, 4.5)


def test_one_score_has_a_mean_but_no_sd_or_se() -> None:
    summary = aggregate([3.5])
    assert (summary.n, summary.mean, summary.median, summary.range) == (1, 3.5, 3.5, 0.0)
    assert summary.sd is None
    assert summary.se is None


def test_no_scores_give_no_figures_rather_than_zeros() -> None:
    summary = aggregate([])
    assert summary.n == 0
    assert summary.mean is None
    assert summary.median is None
    assert summary.range is None


def test_percent_is_reported_of_the_mean(panel: Panel) -> None:
    result = analyse(panel)
    assert result.result_for("C").percent == pytest.approx(65.0)
    assert result.result_for("C").recusals == 1


def test_per_criterion_means_are_reported_beside_the_sheet_score_mean(panel: Panel) -> None:
    result = analyse(panel)
    # A: 4.0, 3.5, 4.5, 4.0 split as (4,4), (3,4), (4,5), (4,4).
    assert result.result_for("A").criterion_means == {"first": 3.75, "second": 4.25}


def test_an_application_below_quorum_is_shown_but_marked_not_meeting_it(panel: Panel) -> None:
    result = analyse(panel, Settings(quorum=5))
    meets = {app.reference: app.meets_quorum for app in result.applications}
    assert meets == {"A": False, "B": True, "C": False, "D": True, "E": True, "F": False}


def test_an_application_with_no_reviews_has_no_figures_and_no_rank() -> None:
    panel = build_panel({**WORKED_PANEL, "G": (None, None, None, None, None)})
    result = analyse(panel)
    last = result.applications[-1]
    assert last.reference == "G"
    assert (last.n, last.mean, last.rank, last.meets_quorum) == (0, None, None, False)
    assert last.criterion_means == {"first": None, "second": None}
    assert last.recusals == 5


def test_vector_4_flags_c_and_d_and_no_others(panel: Panel) -> None:
    result = analyse(panel)
    assert {app.reference for app in result.applications if app.flagged} == {"C", "D"}
    assert len(result.result_for("C").flag_reasons) == 2
    assert result.result_for("D").flag_reasons == (
        "scores far apart: range 2.5 is at least 2 (40% of the scale)",
    )


def test_a_range_exactly_on_the_threshold_flags() -> None:
    reasons = flag_disagreement(aggregate([2.0, 3.0, 4.0]), scale=Scale(0, 5))
    assert reasons == (
        "scores spread widely: SD 1.00 is at least 1 (20% of the scale)",
        "scores far apart: range 2 is at least 2 (40% of the scale)",
    )


def test_a_range_just_under_the_threshold_does_not_flag() -> None:
    assert flag_disagreement(aggregate([2.0, 2.5, 3.9]), scale=Scale(0, 5)) == ()


def test_a_range_of_exactly_two_from_fractional_sheet_scores_flags() -> None:
    # 0.1 + 2.0 is not exactly 2.1 in binary floating point.
    summary = aggregate([0.1, 2.1])
    assert flag_disagreement(summary, scale=Scale(0, 5), sd_fraction=1)[0].startswith(
        "scores far apart"
    )


def test_thresholds_are_fractions_of_the_scales_span() -> None:
    summary = aggregate([3.0, 5.0])  # range 2 on a 1-10 scale (span 9) is under 40%
    assert flag_disagreement(summary, scale=Scale(1, 10)) == ()
    assert flag_disagreement(
        summary, scale=Scale(1, 10), sd_fraction=Fraction(1, 9), range_fraction=Decimal("0.2")
    ) == (
        "scores spread widely: SD 1.41 is at least 1 (11.1111% of the scale)",
        "scores far apart: range 2 is at least 1.8 (20% of the scale)",
    )


def test_one_score_is_never_flagged() -> None:
    assert flag_disagreement(aggregate([0.0]), scale=Scale(0, 5)) == ()


def test_the_moderation_agenda_lists_flagged_applications_largest_sd_first(
    panel: Panel,
) -> None:
    result = analyse(panel)
    assert [app.reference for app in moderation_agenda(result)] == ["C", "D"]
