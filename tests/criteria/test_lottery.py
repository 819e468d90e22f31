"""Section 7: the seeded lottery that anyone can repeat."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from criteria import ScoringError, lottery_key, lottery_order, lottery_tie_break, rank
from tests.criteria.worked_panel import Panel, analyse

SEED = "HA-fund-2025-R1"


def test_vector_6_orders_b_e_c() -> None:
    assert lottery_order(SEED, ["B", "E", "C"]) == ("B", "E", "C")


def test_vector_6_hashes_begin_as_published() -> None:
    assert [lottery_key(SEED, ref)[:6] for ref in "BEC"] == ["10a4c3", "10b238", "e745be"]


def test_the_key_is_sha256_of_seed_colon_reference_in_lowercase_hex() -> None:
    expected = hashlib.sha256(b"HA-fund-2025-R1:B").hexdigest()
    assert lottery_key(SEED, "B") == expected
    assert expected == expected.lower()


def test_the_order_does_not_depend_on_the_order_references_are_given() -> None:
    assert lottery_order(SEED, ["C", "E", "B"]) == lottery_order(SEED, ("B", "C", "E"))


def test_a_different_seed_can_give_a_different_order() -> None:
    orders = {lottery_order(f"seed-{n}", ["B", "E", "C"]) for n in range(20)}
    assert len(orders) > 1


def test_non_ascii_references_are_hashed_as_utf_8() -> None:
    expected = hashlib.sha256("s:Café".encode()).hexdigest()
    assert lottery_key("s", "Café") == expected


def test_the_lottery_needs_a_seed() -> None:
    with pytest.raises(ScoringError, match="needs a seed"):
        lottery_order("", ["A"])


def test_tie_break_orders_equal_ranks_by_the_lottery_and_keeps_the_rest(panel: Panel) -> None:
    result = analyse(panel)
    tied = [app for app in result.applications if app.reference in "BE"]
    # Treat B and E as tied for the check by giving them the same rank.
    ranks = rank({"B": 3.0, "E": 3.0})
    both = [replace(app, rank=ranks[app.reference]) for app in reversed(tied)]
    assert lottery_tie_break(both, seed=SEED) == ("B", "E")
    assert lottery_tie_break(result.applications, seed=SEED) == ("F", "A", "E", "C", "B", "D")
