"""Section 7: the seeded lottery that anyone can repeat."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import pytest

from criteria import (
    ScoringError,
    lottery_key,
    lottery_order,
    order_with_draw,
    tied_at_the_line,
)
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


def test_a_draw_puts_the_drawn_applications_in_its_order_and_keeps_the_rest(
    panel: Panel,
) -> None:
    result = analyse(panel)
    assert [app.reference for app in result.applications] == ["F", "A", "E", "C", "B", "D"]
    drawn = lottery_order(SEED, ["B", "E", "C"])  # vector 6: B, E, C
    # E, C and B hold places 3 to 5 between them; the draw fills them in its order.
    assert order_with_draw(result.applications, drawn) == ("F", "A", "B", "E", "C", "D")


def test_a_draw_of_references_no_longer_in_the_round_moves_nothing_it_does_not_hold(
    panel: Panel,
) -> None:
    result = analyse(panel)
    ranked = tuple(app.reference for app in result.applications)
    assert order_with_draw(result.applications, []) == ranked
    assert order_with_draw(result.applications, ["gone", "E", "C"]) == ranked
    assert order_with_draw(result.applications, ["gone", "C", "E"]) == (
        "F",
        "A",
        "C",
        "E",
        "B",
        "D",
    )


def test_a_tie_at_the_line_settled_by_the_lottery_end_to_end(panel: Panel) -> None:
    result = analyse(panel)
    # Make B and E tie for third place, listed as the analysis lists a tie (by reference).
    places = {"F": 1, "A": 2, "B": 3, "E": 3, "C": 5, "D": 6}
    tied_results = sorted(
        (replace(app, rank=places[app.reference]) for app in result.applications),
        key=lambda app: (app.rank, app.reference),
    )
    tied = tied_at_the_line(tied_results, funded={"F", "A", "B"})
    assert tied == ("B", "E")
    assert order_with_draw(tied_results, lottery_order(SEED, tied)) == (
        "F",
        "A",
        "B",  # key 10a4c3...
        "E",  # key 10b238...
        "C",
        "D",
    )
    # Another seed, another order: sha256("HA-fund-2025-R2:E") begins 5d69d6, B's 838208.
    assert order_with_draw(tied_results, lottery_order("HA-fund-2025-R2", tied)) == (
        "F",
        "A",
        "E",
        "B",
        "C",
        "D",
    )
