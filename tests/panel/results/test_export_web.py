"""Exports from the command line and the web: downloads, background jobs and their audit."""

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from panel.extensions import db
from panel.models import AuditEvent, ExportJob, FundingRound
from panel.results import exports as ex
from panel.results.cli import export_command, verify_export_command
from panel.results.exports import jobs
from tests.conftest import PASSWORD, AuthActions
from tests.factories import gen_export_job
from tests.panel.results.export_reading import all_text, records, workbook
from tests.worlds import gen_worked_panel

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


def exported(round_id: int) -> list[tuple[int | None, dict[str, Any]]]:
    """(actor id, after) of every results.exported audit record of the round, oldest first."""
    return [
        (actor, after)
        for actor, after in db.session.execute(
            sa.select(AuditEvent.actor_id, AuditEvent.after)
            .where(AuditEvent.round_id == round_id, AuditEvent.action == "results.exported")
            .order_by(AuditEvent.id)
        )
    ]


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


def test_the_export_command_writes_the_same_audit_record_as_the_web(
    app: Flask, tmp_path: Path
) -> None:
    panel = gen_worked_panel()
    assert exported(panel.round_id) == []
    runner = app.test_cli_runner()
    out = tmp_path / "feedback.xlsx"
    result = runner.invoke(
        export_command,
        ["worked-panel", "--format", "feedback", "--comments", "overall", "--output", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert exported(panel.round_id) == [
        (None, {"format": "feedback-overall", "anonymise": False, "via": "command line"})
    ]
    summary = runner.invoke(
        export_command, ["worked-panel", "--format", "csv", "--output", str(tmp_path / "x.csv")]
    )
    assert summary.exit_code == 0, summary.output
    # A refused export writes no file and no record.
    gen_worked_panel(slug="undecided", prefix="CF27", decisions=False)
    nothing = runner.invoke(
        export_command,
        ["undecided", "--format", "360giving-json", "--output", str(tmp_path / "g.json")],
    )
    assert nothing.exit_code == 1 and "no confirmed awards" in nothing.output
    assert not (tmp_path / "g.json").exists()
    assert not (tmp_path / "g.json.part").exists()
    assert [after["format"] for _actor, after in exported(panel.round_id)] == [
        "feedback-overall",
        "csv",
    ]


def test_the_export_command_explains_an_unknown_round(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(
        export_command, ["no-such-round", "--output", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 1
    assert "There is no round 'no-such-round'" in result.output
    assert not (tmp_path / "x.xlsx").exists()


# --------------------------------------------------------------------------- web


def test_staff_download_a_small_export_straight_away(app: Flask, client: Any) -> None:
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
    assert exported(panel.round_id) == [
        (panel.staff_id, {"format": "xlsx", "anonymise": True, "via": "web"})
    ]
    csv_response = client.get(f"/rounds/{panel.round_id}/export/csv")
    assert csv_response.data.startswith(b"\xef\xbb\xbf")
    assert csv_response.headers["Cache-Control"] == "no-store"


def test_the_export_form_says_what_to_choose(app: Flask, client: Any) -> None:
    panel = gen_worked_panel()
    _set_password("worked-panel.staff@example.org")
    AuthActions(client).login("worked-panel.staff@example.org")
    response = client.post(f"/rounds/{panel.round_id}/export", data={})
    assert response.status_code == 400
    assert "Choose what to export" in response.text
    assert response.text.count("Choose what to export") >= 2  # summary and by the field


def test_residents_and_panellists_cannot_export(app: Flask, client: Any) -> None:
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
    app: Flask, client: Any, queue_worker: Any
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
    assert exported(panel.round_id) == [
        (
            panel.staff_id,
            {"format": "xlsx", "anonymise": False, "via": "background job", "job": job_id},
        )
    ]
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


def test_a_running_job_page_refreshes_itself_and_shows_progress(app: Flask, client: Any) -> None:
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


@pytest.mark.usefixtures("queue_worker")
def test_a_failed_job_says_so_in_plain_words(app: Flask) -> None:
    panel = gen_worked_panel(decisions=False)
    staff = db.session.get(FundingRound, panel.round_id)
    assert staff is not None
    from panel.models import User

    actor = db.session.get(User, panel.staff_id)
    job = jobs.start_job(round_=staff, options=ex.ExportOptions("360giving-json"), actor=actor)
    job_id = job.id
    db.session.commit()  # the thread needs SQLite's write lock: read nothing until it ends
    jobs.launch(job_id)
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
