"""Weights from members' shares: largest-remainder rounding to exactly 100, and the spread."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criteria import ScoringError
from criteria.weights import (
    WeightProblem,
    check_shares,
    largest_remainder,
    mean_shares,
    points,
    proposed_weights,
    spread,
    weight_problems,
)


def test_three_equal_thirds_round_to_34_33_33_with_the_first_criterion_taking_the_point() -> None:
    members = [[100, 0, 0], [0, 100, 0], [0, 0, 100]]
    assert mean_shares(members) == (Fraction(100, 3),) * 3
    assert proposed_weights(members) == (34, 33, 33)


def test_decimal_thirds_also_round_to_34_33_33() -> None:
    assert largest_remainder([Decimal("33.33")] * 3) == (34, 33, 33)


def test_the_largest_remainders_get_the_points_left_over() -> None:
    # Means 40.2, 29.6, 30.2: floors 40 + 29 + 30 = 99, and the one point left goes to 29.6.
    members = [[41, 30, 29], [40, 29, 31], [40, 30, 30], [40, 30, 30], [40, 29, 31]]
    assert mean_shares(members) == (Fraction(201, 5), Fraction(148, 5), Fraction(151, 5))
    assert proposed_weights(members) == (40, 30, 30)


def test_two_points_left_over_go_to_the_two_largest_remainders_not_by_order() -> None:
    # 10.1, 20.7, 30.3, 38.9 -> floors 10, 20, 30, 38 (98); .9 and .7 take the two points.
    assert largest_remainder(
        [Fraction(101, 10), Fraction(207, 10), Fraction(303, 10), Fraction(389, 10)]
    ) == (10, 21, 30, 39)


def test_whole_means_are_kept_as_they_are() -> None:
    assert proposed_weights([[50, 30, 20], [30, 30, 40]]) == (40, 30, 30)


def test_equal_remainders_are_broken_by_criterion_order() -> None:
    # Means 12.5, 37.5, 12.5, 37.5: two points left, all remainders equal -> first two criteria.
    members = [[25, 25, 25, 25], [0, 50, 0, 50]]
    assert proposed_weights(members) == (13, 38, 12, 37)


def test_rounded_weights_always_add_up_to_100() -> None:
    members = [[7, 13, 80], [33, 33, 34], [1, 1, 98], [50, 49, 1], [0, 0, 100], [20, 45, 35]]
    for count in range(1, len(members) + 1):
        assert sum(proposed_weights(members[:count])) == 100


def test_shares_must_be_whole_not_negative_not_all_zero_and_add_up_to_100() -> None:
    check_shares([60, 40])
    with pytest.raises(ScoringError, match="add up to 90. They must add up to 100"):
        check_shares([50, 40])
    with pytest.raises(ScoringError, match="cannot be negative"):
        check_shares([110, -10])
    with pytest.raises(ScoringError, match="cannot all be 0"):
        check_shares([0, 0])
    with pytest.raises(ScoringError, match="whole number"):
        check_shares([50.5, 49.5])  # type: ignore[list-item]


LABELS = ["The weight of Local", "The weight of Value"]


def test_a_good_set_of_weights_has_no_problems() -> None:
    assert weight_problems([67, 33], LABELS) == []
    assert weight_problems([100, 0], LABELS) == []
    assert weight_problems([5, 5], LABELS, total=10) == []


def test_each_weight_out_of_range_is_named_by_its_place_and_label() -> None:
    assert weight_problems([110, -10], LABELS) == [
        WeightProblem(0, "The weight of Local cannot be more than 100"),
        WeightProblem(1, "The weight of Value cannot be negative"),
    ]


def test_a_weight_that_is_not_whole_is_named_and_the_set_is_not_summed() -> None:
    problems = weight_problems([Decimal("50.5"), True], LABELS)  # type: ignore[list-item]
    assert problems == [
        WeightProblem(0, "The weight of Local must be a whole number"),
        WeightProblem(1, "The weight of Value must be a whole number"),
    ]


def test_the_set_must_add_up_to_the_total_and_not_be_all_zero() -> None:
    assert weight_problems([57, 33], LABELS) == [
        WeightProblem(None, "The weights add up to 90. They must add up to 100")
    ]
    assert weight_problems([0, 0], LABELS, together="Your shares") == [
        WeightProblem(None, "Your shares cannot all be 0")
    ]
    assert weight_problems([-10, 50], LABELS) == [
        WeightProblem(0, "The weight of Local cannot be negative"),
        WeightProblem(None, "The weights add up to 40. They must add up to 100"),
    ]


def test_an_empty_set_asks_for_a_scored_criterion() -> None:
    assert weight_problems([], []) == [WeightProblem(None, "Choose at least one scored criterion")]


@st.composite
def panel_shares(draw: st.DrawFn) -> list[list[int]]:
    """Some members, each sharing 100 points among the same 1 to 5 criteria."""
    width = draw(st.integers(1, 5))
    members = []
    for _ in range(draw(st.integers(1, 6))):
        cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=width - 1, max_size=width - 1)))
        members.append([b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)])
    return members


@settings(max_examples=60, deadline=None, database=None)
@given(panel_shares())
def test_the_proposed_weights_always_pass_the_check_of_a_set(members: list[list[int]]) -> None:
    for shares in members:
        check_shares(shares)
    weights = proposed_weights(members)
    labels = [f"The weight of criterion {n}" for n in range(len(weights))]
    assert weight_problems(weights, labels) == []


def test_every_weight_needs_its_label() -> None:
    with pytest.raises(ScoringError, match="label"):
        weight_problems([50, 50], ["The weight of Local"])


def test_check_shares_names_every_fault_at_once() -> None:
    with pytest.raises(ScoringError) as refused:
        check_shares([110, -10])
    assert str(refused.value) == "Share 1 cannot be more than 100. Share 2 cannot be negative."


def test_a_member_who_skips_a_criterion_is_refused() -> None:
    with pytest.raises(ScoringError, match="each criterion"):
        mean_shares([[50, 50], [100]])
    with pytest.raises(ScoringError, match="No member"):
        mean_shares([])


def test_values_far_from_100_or_negative_cannot_be_rounded() -> None:
    with pytest.raises(ScoringError, match="not about 100"):
        largest_remainder([10, 20])
    with pytest.raises(ScoringError, match="negative"):
        largest_remainder([110, -10])


def test_spread_gives_lowest_median_highest_and_mean() -> None:
    odd = spread([40, 10, 30, 20, 50])
    assert (odd.members, odd.lowest, odd.median, odd.highest) == (5, 10, 30, 50)
    assert odd.mean == 30
    even = spread([20, 35, 25, 10])
    assert (even.lowest, even.median, even.highest, even.mean) == (
        10,
        Fraction(45, 2),
        35,
        Fraction(45, 2),
    )
    with pytest.raises(ScoringError):
        spread([])


def test_points_read_plainly() -> None:
    assert points(Fraction(45, 2)) == "22.5"
    assert points(Fraction(100, 3)) == "33.33"
    assert points(Fraction(30)) == "30"
