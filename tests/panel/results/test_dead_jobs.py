"""A background export whose worker died is shown as failed within a minute (item 45).

A job is alive while whoever runs it writes its heartbeat (every few seconds, in short
transactions of their own); queued or running with no heartbeat for a minute, it is failed,
wherever jobs are listed, with a plain message and a "Start again" button. The rule does not
care how the job is run: the tests kill a real process running one, and also leave job rows
whose heartbeat stopped.
"""

import html
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import ExportJob, FundingRound, User
from panel.results import exports as ex
from panel.results.exports import jobs
from panel.results.synthetic import seed_synthetic
from tests.conftest import AuthActions
from tests.factories import gen_export_job
from tests.panel.results.test_export_web import _set_password
from tests.worlds import gen_worked_panel

STAFF = "worked-panel.staff@example.org"


def _signed_in(client: FlaskClient) -> Any:
    panel = gen_worked_panel()
    _set_password(STAFF)
    AuthActions(client).login(STAFF)
    return panel


def _listing(client: FlaskClient, round_id: int) -> str:
    return html.unescape(client.get(f"/rounds/{round_id}/export").get_data(as_text=True))


def _job(job_id: int) -> ExportJob:
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job is not None
    return job


def _heard(job_id: int) -> datetime:
    """The job's heartbeat, read without keeping a transaction open (SQLite's write lock)."""
    heard = db.session.execute(
        sa.select(ExportJob.heartbeat_at).where(ExportJob.id == job_id)
    ).scalar_one()
    db.session.commit()
    assert heard is not None
    return heard


def test_a_job_not_heard_from_for_a_minute_is_failed_on_the_exports_page(
    client: FlaskClient,
) -> None:
    """Item 45: the exports page itself, not only the job's page, shows a job whose heartbeat
    stopped 61 seconds ago as failed, with why and "Start again"; one heard from 5 seconds
    ago is still in progress; a job queued two minutes ago that never started is failed too."""
    panel = _signed_in(client)
    now = datetime.now(UTC)
    dead = gen_export_job(
        panel.round_id,
        panel.staff_id,
        status="running",
        progress=7,
        total=100,
        filename="dead.xlsx",
        heartbeat_at=now - timedelta(seconds=61),
    )
    alive = gen_export_job(
        panel.round_id,
        panel.staff_id,
        status="running",
        filename="alive.xlsx",
        heartbeat_at=now - timedelta(seconds=5),
    )
    never = gen_export_job(
        panel.round_id,
        panel.staff_id,
        status="queued",
        filename="never.xlsx",
        created_at=now - timedelta(minutes=2),
    )
    page = _listing(client, panel.round_id)
    rows = {
        name: next(row for row in page.split("<tr>") if f">{name}</td>" in row)
        for name in ("dead.xlsx", "alive.xlsx", "never.xlsx")
    }
    assert "In progress" in rows["alive.xlsx"] and "Failed" not in rows["alive.xlsx"]
    assert "Failed" in rows["dead.xlsx"] and "In progress" not in rows["dead.xlsx"]
    assert "Failed" in rows["never.xlsx"] and "Start again" in rows["never.xlsx"]
    assert "Start again" in rows["dead.xlsx"] and "Start again" not in rows["alive.xlsx"]
    # The job's own page says what happened in plain words, and marks it failed for good.
    job_page = html.unescape(
        client.get(f"/rounds/{panel.round_id}/export/jobs/{dead.id}").get_data(as_text=True)
    )
    assert "The export did not work" in job_page and "Start again" in job_page
    assert "stopped before it finished" in job_page
    assert _job(dead.id).status == "failed" and _job(alive.id).status == "running"
    assert _job(never.id).status == "queued"  # shown failed; written so when its page is opened
    # A worker that comes back after being taken for dead cannot store its file.
    assert jobs.store_file(alive.id, b"late") is True  # the control: alive, it may
    late = gen_export_job(
        panel.round_id,
        panel.staff_id,
        status="running",
        heartbeat_at=now - timedelta(seconds=90),
    )
    assert jobs.store_file(late.id, b"late") is False
    assert _job(late.id).content is None


