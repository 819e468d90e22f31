"""Section 7: standard competition ranking on values rounded to 4 decimals, ties at the line."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from criteria import ApplicationResult, Settings, rank, tied_at_the_line
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


def _ranked(ranks: dict[str, int | None]) -> list[ApplicationResult]:
    """Application results with only their references and ranks mattering, in the order given."""
    return [
        ApplicationResult(
            reference=reference,
            n=3,
            mean=None,
            median=None,
            sd=None,
            range=None,
            minimum=None,
            maximum=None,
            se=None,
            percent=None,
            calibrated=None,
            criterion_means={},
            sheet_scores=(),
            meets_quorum=True,
            flagged=False,
            flag_reasons=(),
            rank=place,
        )
        for reference, place in ranks.items()
    ]


def test_a_rank_shared_by_funded_and_unfunded_applications_is_a_tie_at_the_line() -> None:
    results = _ranked({"A": 1, "B": 2, "C": 2, "D": 2, "E": 5})
    assert tied_at_the_line(results, funded={"A", "B"}) == ("B", "C", "D")
    assert tied_at_the_line(results, funded={"A", "B", "C"}) == ("B", "C", "D")


def test_a_tie_wholly_above_or_below_the_line_is_not() -> None:
    results = _ranked({"A": 1, "B": 2, "C": 2, "D": 4})
    assert tied_at_the_line(results, funded={"A", "B", "C"}) == ()
    assert tied_at_the_line(results, funded={"A"}) == ()
    assert tied_at_the_line(results, funded=set()) == ()


def test_the_best_placed_tie_across_the_line_is_the_one() -> None:
    results = _ranked({"A": 1, "B": 1, "C": 3, "D": 3})
    assert tied_at_the_line(results, funded={"A", "C"}) == ("A", "B")


def test_unranked_applications_never_tie() -> None:
    assert tied_at_the_line(_ranked({"A": 1, "B": None, "C": None}), funded={"A", "B"}) == ()


@settings(max_examples=200, deadline=None, database=None)
@given(
    st.dictionaries(
        st.sampled_from("ABCDEFGH"), st.sampled_from([1.0, 2.0, 2.5, 3.0, None]), min_size=1
    ),
    st.sets(st.sampled_from("ABCDEFGH")),
)
def test_a_tie_at_the_line_shares_one_rank_and_straddles_the_line(
    values: dict[str, float | None], funded: set[str]
) -> None:
    ranks = rank(values)
    results = _ranked(ranks)
    tied = tied_at_the_line(results, funded)
    straddling = {
        place
        for place in set(ranks.values()) - {None}
        if 0
        < len({r for r, p in ranks.items() if p == place} & funded)
        < len([r for r, p in ranks.items() if p == place])
    }
    if not straddling:
        assert tied == ()
        return
    best = min(straddling)
    assert tied == tuple(r for r, p in ranks.items() if p == best)
