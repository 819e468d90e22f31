"""Exports: the workbook's sheets and figures, formula safety, feedback, query counts."""

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from flask import Flask

from panel.extensions import db
from panel.results import exports as ex
from panel.results.synthetic import seed_synthetic
from tests.conftest import CountQueries
from tests.panel.results.drafting import include_every_comment
from tests.panel.results.export_reading import all_text, export_bytes, records, workbook
from tests.worlds import HOSTILE, gen_worked_panel, ref

SHEETS = [
    "Summary",
    "Scores",
    "Reviews",
    "Criteria",
    "Conflicts",
    "Decisions",
    "About",
    "Co-production",
]


# --------------------------------------------------------------------------- the workbook


def test_the_summary_reproduces_scoring_md_worked_panel(app: Flask) -> None:
    panel = gen_worked_panel()
    summary = {
        r["Reference"]: r
        for r in records(workbook(export_bytes(panel.round_id, "xlsx"))["Summary"])
    }
    expected = {  # docs/scoring-method.md vector 2 and vector 3 (calibrated)
        "A": (4, 4.0, 4.0, 0.4082, 1.0, 3.8623),
        "B": (5, 2.8, 3.0, 0.5701, 1.5, 2.8283),
        "C": (4, 3.25, 3.75, 1.5546, 3.5, 3.4246),
        "D": (5, 2.1, 2.0, 0.9618, 2.5, 2.0828),
        "E": (5, 3.3, 3.5, 0.5701, 1.5, 3.3145),
        "F": (4, 4.5, 4.5, 0.4082, 1.0, 4.4311),
    }
    for letter, (n, mean, median, sd, spread, calibrated) in expected.items():
        row = summary[ref(letter)]
        assert row["Reviews"] == n
        assert row["Mean"] == pytest.approx(mean, abs=5e-5)
        assert row["Median"] == pytest.approx(median, abs=5e-5)
        assert row["SD"] == pytest.approx(sd, abs=5e-5)
        assert row["Max"] - row["Min"] == pytest.approx(spread, abs=5e-5)
        assert row["Calibrated"] == pytest.approx(calibrated, abs=5e-5)
        assert row["Percent"] == pytest.approx(mean * 20, abs=5e-4)
    ranked = [
        r["Reference"] for r in records(workbook(export_bytes(panel.round_id, "xlsx"))["Summary"])
    ]
    assert ranked == [ref(x) for x in "FAECBD"]
    assert [summary[ref(x)]["Rank"] for x in "FAECBD"] == [1, 2, 3, 4, 5, 6]
    flagged = {ref_ for ref_, r in summary.items() if r["Flag"]}
    assert flagged == {ref("C"), ref("D")}  # vector 4
    # Criterion means: benefit is ceil of each sheet score, value for money the floor.
    assert summary[ref("B")]["Community benefit mean"] == pytest.approx(3.0)
    assert summary[ref("B")]["Value for money mean"] == pytest.approx(2.6)
    # Decisions: confirmed awards carry an amount, drafts are labelled and carry none.
    assert summary[ref("F")]["Decision"] == "Fund in full"
    assert summary[ref("F")]["Amount awarded"] == 5000
    assert summary[ref("A")]["Amount awarded"] == 3000
    assert summary[ref("E")]["Decision"] == "Fund in full (draft)"
    assert summary[ref("E")]["Amount awarded"] is None
    assert summary[ref("B")]["Decision"] is None


