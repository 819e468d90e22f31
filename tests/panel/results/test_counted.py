"""Which reviews count is the results analysis's answer; every sheet of every export takes it."""

from collections import defaultdict

from flask import Flask

from panel.extensions import db
from panel.models import Application, ApplicationStatus, Conflict, FundingRound, Review
from panel.results.services import compute
from tests.panel.results.drafting import include_every_comment
from tests.panel.results.export_reading import export_bytes, records, workbook
from tests.worlds import WorkedPanel, gen_worked_panel, ref


def _submitted(round_id: int) -> dict[int, tuple[int, int]]:
    """review id -> (application id, panellist id) of every submitted review of the round."""
    return {
        i: (a, p)
        for i, a, p in db.session.execute(
            db.select(Review.id, Review.application_id, Review.panellist_id).where(
                Review.round_id == round_id
            )
        )
    }


def _set_aside_b_and_drop_d(panel: WorkedPanel) -> None:
    """Panellist 2 declares a conflict on B after submitting its review; D is found ineligible."""
    db.session.add(
        Conflict(
            round_id=panel.round_id,
            application_id=panel.app_ids["B"],
            panellist_id=panel.panellist_ids[1],
            kind="member",
            declared_by_id=panel.panellist_ids[1],
        )
    )
    d = db.session.get(Application, panel.app_ids["D"])
    assert d is not None
    d.status = ApplicationStatus.INELIGIBLE
    db.session.commit()


def test_the_analysis_carries_the_ids_of_the_reviews_it_counted(app: Flask) -> None:
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    assert round_ is not None
    submitted = _submitted(panel.round_id)
    assert len(submitted) == 27
    assert compute(round_).counted == set(submitted)
    _set_aside_b_and_drop_d(panel)
    b_by_p2 = (panel.app_ids["B"], panel.panellist_ids[1])
    expected = {
        i for i, (a, p) in submitted.items() if a != panel.app_ids["D"] and (a, p) != b_by_p2
    }
    results = compute(round_)
    assert results.counted == expected
    assert len(expected) == 27 - 5 - 1
    assert results.result.result_for(ref("B")).n == 4
    # Remembered: the same answer without working it out again.
    assert compute(round_).counted == expected


def test_no_sheet_of_any_export_holds_a_review_the_analysis_did_not_count(app: Flask) -> None:
    panel = gen_worked_panel()
    _set_aside_b_and_drop_d(panel)
    p2 = "Panellist Person 2"
    book = workbook(export_bytes(panel.round_id, "xlsx"))
    summary = {r["Reference"]: r for r in records(book["Summary"])}
    assert ref("D") not in summary and summary[ref("B")]["Reviews"] == 4
    scores = records(book["Scores"])
    assert len(scores) == 21 * 2
    assert (ref("B"), p2) not in {(r["Reference"], r["Panellist"]) for r in scores}
    assert ref("D") not in {r["Reference"] for r in scores}
    reviews = records(book["Reviews"])
    assert len(reviews) == 21
    assert (ref("B"), p2) not in {(r["Reference"], r["Panellist"]) for r in reviews}
    assert ref("D") not in {r["Reference"] for r in reviews}
    include_every_comment(panel.round_id)
    feedback = {
        r["Reference"]: r
        for r in records(workbook(export_bytes(panel.round_id, "feedback")).active)
    }
    # D stays in the feedback (every application gets a letter), without any panel comment.
    assert feedback[ref("D")]["Application status"] == "Not eligible"
    assert feedback[ref("D")]["Panel comments"] is None
    assert feedback[ref("B")]["Panel comments"].count("Overall: Overall view of B") == 4
    assert "Reviewer 5" not in feedback[ref("B")]["Panel comments"]


def test_the_reviews_sheet_gives_the_engines_sheet_score_of_each_review(app: Flask) -> None:
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    assert round_ is not None
    results = compute(round_)
    by_reference: dict[str, list[float]] = defaultdict(list)
    for r in records(workbook(export_bytes(panel.round_id, "xlsx"))["Reviews"]):
        by_reference[r["Reference"]].append(r["Sheet score"])
    for result in results.result.applications:
        # Exactly the engine's figures (the cells hold them unrounded), review for review.
        assert sorted(by_reference[result.reference]) == list(result.sheet_scores)
    assert set(results.sheet_scores()) == results.counted
    assert sorted(results.sheet_scores().values()) == sorted(
        s for r in results.result.applications for s in r.sheet_scores
    )


def test_the_score_csv_decides_counted_in_sql_as_the_analysis_does(app: Flask) -> None:
    """Issue 20: the per-score csv decides "counted" in SQL (without the analysis); it must
    hold exactly the Scores sheet's rows: a set-aside review, an ineligible application, a
    withdrawn conflict and a review back in draft all as the analysis counts them."""
    import csv
    import io
    from datetime import UTC, datetime

    panel = gen_worked_panel()
    _set_aside_b_and_drop_d(panel)
    # A withdrawn declaration sets nothing aside; a review back in draft does not count.
    of_c = db.session.execute(
        db.select(Review.panellist_id).where(Review.application_id == panel.app_ids["C"])
    ).scalars()
    c_reviews = list(of_c)
    db.session.add(
        Conflict(
            round_id=panel.round_id,
            application_id=panel.app_ids["C"],
            panellist_id=c_reviews[0],
            kind="member",
            declared_by_id=c_reviews[0],
            withdrawn_at=datetime.now(UTC),
            withdrawn_by_id=c_reviews[0],
            withdrawn_reason="Declared by mistake",
        )
    )
    draft = db.session.execute(
        db.select(Review).where(
            Review.application_id == panel.app_ids["E"],
            Review.panellist_id == panel.panellist_ids[0],
        )
    ).scalar_one()
    draft.status = "draft"
    db.session.commit()
    round_ = db.session.get(FundingRound, panel.round_id)
    assert round_ is not None
    counted = compute(round_).counted
    assert len(counted) == 27 - 5 - 1 - 1
    text = export_bytes(panel.round_id, "scores-csv").decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    sheet = records(workbook(export_bytes(panel.round_id, "xlsx"))["Scores"])
    assert len(rows) == len(sheet) == len(counted) * 2
    pairs = [(r["Reference"], r["Panellist"], r["Criterion"], r["Score"]) for r in rows]
    assert pairs == [
        (r["Reference"], r["Panellist"], r["Criterion"], str(r["Score"])) for r in sheet
    ]
    assert (ref("E"), "Panellist Person 1") not in {(r["Reference"], r["Panellist"]) for r in rows}
    assert sum(r["Reference"] == ref("C") for r in rows) == len(c_reviews) * 2
