"""The task queue on both of its backends: SqliteHuey (the embedded default) and RedisHuey
(production, PANEL_REDIS_URL; Redis at 127.0.0.1:6379, started by .ci/run). Each test runs a
real consumer in threads of the test process and gives it real work: a background export and
the outbox, through the same code as `flask --app panel worker`."""

import time
import uuid
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from panel import queue
from panel import tasks as timetable
from panel.extensions import db
from panel.models import ExportJob, FundingRound, PasswordLink, User
from panel.models.types import utcnow
from panel.results import exports as ex
from panel.results.exports import jobs, liveness
from tests.factories import gen_export_job, gen_user
from tests.worlds import gen_worked_panel

REDIS_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["sqlite", "redis"])
def backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> Iterator[str]:
    """The app's queue on SQLite (a file of this test's) or on Redis (a queue of this test's)."""
    if request.param == "redis":
        app.config["PANEL_REDIS_URL"] = REDIS_URL
        name = queue.huey.name
        queue.huey.name = f"grant-panel-test-{uuid.uuid4().hex[:8]}"
        try:
            queue.configure(app)
            yield "redis"
        finally:
            queue.huey.storage.flush_all()
            queue.huey.name = name
            app.config.pop("PANEL_REDIS_URL")
        return
    app.config["PANEL_QUEUE_FILE"] = str(tmp_path / "queue.sqlite3")
    queue.configure(app)
    yield "sqlite"


def test_the_storage_follows_the_settings(app: Flask, backend: str) -> None:
    """SqliteHuey in a file by default; RedisHuey when PANEL_REDIS_URL is set."""
    kind = type(queue.huey.storage).__name__
    assert kind == ("RedisStorage" if backend == "redis" else "SqliteStorage")


def test_a_background_export_runs_on_the_worker_not_in_the_web_process(
    app: Flask, backend: str
) -> None:
    """A job started by staff is queued when its transaction commits and made by the worker;
    nothing runs it until a worker does."""
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    staff = db.session.get(User, panel.staff_id)
    assert round_ is not None and staff is not None
    job = jobs.start_job(round_=round_, options=ex.ExportOptions("xlsx"), actor=staff)
    job_id = job.id
    db.session.commit()
    assert queue.huey.pending_count() == 1  # queued, and waiting for a worker
    assert jobs.wait(job_id, timeout=0.5) == "queued"
    with queue.run_consumer():
        assert jobs.wait(job_id, timeout=60) == "done"
    finished = db.session.get(ExportJob, job_id)
    assert finished is not None and finished.content and finished.heartbeat_at is not None


def test_a_rolled_back_action_queues_nothing(app: Flask, backend: str) -> None:
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    staff = db.session.get(User, panel.staff_id)
    assert round_ is not None and staff is not None
    jobs.start_job(round_=round_, options=ex.ExportOptions("xlsx"), actor=staff)
    db.session.rollback()
    db.session.commit()
    assert queue.huey.pending_count() == 0


def test_the_timetable_clears_expired_links_old_exports_and_dead_jobs(
    app: Flask, backend: str
) -> None:
    """Periodic tasks, run by the worker's scheduler: expired or used password links go, export
    files past PANEL_EXPORT_KEEP_DAYS are deleted with a plain message, and a job whose worker
    died is recorded failed (item 45's rule), never left running."""
    person = gen_user(with_password=False)
    now = utcnow()
    db.session.add_all(
        [
            PasswordLink(
                user_id=person.id,
                token_hash="a" * 64,
                purpose="invite",
                expires_at=now - timedelta(days=2),
            ),
            PasswordLink(
                user_id=person.id,
                token_hash="b" * 64,
                purpose="invite",
                expires_at=now + timedelta(days=2),
            ),
        ]
    )
    panel = gen_worked_panel()
    old = gen_export_job(
        panel.round_id, panel.staff_id, content=b"x", finished_at=now - timedelta(days=8)
    )
    fresh = gen_export_job(panel.round_id, panel.staff_id, content=b"y", finished_at=now)
    dead = gen_export_job(
        panel.round_id, panel.staff_id, status="running", heartbeat_at=now - timedelta(minutes=5)
    )
    db.session.commit()
    # The worker's scheduler queues each periodic task on its timetable; queue them now.
    # (huey keeps no results of periodic tasks: the rows show what they did.)
    with queue.run_consumer():
        timetable.clear_expired_links()
        timetable.clear_old_exports()
        timetable.fail_dead_exports()
        wait_for(lambda: _status(dead.id) == "failed" and _status(old.id) == "deleted")
        wait_for(lambda: _links() == ["b"])
    assert (_status(old.id), _status(fresh.id)) == ("deleted", "done")
    died = db.session.get(ExportJob, dead.id)
    assert died is not None and (died.status, died.error) == ("failed", liveness.DEAD_TEXT)


def _status(job_id: int) -> str:
    status = db.session.execute(
        db.select(ExportJob.status).where(ExportJob.id == job_id)
    ).scalar_one()
    db.session.commit()
    return str(status)


def _links() -> list[str]:
    found = [h[0] for h in db.session.execute(db.select(PasswordLink.token_hash)).scalars()]
    db.session.commit()
    return found


def wait_for(check: Callable[[], bool], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_worker_command_is_there(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["worker", "--help"])
    assert result.exit_code == 0 and "task queue" in result.output
