"""Section 7: standard competition ranking on values rounded to 4 decimals."""

from __future__ import annotations

from criteria import Settings, rank
from tests.criteria.worked_panel import Panel, analyse


def test_vector_2_ranked_by_mean_is_f_a_e_c_b_d(panel: Panel) -> None:
    result = analyse(panel)
    assert [(app.reference, app.rank) for app in result.applications] == [
        ("F", 1),
        ("A", 2),
        ("E", 3),
        ("C", 4),
        ("B", 5),
        ("D", 6),
    ]


def test_ranking_by_median_uses_the_median(panel: Panel) -> None:
    result = analyse(panel, Settings(rank_by="median"))
    # Medians: F 4.5, A 4.0, C 3.75, E 3.5, B 3.0, D 2.0.
    assert [app.reference for app in result.applications] == ["F", "A", "C", "E", "B", "D"]
    assert result.result_for("C").figure == 3.75


def test_ties_share_a_rank_and_the_next_rank_is_skipped() -> None:
    ranks = rank({"w": 4.0, "x": 3.0, "y": 3.0, "z": 2.0})
    assert ranks == {"w": 1, "x": 2, "y": 2, "z": 4}


def test_values_equal_to_four_decimals_tie() -> None:
    assert rank({"a": 3.00001, "b": 3.000004, "c": 2.99994}) == {"a": 1, "b": 1, "c": 3}


def test_ties_are_listed_by_reference() -> None:
    assert list(rank({"zeta": 1.0, "alpha": 1.0, "mid": 1.0})) == ["alpha", "mid", "zeta"]


def test_applications_without_a_figure_are_unranked_and_listed_last() -> None:
    assert list(rank({"b": None, "a": None, "c": 0.0}).items()) == [
        ("c", 1),
        ("a", None),
        ("b", None),
    ]


def test_ranking_higher_is_better() -> None:
    assert rank({"low": 1.0, "high": 5.0}) == {"high": 1, "low": 2}