def test_the_workbook_has_every_sheet_in_order_with_frozen_filtered_typed_headers(
    app: Flask,
) -> None:
    panel = gen_worked_panel()
    book = workbook(export_bytes(panel.round_id, "xlsx"))
    assert book.sheetnames == SHEETS
    headers = {ws.title: [c.value for c in ws[1]] for ws in book.worksheets}
    assert headers["Summary"] == [
        *ex.SUMMARY_FIXED,
        "Community benefit mean",
        "Value for money mean",
        "Decision",
        "Amount awarded",
    ]
    assert headers["Scores"] == ex.SCORES_HEADERS
    assert headers["Reviews"] == [
        "Reference",
        "Panellist",
        "Sheet score",
        "Entered by",
        "Overall comment",
    ]
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref.startswith("A1:"), ws.title
        assert ws.column_dimensions["A"].width > 5, ws.title
        assert all(c.font.b for c in ws[1]), ws.title
    summary = book["Summary"]
    amount = summary.cell(row=2, column=5)
    assert amount.data_type == "n" and "£" in amount.number_format
    mean = summary.cell(row=2, column=7)
    assert mean.data_type == "n" and mean.number_format == "0.0000"
    scores = records(book["Scores"])
    assert len(scores) == 27 * 2  # 27 submitted reviews x 2 criteria
    assert all(isinstance(r["Score"], int) and isinstance(r["Weight"], int) for r in scores)
    assert {r["Revised"] for r in scores} == {"Yes", None}
    reviews = records(book["Reviews"])
    assert len(reviews) == 27
    a_sheets = sorted(r["Sheet score"] for r in reviews if r["Reference"] == ref("A"))
    assert a_sheets == [3.5, 4.0, 4.0, 4.5]
    assert [r["Entered by"] for r in reviews if r["Entered by"]] == ["Sam Staff"]
    criteria_rows = {r["Criterion"]: r for r in records(book["Criteria"])}
    benefit = criteria_rows["Community benefit"]
    assert (benefit["Kind"], benefit["Weight"], benefit["Supports"]) == ("Scored", 50, 3)
    assert benefit["Proposed by"] == "Panellist Person 2"
    assert benefit["Weight share mean"] == pytest.approx(45.2)
    assert benefit["Weight share spread"] == "30–60"
    assert benefit["Staff adjustment reason"] == "Rounded to match value for money"
    assert criteria_rows["Value for money"]["Fixed reason"] == "Required by the funder"
    assert criteria_rows["Local"]["Kind"] == "Eligibility"
    conflicts = records(book["Conflicts"])
    assert sorted((r["Reference"], r["Standing"]) for r in conflicts) == [
        (ref("A"), "Yes"),
        (ref("C"), "Yes"),
        (ref("F"), "Yes"),
    ]
    decisions = {r["Reference"]: r for r in records(book["Decisions"])}
    assert decisions[ref("A")]["Decision"] == "Fund in part"
    assert decisions[ref("A")]["Amount awarded"] == 3000
    assert ref("B") not in decisions  # no decision yet: no row
    about = dict(book["About"].iter_rows(min_row=2, values_only=True))
    assert about["Ranked by"] == "mean"
    assert about[ex.ABOUT_QUORUM] == "3"
    assert float(about["Agreement (Krippendorff's alpha)"]) == pytest.approx(0.4077, abs=5e-5)
    assert about["Agreement in words"]
    assert "HA-fund-2025-R1" in about["Lottery draw 1 (in force)"]
    assert "drawn by Sam Staff" in about["Lottery draw 1 (in force)"]
    method = [v for k, v in book["About"].iter_rows(min_row=2, values_only=True) if k == "Method"]
    assert len(method) >= 5 and "never a zero" in " ".join(method)


def test_the_lottery_seed_is_exported_beside_the_drawn_applications(app: Flask) -> None:
    panel = gen_worked_panel()
    decisions = {
        r["Reference"]: r
        for r in records(workbook(export_bytes(panel.round_id, "xlsx"))["Decisions"])
    }
    # E was drawn (second) and has a decision: its row carries the seed and its place.
    assert decisions[ref("E")]["Lottery seed"] == "HA-fund-2025-R1"
    assert decisions[ref("E")]["Lottery place"] == 2
    assert decisions[ref("F")]["Lottery seed"] is None


