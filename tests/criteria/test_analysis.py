"""analyse_round: validation of a whole round, with errors naming the review at fault."""

from __future__ import annotations

from decimal import Decimal

import pytest

from criteria import (
    Application,
    Criterion,
    Recusal,
    Review,
    Scale,
    ScoringError,
    Settings,
    analyse_round,
)
from tests.criteria.worked_panel import Panel, analyse


def test_a_score_off_the_scale_names_application_panellist_and_criterion(panel: Panel) -> None:
    panel.reviews[0] = Review("A", "P1", {"first": 4, "second": 9})
    with pytest.raises(
        ScoringError,
        match="The score 9 for criterion 'second' by panellist 'P1' on application 'A' "
        "is off the scale 0 to 5",
    ):
        analyse(panel)


def test_a_float_score_is_refused_even_when_it_is_whole(panel: Panel) -> None:
    panel.reviews[0] = Review("A", "P1", {"first": 4.0, "second": 4})  # type: ignore[dict-item]
    with pytest.raises(
        ScoringError,
        match="The score 4.0 for criterion 'first' by panellist 'P1' on application 'A' "
        "is not a whole number",
    ):
        analyse(panel)


def test_a_boolean_score_is_refused(panel: Panel) -> None:
    panel.reviews[0] = Review("A", "P1", {"first": True, "second": 4})
    with pytest.raises(ScoringError, match="The score True .* is not a whole number"):
        analyse(panel)


def test_a_review_missing_a_scored_criterion_is_refused(panel: Panel) -> None:
    panel.reviews[1] = Review("A", "P2", {"first": 3})
    with pytest.raises(
        ScoringError,
        match="The review by panellist 'P2' on application 'A' has no score for criterion 'second'",
    ):
        analyse(panel)


def test_a_review_scoring_an_unknown_criterion_is_refused(panel: Panel) -> None:
    panel.reviews[1] = Review("A", "P2", {"first": 3, "second": 4, "third": 1})
    with pytest.raises(
        ScoringError,
        match="The review by panellist 'P2' on application 'A' scores unknown criterion 'third'",
    ):
        analyse(panel)


def test_a_duplicate_review_is_refused(panel: Panel) -> None:
    panel.reviews.append(Review("B", "P3", {"first": 1, "second": 1}))
    with pytest.raises(
        ScoringError,
        match="Panellist 'P3' has more than one submitted review of application 'B'",
    ):
        analyse(panel)


def test_a_review_for_an_application_not_in_the_round_is_refused(panel: Panel) -> None:
    panel.reviews.append(Review("Z", "P1", {"first": 1, "second": 1}))
    with pytest.raises(
        ScoringError,
        match="The review by panellist 'P1' is for application 'Z', which is not in this round",
    ):
        analyse(panel)


def test_a_review_by_a_recused_panellist_is_refused(panel: Panel) -> None:
    panel.recusals.append(Recusal("B", "P2"))
    with pytest.raises(
        ScoringError,
        match="Panellist 'P2' declared a conflict on application 'B' but also submitted a review",
    ):
        analyse(panel)


def test_a_recusal_on_an_application_not_in_the_round_is_refused(panel: Panel) -> None:
    panel.recusals.append(Recusal("Z", "P2"))
    with pytest.raises(ScoringError, match="application 'Z', which is not in this round"):
        analyse(panel)


def test_an_application_listed_twice_is_refused(panel: Panel) -> None:
    panel.applications.append(Application("A", 1))
    with pytest.raises(ScoringError, match="Application 'A' appears more than once"):
        analyse(panel)


def test_a_negative_or_fractional_amount_is_refused() -> None:
    with pytest.raises(ScoringError, match="whole number of pence"):
        Application("A", -1)
    with pytest.raises(ScoringError, match="whole number of pence"):
        Application("A", 10.5)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"quorum": 0}, "quorum must be a whole number, 1 or more"),
        ({"rank_by": "sum"}, "must be 'mean', 'median' or 'calibrated'"),
        ({"policy": "random"}, "must be 'skip' or 'stop'"),
        ({"sd_flag": -1}, "sd_flag must be 0 or more"),
        ({"range_flag": 0.4}, "range_flag must be a Decimal, Fraction or whole number"),
        ({"min_percent": Decimal(101)}, "min_percent must be between 0 and 100"),
        ({"calibrate": 1}, "calibrate must be True or False"),
    ],
)
def test_settings_are_checked_when_made(settings: dict[str, object], message: str) -> None:
    with pytest.raises(ScoringError, match=message):
        Settings(**settings)  # type: ignore[arg-type]


def test_weighted_criteria_are_applied_in_the_round() -> None:
    result = analyse_round(
        scale=Scale(0, 5),
        criteria=[
            Criterion("benefit", "Community benefit", Decimal("1.5")),
            Criterion("value", "Value for money", Decimal("0.5")),
            Criterion("ok", "Eligible", kind="eligibility"),
        ],
        applications=[Application("A", 100)],
        reviews=[
            Review("A", "P1", {"benefit": 4, "value": 0}),
            Review("A", "P2", {"benefit": 2, "value": 2}),
        ],
    )
    assert result.applications[0].sheet_scores == (2.0, 3.0)
    assert result.applications[0].criterion_means == {"benefit": 3.0, "value": 1.0}


def test_reviews_may_be_any_iterable(panel: Panel) -> None:
    result = analyse_round(
        scale=panel.scale,
        criteria=panel.criteria,
        applications=panel.applications,
        reviews=iter(panel.reviews),
        recusals=iter(panel.recusals),
    )
    assert result == analyse(panel)


def test_result_for_finds_one_application_or_says_it_is_missing(panel: Panel) -> None:
    result = analyse(panel)
    assert result.result_for("B").mean == pytest.approx(2.8)
    with pytest.raises(ScoringError, match="Application 'Z' is not in this round"):
        result.result_for("Z")


def test_the_round_result_keeps_its_scale_and_settings(panel: Panel) -> None:
    settings = Settings(quorum=2)
    result = analyse(panel, settings)
    assert (result.scale, result.settings) == (panel.scale, settings)
