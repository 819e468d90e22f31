"""Section 6: Krippendorff's alpha (interval) for the round and per criterion, in plain words."""

from __future__ import annotations

import pytest

from criteria import agreement_reading, krippendorff_alpha
from tests.criteria.worked_panel import WORKED_PANEL, Panel, analyse


def worked_units() -> list[list[float]]:
    """The worked panel's sheet scores, one list per application."""
    return [[s for s in row if s is not None] for row in WORKED_PANEL.values()]


def test_vector_5_alpha_is_0_4077() -> None:
    agreement = krippendorff_alpha(worked_units())
    assert agreement.alpha == pytest.approx(0.4077, abs=5e-5)


def test_vector_5_observed_and_expected_disagreement_and_27_pairable_scores() -> None:
    agreement = krippendorff_alpha(worked_units())
    assert agreement.observed == pytest.approx(1.3981, abs=5e-5)
    assert agreement.expected == pytest.approx(2.3604, abs=5e-5)
    assert agreement.pairable == 27
    assert agreement.reading == "mixed agreement"


def test_vector_5_round_agreement_from_analyse_round(panel: Panel) -> None:
    agreement = analyse(panel).agreement
    assert (round(agreement.alpha or 0, 4), agreement.pairable) == (0.4077, 27)


def test_agreement_is_reported_per_criterion_on_that_criterions_scores(panel: Panel) -> None:
    result = analyse(panel)
    firsts = [
        [review.scores["first"] for review in panel.reviews if review.application == ref]
        for ref in WORKED_PANEL
    ]
    expected = krippendorff_alpha(firsts)
    found = result.criterion_agreement["first"]
    assert set(result.criterion_agreement) == {"first", "second"}
    assert found.alpha == pytest.approx(expected.alpha)
    assert found.observed == pytest.approx(expected.observed)
    assert found.expected == pytest.approx(expected.expected)
    assert found.pairable == 27


def test_applications_with_one_score_take_no_part() -> None:
    with_single = [*worked_units(), [0.0]]
    assert krippendorff_alpha(with_single) == krippendorff_alpha(worked_units())


def test_alpha_is_undefined_with_fewer_than_two_pairable_applications() -> None:
    agreement = krippendorff_alpha([[1.0, 2.0, 3.0], [4.0]])
    assert agreement.alpha is None
    assert agreement.pairable == 3
    assert agreement.reading == "not enough scores to measure agreement"


def test_alpha_is_undefined_when_every_score_is_the_same() -> None:
    agreement = krippendorff_alpha([[3, 3], [3, 3, 3]])
    assert agreement.alpha is None
    assert agreement.expected == 0
    assert agreement.reading == "not enough scores to measure agreement"


def test_alpha_is_one_when_panellists_agree_within_each_application() -> None:
    agreement = krippendorff_alpha([[1, 1, 1], [4, 4]])
    assert agreement.alpha == 1.0
    assert agreement.reading == "the panel broadly agrees"


@pytest.mark.parametrize(
    ("alpha", "reading"),
    [
        (0.9, "the panel broadly agrees"),
        (0.667, "the panel broadly agrees"),
        (0.6669, "mixed agreement"),
        (0.4, "mixed agreement"),
        (0.3999, "little agreement"),
        (-0.5, "little agreement"),
        (None, "not enough scores to measure agreement"),
    ],
)
def test_the_plain_reading_follows_the_thresholds(alpha: float | None, reading: str) -> None:
    assert agreement_reading(alpha) == reading