def test_no_export_holds_a_formula_even_when_users_write_formulas(app: Flask) -> None:
    """Item 20: no export holds a formula; risky text is quoted text."""
    panel = gen_worked_panel(hostile=True)
    include_every_comment(panel.round_id)  # hostile comments reach the feedback only this way
    for fmt in ("xlsx", "360giving", "feedback"):
        for anonymise in (False, True):
            book = workbook(export_bytes(panel.round_id, fmt, anonymise=anonymise))
            cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
            assert not [c.coordinate for c in cells if c.data_type == "f"], fmt
            texts = {c.value for c in cells if isinstance(c.value, str)}
            if fmt != "360giving":
                assert "bell" in texts or any("bell" in t for t in texts), fmt
            assert not any("\x07" in t for t in texts), fmt
            risky = [c for c in cells if isinstance(c.value, str) and c.value[:1] in "=+-@"]
            assert risky, fmt  # the hostile text is there, as text
            assert all(c.quotePrefix for c in risky), fmt
    book = workbook(export_bytes(panel.round_id, "xlsx"))
    summary = records(book["Summary"])
    assert HOSTILE[0] in {r["Organisation"] for r in summary}
    assert "+1" in {r["Project"] for r in summary}
    assert book["About"]["B2"].value == HOSTILE[0]  # the round's name
    text = export_bytes(panel.round_id, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    organisations = {row[2] for row in rows[1:]}
    assert "'" + HOSTILE[0] in organisations
    assert "'+1" in {row[3] for row in rows[1:]}
    for row in rows:
        for value in row:
            assert not value.startswith(ex.RISKY_STARTS)


def test_csv_and_text_helpers_neutralise_every_risky_start() -> None:
    """Item 20: every risky start is neutralised; control characters go."""
    for start in ex.RISKY_STARTS:
        assert ex.csv_safe(f"{start}1+1") == f"'{start}1+1"
    assert ex.csv_safe("Plain text") == "Plain text"
    assert ex.clean("a\x00b\x1fc\td") == "abc\td"
    assert len(ex.clean("x" * 40_000)) == ex.CELL_LIMIT


def test_an_anonymised_export_numbers_panellists_by_account_and_shows_no_names(
    app: Flask,
) -> None:
    panel = gen_worked_panel()
    book = workbook(export_bytes(panel.round_id, "xlsx", anonymise=True))
    text = all_text(book)
    for name in panel.names:
        assert name not in text
    order = sorted(panel.panellist_ids)
    expected = {f"Panellist {order.index(pid) + 1}" for pid in panel.panellist_ids}
    scores = records(book["Scores"])
    assert {r["Panellist"] for r in scores} == expected
    # The numbering is the same in every sheet: panellist 4 (P4) is recused on A.
    p4 = f"Panellist {order.index(panel.panellist_ids[3]) + 1}"
    conflicts = records(book["Conflicts"])
    assert (ref("A"), p4) in {(r["Reference"], r["Panellist"]) for r in conflicts}
    assert p4 not in {r["Panellist"] for r in scores if r["Reference"] == ref("A")}
    assert {r["Entered by"] for r in records(book["Reviews"]) if r["Entered by"]} == {"Staff"}


def test_csv_is_the_summary_in_utf8_with_a_byte_order_mark(app: Flask) -> None:
    panel = gen_worked_panel()
    data = export_bytes(panel.round_id, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][: len(ex.SUMMARY_FIXED)] == ex.SUMMARY_FIXED
    assert [r[1] for r in rows[1:]] == [ref(x) for x in "FAECBD"]
    c_row = next(r for r in rows if r[1] == ref("C"))
    assert float(c_row[6]) == 3.25 and float(c_row[4]) == 3500.0


# --------------------------------------------------------------------------- feedback


def test_feedback_is_one_row_per_application_with_comments_and_no_names(app: Flask) -> None:
    panel = gen_worked_panel()
    include_every_comment(panel.round_id)
    book = workbook(export_bytes(panel.round_id, "feedback"))
    rows = {r["Reference"]: r for r in records(book.active)}
    assert set(rows) == {ref(x) for x in "ABCDEF"}
    a = rows[ref("A")]
    assert a["Decision"] == "Fund in part" and a["Amount awarded"] == 3000
    assert a["Reason"] == "A strong application"
    assert a["Contact email"] == "contact.a@example.org"
    assert a["Panel comments"].count("Overall: Overall view of A") == 4
    assert "Community benefit: Benefit note A" in a["Panel comments"]
    assert rows[ref("E")]["Decision"] is None  # a draft is not sent to applicants
    text = all_text(book)
    for name in panel.names:
        assert name not in text
    only_overall = records(
        workbook(export_bytes(panel.round_id, "feedback", comments=("overall",))).active
    )
    assert "Benefit note" not in " ".join(r["Panel comments"] or "" for r in only_overall)
    none = records(workbook(export_bytes(panel.round_id, "feedback", comments=())).active)
    assert all(r["Panel comments"] is None for r in none)


# --------------------------------------------------------------------------- queries


def test_the_export_query_count_does_not_grow_with_the_round(count_queries: CountQueries) -> None:
    counts = []
    for size in (5, 20):
        round_ = seed_synthetic(applications=size, panellists=4, criteria_count=3, seed=size)
        db.session.commit()
        with count_queries() as statements:
            export_bytes(round_.id, "xlsx")
        counts.append(len(statements))
    assert counts[0] == counts[1], counts


# --------------------------------------------------------------------------- LibreOffice


def test_libreoffice_reads_the_summary_sheet_back(app: Flask, tmp_path: Path) -> None:
    if not Path("/usr/bin/libreoffice").exists():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is missing: .ci/run installs libreoffice-calc-nogui")
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc-nogui)")
    panel = gen_worked_panel(hostile=True)
    path = tmp_path / "results.xlsx"
    path.write_bytes(export_bytes(panel.round_id, "xlsx"))
    subprocess.run(
        [
            shutil.which("libreoffice") or "/usr/bin/libreoffice",
            "--headless",
            "--convert-to",
            "csv",
            "--outdir",
            str(tmp_path),
            f"-env:UserInstallation=file://{tmp_path}/lo-profile",
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    text = (tmp_path / "results.csv").read_text(encoding="utf-8", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][: len(ex.SUMMARY_FIXED)] == ex.SUMMARY_FIXED
    assert [r[1] for r in rows[1:7]] == [ref(x) for x in "FAECBD"]
    assert HOSTILE[0] in {r[2] for r in rows}  # text, not a formula's result
