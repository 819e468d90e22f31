"""Section 8: the suggested allocation within the budget, by skip or stop."""

from __future__ import annotations

import pytest

from criteria import Application, ScoringError, Settings, allocate, pounds
from criteria.model import Policy
from tests.criteria.worked_panel import Panel, analyse

# Vector 7: budget in pence, policy -> funded references and total spent in pence.
VECTOR_7 = [
    (1_100_000, "skip", ("F", "A", "B"), 1_050_000),
    (1_100_000, "stop", ("F", "A"), 900_000),
    (1_200_000, "skip", ("F", "A", "E"), 1_150_000),
    (1_200_000, "stop", ("F", "A", "E"), 1_150_000),
]


@pytest.mark.parametrize(("budget", "policy", "funded", "total"), VECTOR_7)
def test_vector_7_funds_down_the_ranking_within_the_budget(
    panel: Panel, budget: int, policy: Policy, funded: tuple[str, ...], total: int
) -> None:
    allocation = allocate(analyse(panel), budget=budget, policy=policy)
    assert allocation.funded == funded
    assert allocation.total == total
    assert allocation.remaining == budget - total


def test_vector_7_skip_lists_every_application_with_running_money(panel: Panel) -> None:
    allocation = allocate(analyse(panel), budget=1_100_000)
    rows = [
        (line.reference, line.status, line.running_total, line.remaining)
        for line in allocation.lines
    ]
    assert rows == [
        ("F", "funded", 500_000, 600_000),
        ("A", "funded", 900_000, 200_000),
        ("E", "did not fit", 900_000, 200_000),
        ("C", "did not fit", 900_000, 200_000),
        ("B", "funded", 1_050_000, 50_000),
        ("D", "did not fit", 1_050_000, 50_000),
    ]
    assert allocation.lines[2].reason == "asks for £2,500.00 with £2,000.00 left"


def test_vector_7_stop_ends_the_walk_and_marks_the_rest_not_reached(panel: Panel) -> None:
    allocation = allocate(analyse(panel), budget=1_100_000, policy="stop")
    assert [line.status for line in allocation.lines] == [
        "funded",
        "funded",
        "did not fit",
        "not reached",
        "not reached",
        "not reached",
    ]
    assert allocation.lines[-1].running_total == 900_000


def test_the_policy_defaults_to_the_rounds_setting(panel: Panel) -> None:
    allocation = allocate(analyse(panel, Settings(policy="stop")), budget=1_100_000)
    assert allocation.policy == "stop"
    assert allocation.funded == ("F", "A")


def test_an_ineligible_application_does_not_take_part(panel: Panel) -> None:
    panel.applications[-1] = Application("F", 500_000, eligible=False)
    allocation = allocate(analyse(panel), budget=1_100_000)
    f = next(line for line in allocation.lines if line.reference == "F")
    assert (f.status, f.reason, f.awarded) == ("not taking part", "not eligible", 0)
    assert allocation.funded == ("A", "E", "C")


def test_an_application_below_quorum_does_not_take_part(panel: Panel) -> None:
    allocation = allocate(analyse(panel, Settings(quorum=5)), budget=1_100_000)
    reasons = {line.reference: line.reason for line in allocation.lines}
    assert reasons["F"] == reasons["A"] == reasons["C"] == "not enough scores"
    assert allocation.funded == ("E", "B", "D")


def test_an_application_below_the_minimum_percent_does_not_take_part(panel: Panel) -> None:
    # D's mean 2.1 is 42% of the scale; B's 2.8 is exactly 56%.
    allocation = allocate(analyse(panel, Settings(min_percent=56)), budget=10_000_000)
    reasons = {line.reference: line.reason for line in allocation.lines}
    assert reasons["D"] == "below minimum score"
    assert reasons["B"] is None
    assert allocation.funded == ("F", "A", "E", "C", "B")


def test_an_explicit_order_replaces_the_ranking_walk(panel: Panel) -> None:
    allocation = allocate(analyse(panel), budget=1_100_000, order=["B", "E", "C", "F", "A", "D"])
    assert allocation.funded == ("B", "E", "C", "D")
    assert [line.reference for line in allocation.lines] == ["B", "E", "C", "F", "A", "D"]


def test_an_explicit_order_must_name_every_application_once(panel: Panel) -> None:
    result = analyse(panel)
    with pytest.raises(ScoringError, match="leaves out application 'D'"):
        allocate(result, budget=1, order=["F", "A", "E", "C", "B"])
    with pytest.raises(ScoringError, match="names application 'Z', not in this round"):
        allocate(result, budget=1, order=["F", "A", "E", "C", "B", "D", "Z"])
    with pytest.raises(ScoringError, match="more than once"):
        allocate(result, budget=1, order=["F", "F", "A", "E", "C", "B", "D"])


def test_a_budget_must_be_whole_pence(panel: Panel) -> None:
    with pytest.raises(ScoringError, match="whole number of pence"):
        allocate(analyse(panel), budget=11000.5)  # type: ignore[arg-type]
    with pytest.raises(ScoringError, match="whole number of pence"):
        allocate(analyse(panel), budget=-1)


def test_an_unknown_policy_is_refused(panel: Panel) -> None:
    with pytest.raises(ScoringError, match="must be 'skip' or 'stop'"):
        allocate(analyse(panel), budget=1, policy="greedy")  # type: ignore[arg-type]


def test_a_zero_budget_funds_nothing(panel: Panel) -> None:
    allocation = allocate(analyse(panel), budget=0)
    assert allocation.funded == ()
    assert allocation.total == 0


def test_pence_are_written_as_pounds() -> None:
    assert [pounds(p) for p in (0, 5, 150_000, 123_456_789, -250)] == [
        "£0.00",
        "£0.05",
        "£1,500.00",
        "£1,234,567.89",
        "-£2.50",
    ]
