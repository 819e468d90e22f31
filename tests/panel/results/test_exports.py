"""Exports: the workbook's sheets and figures, formula safety, 360Giving, feedback, jobs, CLI."""

import csv
import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from openpyxl import load_workbook
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from panel.extensions import db
from panel.models import AuditEvent, ExportJob, FundingRound
from panel.results import exports as ex
from panel.results import jobs
from panel.results.cli import export_command, verify_export_command
from panel.results.synthetic import seed_synthetic
from tests.conftest import PASSWORD, AuthActions, CountQueries
from tests.factories import gen_export_job
from tests.worlds import HOSTILE, gen_worked_panel, ref

SCHEMA = Path(__file__).resolve().parents[3] / "panel" / "data" / "threesixtygiving"
SHEETS = ["Summary", "Scores", "Reviews", "Criteria", "Conflicts", "Decisions", "About"]


def export_bytes(round_id: int, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    ex.write_export(db.session.get(FundingRound, round_id), ex.ExportOptions(fmt, **options), out)
    db.session.rollback()
    return out.getvalue()


def workbook(data: bytes) -> Any:
    return load_workbook(io.BytesIO(data), read_only=False)


def records(ws: Any) -> list[dict[str, Any]]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def all_text(book: Any) -> str:
    return "\n".join(
        str(cell.value) for ws in book.worksheets for row in ws.iter_rows() for cell in row
    )


@pytest.fixture
def export_routes(app: Flask) -> None:
    """The export URLs as the lead wires them in views.py (added here until they are)."""
    from panel.results import export_views as v

    rules = [
        ("/rounds/<int:round_id>/export", "export_page", v.export_page, ["GET"]),
        ("/rounds/<int:round_id>/export", "start_export", v.start_export, ["POST"]),
        ("/rounds/<int:round_id>/export/jobs/<int:job_id>", "job_status", v.job_status, ["GET"]),
        (
            "/rounds/<int:round_id>/export/jobs/<int:job_id>/download",
            "download",
            v.download,
            ["GET"],
        ),
        ("/rounds/<int:round_id>/export/<fmt>", "download_now", v.download_now, ["GET"]),
    ]
    for rule, name, view, methods in rules:
        if f"results.{name}" not in app.view_functions:
            app.add_url_rule(rule, f"results.{name}", view, methods=methods)


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
    assert "HA-fund-2025-R1" in about["Lottery draw"]
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


# --------------------------------------------------------------------------- 360Giving


def giving_validator() -> Draft202012Validator:
    package = json.loads((SCHEMA / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA / "360-giving-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [
            (package["properties"]["grants"]["items"]["$ref"], resource),
            (grant["$id"], resource),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def test_the_360giving_package_validates_against_the_schema(app: Flask) -> None:
    app.config.update(
        PANEL_FUNDER_NAME="Riverside Homes",
        PANEL_FUNDER_ORG_ID="GB-COH-01234567",
        PANEL_360G_PREFIX="360G-riverside",
    )
    panel = gen_worked_panel()
    package = json.loads(export_bytes(panel.round_id, "360giving-json"))
    errors = sorted(giving_validator().iter_errors(package), key=str)
    assert not errors, [e.message for e in errors]
    grants = {g["id"]: g for g in package["grants"]}
    # Only confirmed fund / fund-in-part decisions: F and A (E is a draft, D declined).
    assert set(grants) == {f"360G-riverside-{ref('F')}", f"360G-riverside-{ref('A')}"}
    a = grants[f"360G-riverside-{ref('A')}"]
    assert a["amountAwarded"] == 3000 and a["amountAppliedFor"] == 4000
    assert a["currency"] == "GBP"
    assert a["recipientOrganization"][0]["id"] == "GB-CHC-1164883"
    assert a["fundingOrganization"] == [{"id": "GB-COH-01234567", "name": "Riverside Homes"}]
    f = grants[f"360G-riverside-{ref('F')}"]
    assert f["recipientOrganization"][0]["id"] == "360G-riverside-org-group-f"


def test_a_package_missing_a_required_field_fails_the_same_validation(app: Flask) -> None:
    panel = gen_worked_panel()
    package = json.loads(export_bytes(panel.round_id, "360giving-json"))
    del package["grants"][0]["awardDate"]
    assert list(giving_validator().iter_errors(package))


def test_the_360giving_spreadsheet_has_the_standards_columns(app: Flask) -> None:
    panel = gen_worked_panel()
    book = workbook(export_bytes(panel.round_id, "360giving"))
    assert book.sheetnames == ["grants"]
    rows = records(book["grants"])
    assert list(rows[0]) == ex.GRANTS_HEADERS
    by_id = {r["Identifier"]: r for r in rows}
    a = by_id[f"360G-example-{ref('A')}"]
    assert a["Amount Awarded"] == 3000 and a["Amount Applied For"] == 4000
    assert a["Funding Org:Name"] == "Example Housing Association"
    assert a["Funding Org:Identifier"] == "GB-CHC-000000"
    assert a["Recipient Org:Charity Number"] == "1164883"
    assert len(a["Award Date"]) == 10 and a["Award Date"][4] == "-"
    assert a["From An Open Call?"] == "Yes"
    assert len(rows) == 2


def test_recipients_get_org_ids_from_their_registration_numbers() -> None:
    def org(charity: str | None = None, company: str | None = None) -> str:
        return ex.recipient_org_id(
            charity_number=charity, company_number=company, name="Oak Lane Group", prefix="360G-x"
        )

    assert org("1164883") == "GB-CHC-1164883"
    assert org("SC042386") == "GB-SC-SC042386"
    assert org("NIC100001") == "GB-NIC-100001"
    assert org(company="1234567") == "GB-COH-01234567"
    assert org(company="SC123456") == "GB-COH-SC123456"
    assert org() == "360G-x-org-oak-lane-group"


def test_360giving_refuses_a_round_with_no_confirmed_awards(app: Flask) -> None:
    panel = gen_worked_panel(decisions=False)
    with pytest.raises(ex.ExportError, match="no confirmed awards"):
        export_bytes(panel.round_id, "360giving-json")


# --------------------------------------------------------------------------- feedback


def test_feedback_is_one_row_per_application_with_comments_and_no_names(app: Flask) -> None:
    panel = gen_worked_panel()
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


# --------------------------------------------------------------------------- CLI


def test_the_export_command_writes_each_format(app: Flask, tmp_path: Path) -> None:
    panel = gen_worked_panel()
    runner = app.test_cli_runner()
    for fmt in ("xlsx", "csv", "360giving", "360giving-json", "feedback"):
        out = tmp_path / f"out-{fmt}"
        result = runner.invoke(
            export_command, ["worked-panel", "--format", fmt, "--output", str(out)]
        )
        assert result.exit_code == 0, result.output
        assert f"Wrote {out}" in result.output
        assert out.stat().st_size > 100
        assert not out.with_name(out.name + ".part").exists()
    result = runner.invoke(
        export_command,
        [str(panel.round_id), "--output", str(tmp_path / "a.xlsx"), "--anonymise"],
    )
    assert result.exit_code == 0, result.output
    assert panel.names[0] not in all_text(load_workbook(tmp_path / "a.xlsx"))
    verified = runner.invoke(verify_export_command, [str(tmp_path / "a.xlsx")])
    assert verified.exit_code == 0, verified.output


def test_the_export_command_explains_an_unknown_round(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        export_command, ["no-such-round", "--output", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 1
    assert "There is no round 'no-such-round'" in result.output
    assert not (tmp_path / "x.xlsx").exists()


# --------------------------------------------------------------------------- web


def test_staff_download_a_small_export_straight_away(
    app: Flask, client: Any, export_routes: None
) -> None:
    """Item 18: a download is an attachment with Cache-Control: no-store."""
    panel = gen_worked_panel()
    staff_email = "worked-panel.staff@example.org"
    _set_password(staff_email)
    AuthActions(client).login(staff_email)
    page = client.get(f"/rounds/{panel.round_id}/export")
    assert page.status_code == 200
    assert "Export results" in page.text and "360Giving" in page.text
    started = client.post(
        f"/rounds/{panel.round_id}/export", data={"fmt": "xlsx", "anonymise": "y"}
    )
    assert started.status_code == 302
    response = client.get(started.headers["Location"])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "worked-panel-results-anonymised.xlsx" in disposition
    book = workbook(response.data)
    assert book.sheetnames == SHEETS
    assert panel.names[1] not in all_text(book)
    audit = db.session.execute(
        sa.select(AuditEvent.action).where(AuditEvent.round_id == panel.round_id)
    ).scalars()
    assert "results.exported" in list(audit)
    csv_response = client.get(f"/rounds/{panel.round_id}/export/csv")
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    assert csv_response.headers["Cache-Control"] == "no-store"


def test_the_export_form_says_what_to_choose(app: Flask, client: Any, export_routes: None) -> None:
    panel = gen_worked_panel()
    _set_password("worked-panel.staff@example.org")
    AuthActions(client).login("worked-panel.staff@example.org")
    response = client.post(f"/rounds/{panel.round_id}/export", data={})
    assert response.status_code == 400
    assert "Choose what to export" in response.text
    assert response.text.count("Choose what to export") >= 2  # summary and by the field


def test_residents_and_panellists_cannot_export(
    app: Flask, client: Any, export_routes: None
) -> None:
    """Items 2 and 4: panellists get 404 on every export."""
    panel = gen_worked_panel()
    email = "worked-panel.p1@example.org"
    _set_password(email)
    AuthActions(client).login(email)
    for url in (
        f"/rounds/{panel.round_id}/export",
        f"/rounds/{panel.round_id}/export/xlsx",
        f"/rounds/{panel.round_id}/export/csv",
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert b"Reference" not in response.data


def test_a_large_export_runs_in_the_background_and_offers_the_file(
    app: Flask, client: Any, export_routes: None
) -> None:
    """Item 18: a job's file is an attachment with no-store."""
    app.config["PANEL_EXPORT_INLINE_MAX_SCORES"] = 10
    panel = gen_worked_panel()
    _set_password("worked-panel.staff@example.org")
    AuthActions(client).login("worked-panel.staff@example.org")
    started = client.post(f"/rounds/{panel.round_id}/export", data={"fmt": "xlsx"})
    assert started.status_code == 302
    assert "/export/jobs/" in started.headers["Location"]
    job_id = int(started.headers["Location"].rsplit("/", 1)[1])
    jobs.wait(job_id, timeout=60)
    job = db.session.get(ExportJob, job_id)
    assert job is not None and job.status == "done", job and job.error
    assert job.progress == job.total > 0
    page = client.get(started.headers["Location"])
    assert "Your export is ready" in page.text and "Refresh" not in page.headers
    download = client.get(f"/rounds/{panel.round_id}/export/jobs/{job_id}/download")
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["Cache-Control"] == "no-store"
    book = workbook(download.data)
    assert book.sheetnames == SHEETS
    assert len(records(book["Scores"])) == 54
    # The small csv still streams straight back, whatever the threshold.
    quick = client.post(f"/rounds/{panel.round_id}/export", data={"fmt": "csv"})
    assert "/export/csv" in quick.headers["Location"]


def test_a_running_job_page_refreshes_itself_and_shows_progress(
    app: Flask, client: Any, export_routes: None
) -> None:
    panel = gen_worked_panel()
    job = gen_export_job(
        panel.round_id,
        panel.staff_id,
        status="running",
        progress=25,
        total=100,
        filename="worked-panel-results.xlsx",
    )
    _set_password("worked-panel.staff@example.org")
    AuthActions(client).login("worked-panel.staff@example.org")
    page = client.get(f"/rounds/{panel.round_id}/export/jobs/{job.id}")
    assert page.headers["Refresh"] == "3"
    assert "25% done" in page.text
    assert client.get(f"/rounds/{panel.round_id}/export/jobs/{job.id}/download").status_code == 404
    other = gen_worked_panel(slug="other-round", prefix="CF27")
    assert client.get(f"/rounds/{other.round_id}/export/jobs/{job.id}").status_code == 404


def test_a_failed_job_says_so_in_plain_words(app: Flask) -> None:
    panel = gen_worked_panel(decisions=False)
    staff = db.session.get(FundingRound, panel.round_id)
    assert staff is not None
    from panel.models import User

    actor = db.session.get(User, panel.staff_id)
    job = jobs.start_job(round_=staff, options=ex.ExportOptions("360giving-json"), actor=actor)
    job_id = job.id
    db.session.commit()  # the thread needs SQLite's write lock: read nothing until it ends
    jobs.launch(app, job_id)
    jobs.wait(job_id)
    assert job.status == "failed"
    assert job.error is not None and "no confirmed awards" in job.error


def _set_password(email: str) -> None:
    from argon2 import PasswordHasher

    from panel.models import User
    from tests.conftest import LIGHT_HASHING

    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one()
    user.password_hash = PasswordHasher(**LIGHT_HASHING).hash(PASSWORD)
    db.session.commit()


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