def test_start_again_makes_the_same_export_again(
    app: Flask, client: FlaskClient, queue_worker: Any
) -> None:
    """Item 45: "Start again" on a failed job posts the same choices (format, names hidden,
    which comments) and a new job makes the file."""
    app.config["PANEL_EXPORT_INLINE_MAX_SCORES"] = 10
    panel = _signed_in(client)
    gen_export_job(
        panel.round_id,
        panel.staff_id,
        fmt="feedback-overall",
        status="running",
        anonymise=True,
        filename="gone.xlsx",
        heartbeat_at=datetime.now(UTC) - timedelta(minutes=5),
    )
    page = _listing(client, panel.round_id)
    form = page[page.rindex("<form", 0, page.index("Start again")) : page.index("Start again")]
    assert 'name="fmt" value="feedback"' in form
    assert 'name="anonymise" value="y"' in form
    assert 'name="comments" value="overall"' in form and 'value="criterion"' not in form
    started = client.post(
        f"/rounds/{panel.round_id}/export",
        data={"fmt": "feedback", "anonymise": "y", "comments": ["overall"]},
    )
    assert started.status_code == 302 and "/export/jobs/" in started.headers["Location"]
    job_id = int(started.headers["Location"].rsplit("/", 1)[1])
    jobs.wait(job_id)
    again = _job(job_id)
    assert (again.status, again.format, again.anonymise) == ("done", "feedback-overall", True)
    assert again.heartbeat_at is not None


CHILD = textwrap.dedent(
    """
    import sys
    from panel import create_app
    from panel.results.exports import jobs

    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": sys.argv[1],
        "PANEL_EXPORT_HEARTBEAT_SECONDS": 0.2,
    })
    jobs.run_job(app, int(sys.argv[2]))
    """
)


@pytest.mark.slow
def test_a_worker_process_killed_mid_export_is_failed_within_the_limit(
    app: Flask, client: FlaskClient, database_url: str
) -> None:
    """Item 45: a real worker process is killed (SIGKILL) while it makes an export: the job it
    was running stays "running" in the database, and once the limit has passed with no
    heartbeat (2 seconds here, a minute in production) the exports page shows it failed."""
    app.config["PANEL_EXPORT_DEAD_AFTER_SECONDS"] = 2
    round_ = seed_synthetic(applications=300, panellists=20, criteria_count=10, seed=3)
    staff = db.session.get(User, round_.created_by_id)
    assert staff is not None
    staff.email = "synthetic.staff@example.org"
    db.session.commit()
    _set_password("synthetic.staff@example.org")
    AuthActions(client).login("synthetic.staff@example.org")
    fresh = db.session.get(FundingRound, round_.id)
    assert fresh is not None
    job = jobs.start_job(round_=fresh, options=ex.ExportOptions("xlsx"), actor=staff)
    job_id, round_id = job.id, round_.id
    db.session.commit()
    child = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", CHILD, database_url, str(job_id)],
        cwd=os.getcwd(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            beats = db.session.execute(
                sa.select(ExportJob.status, ExportJob.progress).where(ExportJob.id == job_id)
            ).one()
            db.session.commit()
            if beats.status == "running" and beats.progress > 0:
                break
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            time.sleep(0.05)
        assert beats.status == "running", beats
        first = _heard(job_id)
        time.sleep(0.6)
        assert _heard(job_id) > first  # it beats while it works
        assert "In progress" in _listing(client, round_id)  # the control: alive and beating
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)
        if child.stderr:
            child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    assert _job(job_id).status == "running"  # nothing told the database it died
    time.sleep(2.5)
    page = _listing(client, round_id)
    assert "Failed" in page and "In progress" not in page and "Start again" in page


def _can_mount_a_small_disk() -> bool:
    probe = subprocess.run(  # noqa: S603
        ["unshare", "--mount", "--propagation", "private", "mount", "-t", "tmpfs", "tmpfs", "/mnt"],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("unshare") is None or not _can_mount_a_small_disk(),
    reason="needs a private mount namespace (root or user namespaces) to make a small disk",
)
def test_a_full_disk_fails_the_job_with_a_plain_message(
    app: Flask, client: FlaskClient, database_url: str, tmp_path: Path
) -> None:
    """Item 45: a worker whose disk fills while it writes the file (a real 16 KB filesystem of
    its own as its temporary folder) records the job as failed, saying the disk is full."""
    panel = _signed_in(client)
    round_ = db.session.get(FundingRound, panel.round_id)
    actor = db.session.get(User, panel.staff_id)
    assert round_ is not None and actor is not None
    job = jobs.start_job(round_=round_, options=ex.ExportOptions("xlsx"), actor=actor)
    job_id = job.id
    db.session.commit()
    small = tmp_path / "small"
    small.mkdir()
    script = 'mount -t tmpfs -o size=16k tmpfs "$1" && TMPDIR="$1" exec "$2" -c "$3" "$4" "$5"'
    done = subprocess.run(  # noqa: S603
        ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"]
        + [str(small), sys.executable, CHILD, database_url, str(job_id)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "ENOSPC" in done.stderr or "No space left" in done.stderr  # the worker's log
    failed = _job(job_id)
    assert failed.status == "failed" and failed.content is None
    assert failed.error is not None and "ran out of disk space" in failed.error
    page = _listing(client, panel.round_id)
    assert "Failed" in page and "Start again" in page
