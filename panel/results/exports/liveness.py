"""Whether a background export is still alive: its heartbeat, and one rule for a dead job.

Whatever runs a job (the task queue's worker, jobs.run_export -> jobs.run_job)
writes its heartbeat while it works, every PANEL_EXPORT_HEARTBEAT_SECONDS (default 10), in
short transactions of its own (`heartbeat`). A job queued or running that has not been heard
from for PANEL_EXPORT_DEAD_AFTER_SECONDS (default 60; its creation counts as being heard from)
is dead: its worker was killed, reloaded or restarted, or lost its database or its disk before
it could say so. Wherever jobs are listed they are shown through `shown`, so a dead job is
"failed" within a minute with a plain message, and a dead job can never store a file later
(jobs.store_file asks `alive`). docs/security.md item 45.
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import Flask, current_app

from panel.database import rows_changed
from panel.extensions import db
from panel.models import ExportJob

log = logging.getLogger(__name__)
DEFAULT_HEARTBEAT_SECONDS = 10.0
DEFAULT_DEAD_AFTER_SECONDS = 60.0
UNFINISHED = ("queued", "running")
DEAD_TEXT = (
    "The export stopped before it finished: the server making it stopped or restarted, or "
    "lost its connection to the database. Nothing else was affected. Start it again."
)


def heartbeat_seconds(app: Flask | None = None) -> float:
    """How often a running job writes its heartbeat."""
    config = (app or current_app).config
    return float(config.get("PANEL_EXPORT_HEARTBEAT_SECONDS", DEFAULT_HEARTBEAT_SECONDS))


def dead_after() -> timedelta:
    """How long an unfinished job may go unheard before it is taken for dead."""
    seconds = current_app.config.get("PANEL_EXPORT_DEAD_AFTER_SECONDS", DEFAULT_DEAD_AFTER_SECONDS)
    return timedelta(seconds=float(seconds))


def last_heard() -> Any:
    """SQL: when the job was last heard from (its heartbeat, or its creation)."""
    return sa.func.coalesce(ExportJob.heartbeat_at, ExportJob.created_at)


def alive(now: datetime | None = None) -> Any:
    """SQL condition: the job was heard from within the limit (it may still finish)."""
    return last_heard() >= (now or datetime.now(UTC)) - dead_after()


def dead(now: datetime | None = None) -> Any:
    """SQL condition: the job is unfinished and has not been heard from within the limit."""
    return sa.and_(ExportJob.status.in_(UNFINISHED), sa.not_(alive(now)))


def looks_dead(job: ExportJob, now: datetime | None = None) -> bool:
    """The same rule as `dead`, on a job already loaded."""
    heard = job.heartbeat_at or job.created_at
    return job.status in UNFINISHED and heard < (now or datetime.now(UTC)) - dead_after()


@dataclass(frozen=True)
class Shown:
    """A job as people are shown it: a dead job is failed, with the plain message."""

    job: ExportJob
    status: str
    error: str | None

    @property
    def working(self) -> bool:
        return self.status in UNFINISHED


def shown(job: ExportJob, now: datetime | None = None) -> Shown:
    """How to show the job now (nothing is written: page views only read)."""
    if looks_dead(job, now):
        return Shown(job, "failed", DEAD_TEXT)
    return Shown(job, job.status, job.error)


def fail_if_dead(job_id: int) -> bool:
    """Record a dead job as failed (in the caller's transaction); True if it was."""
    now = datetime.now(UTC)
    done = rows_changed(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, dead(now))
        .values(status="failed", error=DEAD_TEXT, finished_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(done)


def beat(job_id: int) -> bool:
    """Write the job's heartbeat now, in a short transaction of its own; False when the job is
    no longer unfinished (stopped by an erasure, or recorded as dead)."""
    with db.engine.begin() as conn:
        done = conn.execute(
            sa.update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status.in_(UNFINISHED))
            .values(heartbeat_at=datetime.now(UTC))
        )
    return bool(cast("sa.CursorResult[Any]", done).rowcount)


@contextmanager
def heartbeat(app: Flask, job_id: int) -> Iterator[None]:
    """Beat for the job from a thread of its own while the block runs, however it ends.

    A beat that cannot be written (the database is away for a moment) is logged and the next
    one tried; when the process dies, the beats stop with it, and the job is dead a minute on.
    """
    stop = threading.Event()
    every = heartbeat_seconds(app)

    def run() -> None:
        with app.app_context():
            try:
                while not stop.wait(every):
                    try:
                        beat(job_id)
                    except Exception:  # the database may come back before the limit
                        log.warning("export job %s: heartbeat not written", job_id, exc_info=True)
            finally:
                db.session.remove()

    thread = threading.Thread(target=run, name=f"export-job-{job_id}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)
