"""Section 2: the sheet score of one review, and validation of scores, weights and criteria."""

from __future__ import annotations

from decimal import Decimal

import pytest

from criteria import Criterion, Scale, ScoringError, percent, sheet_score

VECTOR_1 = [
    Criterion("benefit", "Community benefit", 3),
    Criterion("value", "Value for money", 2),
    Criterion("local", "Local involvement", 2),
    Criterion("green", "Sustainability", 1),
]
SCORES_1 = {"benefit": 4, "value": 3, "local": 5, "green": 2}


def test_vector_1_sheet_score_is_the_weighted_mean_3_75() -> None:
    assert sheet_score(SCORES_1, VECTOR_1, Scale(0, 5)) == 3.75


def test_vector_1_percent_of_scale_is_75() -> None:
    assert percent(sheet_score(SCORES_1, VECTOR_1, Scale(0, 5)), Scale(0, 5)) == 75.0


def test_percent_is_measured_from_the_scale_minimum() -> None:
    assert percent(4.0, Scale(1, 5)) == 75.0
    assert percent(1.0, Scale(1, 5)) == 0.0


def test_scaling_every_weight_by_the_same_factor_leaves_the_sheet_score_unchanged() -> None:
    scaled = [Criterion(c.key, c.title, c.weight * 7) for c in VECTOR_1]
    assert sheet_score(SCORES_1, scaled, Scale(0, 5)) == 3.75


def test_decimal_weights_give_the_same_score_as_proportional_whole_weights() -> None:
    decimals = [Criterion(c.key, c.title, Decimal(c.weight) / 4) for c in VECTOR_1]
    assert sheet_score(SCORES_1, decimals, Scale(0, 5)) == 3.75


def test_a_scored_criterion_of_weight_zero_must_be_scored_but_does_not_count() -> None:
    criteria = [*VECTOR_1, Criterion("extra", "Extra", 0)]
    assert sheet_score({**SCORES_1, "extra": 0}, criteria, Scale(0, 5)) == 3.75
    with pytest.raises(ScoringError, match="no score for criterion 'extra'"):
        sheet_score(SCORES_1, criteria, Scale(0, 5))


def test_eligibility_criteria_are_left_out_of_the_sheet_score() -> None:
    criteria = [*VECTOR_1, Criterion("ok", "Eligible", kind="eligibility")]
    assert sheet_score(SCORES_1, criteria, Scale(0, 5)) == 3.75


def test_scoring_an_eligibility_criterion_is_refused_in_plain_words() -> None:
    criteria = [*VECTOR_1, Criterion("ok", "Eligible", kind="eligibility")]
    with pytest.raises(ScoringError, match="'ok', an eligibility criterion"):
        sheet_score({**SCORES_1, "ok": 1}, criteria, Scale(0, 5))


def test_a_score_above_the_scale_is_refused_naming_the_criterion() -> None:
    with pytest.raises(
        ScoringError, match="The score 6 for criterion 'value' is off the scale 0 to 5"
    ):
        sheet_score({**SCORES_1, "value": 6}, VECTOR_1, Scale(0, 5))


def test_a_score_below_the_scale_is_refused() -> None:
    with pytest.raises(ScoringError, match="The score 0 for criterion 'green' is off the scale 1"):
        sheet_score({**SCORES_1, "green": 0}, VECTOR_1, Scale(1, 5))


@pytest.mark.parametrize("bad", [3.0, 3.5, True, "3", None], ids=repr)
def test_a_score_that_is_not_a_whole_number_is_refused(bad: object) -> None:
    with pytest.raises(ScoringError, match=r"for criterion 'local' is not a whole number"):
        sheet_score({**SCORES_1, "local": bad}, VECTOR_1, Scale(0, 5))  # type: ignore[dict-item]


def test_a_missing_score_is_refused_rather_than_read_as_zero() -> None:
    scores = {k: v for k, v in SCORES_1.items() if k != "benefit"}
    with pytest.raises(ScoringError, match="The review has no score for criterion 'benefit'"):
        sheet_score(scores, VECTOR_1, Scale(0, 5))


def test_an_unknown_criterion_key_is_refused() -> None:
    with pytest.raises(ScoringError, match="scores unknown criterion 'colour'"):
        sheet_score({**SCORES_1, "colour": 3}, VECTOR_1, Scale(0, 5))


def test_scores_that_are_not_a_mapping_are_refused() -> None:
    with pytest.raises(ScoringError, match="must be a mapping of criterion key to score"):
        sheet_score([4, 3, 5, 2], VECTOR_1, Scale(0, 5))  # type: ignore[arg-type]


def test_a_weight_below_zero_is_refused_naming_the_criterion() -> None:
    with pytest.raises(
        ScoringError, match="Criterion 'benefit' has weight -1; a weight must be 0 or more"
    ):
        Criterion("benefit", "Community benefit", -1)


@pytest.mark.parametrize("bad", [1.5, True, Decimal("NaN"), "2"], ids=repr)
def test_a_weight_that_is_not_an_int_or_a_decimal_is_refused(bad: object) -> None:
    with pytest.raises(ScoringError, match="must be a whole number or a Decimal"):
        Criterion("benefit", "Community benefit", bad)  # type: ignore[arg-type]


def test_all_scored_weights_zero_is_refused() -> None:
    criteria = [Criterion("a", "A", 0), Criterion("b", "B", Decimal("0.0"))]
    with pytest.raises(ScoringError, match="Every scored criterion has weight 0"):
        sheet_score({"a": 1, "b": 2}, criteria, Scale(0, 5))


def test_a_round_with_only_eligibility_criteria_is_refused() -> None:
    with pytest.raises(ScoringError, match="no scored criteria"):
        sheet_score({}, [Criterion("ok", "Eligible", kind="eligibility")], Scale(0, 5))


def test_a_criterion_key_used_twice_is_refused() -> None:
    with pytest.raises(ScoringError, match="Criterion key 'a' is used more than once"):
        sheet_score({"a": 1}, [Criterion("a", "A"), Criterion("a", "Again")], Scale(0, 5))


def test_an_unknown_criterion_kind_is_refused() -> None:
    with pytest.raises(ScoringError, match="it must be 'scored' or 'eligibility'"):
        Criterion("a", "A", kind="bonus")  # type: ignore[arg-type]


def test_a_scale_whose_minimum_is_not_below_its_maximum_is_refused() -> None:
    with pytest.raises(ScoringError, match=r"minimum \(5\) must be below its maximum \(5\)"):
        Scale(5, 5)


def test_a_scale_with_fractional_ends_is_refused() -> None:
    with pytest.raises(ScoringError, match="must be whole numbers"):
        Scale(0, 4.5)  # type: ignore[arg-type]


def test_a_scale_knows_its_span_and_levels() -> None:
    assert Scale(1, 5).span == 4
    assert list(Scale(1, 5).levels) == [1, 2, 3, 4, 5]
