"""Section 4: harsh and lenient scorers, calibrated by z-scores and shown beside the raw figures."""

from __future__ import annotations

import pytest

from criteria import Settings, calibrate
from tests.criteria.worked_panel import PANELLISTS, WORKED_PANEL, Panel, analyse

CALIBRATED = {"A": 3.8623, "B": 2.8283, "C": 3.4246, "D": 2.0828, "E": 3.3145, "F": 4.4311}


def worked_triples() -> list[tuple[str, str, float]]:
    """(application, panellist, sheet score) for every submitted review of the worked panel."""
    return [
        (ref, who, sheet)
        for ref, row in WORKED_PANEL.items()
        for who, sheet in zip(PANELLISTS, row, strict=True)
        if sheet is not None
    ]


def test_vector_3_panellist_means() -> None:
    means = {p.panellist: round(p.mean or 0, 4) for p in calibrate(worked_triples()).panellists}
    assert means == {"P1": 3.6667, "P2": 3.1, "P3": 3.6, "P4": 2.6, "P5": 3.25}


def test_vector_3_grand_mean_and_sd_are_over_all_submitted_sheet_scores() -> None:
    calibration = calibrate(worked_triples())
    assert calibration.grand_mean == pytest.approx(3.2593, abs=5e-5)
    assert calibration.grand_sd == pytest.approx(1.0864, abs=5e-5)


def test_vector_3_calibrated_scores() -> None:
    calibrated = calibrate(worked_triples()).calibrated
    assert {ref: round(value, 4) for ref, value in calibrated.items()} == CALIBRATED


def test_vector_3_calibrated_order_puts_c_above_e(panel: Panel) -> None:
    result = analyse(panel, Settings(rank_by="calibrated"))
    assert [app.reference for app in result.applications] == ["F", "A", "C", "E", "B", "D"]
    assert result.result_for("C").calibrated == pytest.approx(3.4246, abs=5e-5)


def test_calibrated_scores_are_shown_beside_the_raw_mean_not_instead(panel: Panel) -> None:
    result = analyse(panel, Settings(calibrate=True))
    c = result.result_for("C")
    assert (c.mean, round(c.calibrated or 0, 4)) == (3.25, 3.4246)
    assert [app.reference for app in result.applications] == ["F", "A", "E", "C", "B", "D"]


def test_calibrated_scores_are_left_out_unless_asked_for(panel: Panel) -> None:
    result = analyse(panel)
    assert all(app.calibrated is None for app in result.applications)


def test_round_result_reports_panellists_and_the_grand_figures(panel: Panel) -> None:
    result = analyse(panel)
    assert [(p.panellist, p.n) for p in result.panellists] == [
        ("P1", 6),
        ("P2", 5),
        ("P3", 5),
        ("P4", 5),
        ("P5", 6),
    ]
    assert result.grand_mean == pytest.approx(3.2593, abs=5e-5)
    assert result.grand_sd == pytest.approx(1.0864, abs=5e-5)


def test_a_panellist_who_gives_the_same_score_everywhere_contributes_z_zero() -> None:
    calibration = calibrate(
        [("A", "flat", 3.0), ("B", "flat", 3.0), ("A", "x", 1.0), ("B", "x", 5.0)]
    )
    # A: z = (0 + -0.7071) / 2; B: z = (0 + 0.7071) / 2; the flat panellist's z is 0, not undefined.
    assert calibration.mean_z["A"] == pytest.approx(-0.5 / 2**0.5)
    assert calibration.mean_z["B"] == pytest.approx(0.5 / 2**0.5)


def test_a_panellist_with_one_review_contributes_z_zero() -> None:
    calibration = calibrate([("A", "once", 5.0), ("A", "x", 1.0), ("B", "x", 3.0)])
    assert calibration.mean_z["A"] == pytest.approx(-0.5 / 2**0.5)
    assert calibration.panellists[0].sd is None


def test_with_a_single_score_in_the_round_g_is_taken_as_zero() -> None:
    calibration = calibrate([("A", "x", 4.0)])
    assert calibration.grand_sd is None
    assert calibration.calibrated == {"A": 4.0}


def test_calibrating_nothing_gives_nothing() -> None:
    calibration = calibrate([])
    assert (calibration.calibrated, calibration.grand_mean, calibration.panellists) == (
        {},
        None,
        (),
    )


def test_a_panellist_who_gives_every_application_the_same_awkward_score_has_no_spread() -> None:
    """Found by the property test: 1.68... three times has a mean a rounding step away from
    1.68..., which made a false SD of about 1e-16 and z-scores of +-0.8 out of nothing."""
    same = 1.6816823951156832
    result = calibrate([("A", "P1", same), ("B", "P1", same), ("C", "P1", same)])
    assert result.panellists[0].sd == 0.0
    assert result.mean_z == {"A": 0.0, "B": 0.0, "C": 0.0}
