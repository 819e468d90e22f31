"""Erasing an applicant's personal data reaches the export files kept in the database (item 30)."""

import html
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from panel.extensions import db
from panel.models import AuditEvent, ExportJob, FundingRound, User
from panel.results import exports as ex
from panel.results.exports import jobs
from tests.conftest import AuthActions
from tests.factories import gen_export_job
from tests.panel.results.export_reading import all_text, workbook
from tests.panel.results.test_export_web import _set_password
from tests.worlds import gen_worked_panel

STAFF = "worked-panel.staff@example.org"
# Background exports run on the task queue: a real worker runs while each test does.
pytestmark = pytest.mark.usefixtures("queue_worker")


def _run_job(app: Flask, round_id: int, staff_id: int, options: ex.ExportOptions) -> int:
    round_ = db.session.get(FundingRound, round_id)
    actor = db.session.get(User, staff_id)
    assert round_ is not None and actor is not None
    job = jobs.start_job(round_=round_, options=options, actor=actor)
    job_id = job.id
    db.session.commit()
    jobs.launch(job_id)
    jobs.wait(job_id)
    db.session.expire_all()
    return job_id


def _job(job_id: int) -> ExportJob:
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    return job


def test_erasing_an_applicants_details_deletes_every_stored_export_of_the_round(
    app: Flask, client: Any
) -> None:
    """Item 30: a feedback export made in the background before the erasure held the applicant's
    name and email; after it, neither that file nor any other stored export of the round can be
    downloaded, the exports page says why, and the erasure's audit record names the files."""
    panel = gen_worked_panel()
    other = gen_worked_panel(slug="other-round", prefix="CF27")
    feedback = _run_job(
        app, panel.round_id, panel.staff_id, ex.ExportOptions("feedback", comments=())
    )
    workbook_job = _run_job(app, panel.round_id, panel.staff_id, ex.ExportOptions("xlsx"))
    elsewhere = _run_job(app, other.round_id, other.staff_id, ex.ExportOptions("xlsx"))
    content = _job(feedback).content
    assert _job(feedback).status == "done" and content is not None
    assert "contact.a@example.org" in all_text(workbook(content))  # the control

    _set_password(STAFF)
    AuthActions(client).login(STAFF)
    base = f"/rounds/{panel.round_id}/applications/{panel.app_ids['A']}"
    assert "stored exports" in client.get(f"{base}/erase").get_data(as_text=True)
    assert client.post(f"{base}/erase").status_code == 302

    for job_id in (feedback, workbook_job):
        job = _job(job_id)
        assert job.status == "deleted" and job.content is None, job_id
        download = client.get(f"/rounds/{panel.round_id}/export/jobs/{job_id}/download")
        assert download.status_code == 404
        assert b"contact.a@example.org" not in download.data
        page = html.unescape(
            client.get(f"/rounds/{panel.round_id}/export/jobs/{job_id}").get_data(as_text=True)
        )
        assert "deleted when an applicant's personal data was erased" in page
        assert "Start again" in page
    assert _job(elsewhere).status == "done" and _job(elsewhere).content is not None
    listing = client.get(f"/rounds/{panel.round_id}/export").get_data(as_text=True)
    assert listing.count("Deleted") == 2
    stored = db.session.execute(
        sa.select(ExportJob.content).where(ExportJob.round_id == panel.round_id)
    ).scalars()
    assert all(c is None for c in stored)
    event = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "application.personal_data_erased")
    ).scalar_one()
    assert event.after is not None
    assert event.after["stored_exports_deleted"] == sorted([feedback, workbook_job])
    assert event.after["exports_stopped"] == []
    assert "contact.a@example.org" not in str(event.after)


def test_an_export_still_being_made_at_the_erasure_is_stopped_and_never_stored(
    app: Flask, client: Any
) -> None:
    """Item 30: an export queued or running when the data is erased may already have read it:
    it is stopped, and when its worker comes to store the file, nothing is stored."""
    panel = gen_worked_panel()
    running = gen_export_job(panel.round_id, panel.staff_id, status="running", fmt="feedback")
    queued = gen_export_job(panel.round_id, panel.staff_id, status="queued")
    _set_password(STAFF)
    AuthActions(client).login(STAFF)
    base = f"/rounds/{panel.round_id}/applications/{panel.app_ids['B']}"
    assert client.post(f"{base}/erase").status_code == 302
    for job_id in (running.id, queued.id):
        job = _job(job_id)
        assert job.status == "failed" and job.content is None
        assert job.error is not None and "personal data was erased" in job.error
    # The worker that was making the file finishes: the stopped job keeps no file.
    assert jobs.store_file(running.id, b"a file made from the erased details") is False
    db.session.expire_all()
    assert _job(running.id).status == "failed" and _job(running.id).content is None
    event = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "application.personal_data_erased")
    ).scalar_one()
    assert event.after is not None
    assert event.after["exports_stopped"] == sorted([running.id, queued.id])
