"""Weights from members' shares: largest-remainder rounding to exactly 100, and the spread."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from criteria import ScoringError
from criteria.weights import (
    check_shares,
    largest_remainder,
    mean_shares,
    points,
    proposed_weights,
    spread,
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
