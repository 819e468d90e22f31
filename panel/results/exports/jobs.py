"""Background exports: large exports run on the task queue, their state kept in the database.

No web request waits more than 10 seconds: an export of more submitted scores than
PANEL_EXPORT_INLINE_MAX_SCORES (default 20,000; about 1.5 s of xlsx per 20,000 score rows)
becomes an ExportJob. The request that starts it returns at once; the job is queued on the
task queue (panel.queue) when the request's transaction commits, and the worker
(`flask --app panel worker`) makes the file: nothing runs in a thread of the web process.
Any web worker can show the job's progress and serve its file, because both live in the
export_job row. While a job runs it writes its heartbeat (liveness.heartbeat); a job whose
worker dies is shown failed within a minute wherever jobs are listed, is recorded as failed by
the worker's periodic check (panel/tasks.py), and can never store a file afterwards.
"""

import errno
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.pool import NullPool

from panel.applications.changes import erasure_step
from panel.audit import record
from panel.database import rows_changed
from panel.extensions import db
from panel.models import Application, ExportJob, FundingRound, User
from panel.models.types import utcnow
from panel.queue import later, task
from panel.results.exports import liveness
from panel.results.exports.make import (
    VIA_JOB,
    estimated_rows,
    record_export,
    score_count,
    write_export,
)
from panel.results.exports.options import (
    FEEDBACK_VARIANTS,
    ExportError,
    ExportOptions,
    export_filename,
    variant,
)
from panel.results.services import ResultsUnavailable

log = logging.getLogger(__name__)
DEFAULT_INLINE_MAX_SCORES = 20_000
PROGRESS_SECONDS = 0.5
WAIT_POLL_SECONDS = 0.1


def options_of(job: ExportJob) -> ExportOptions:
    """The export options a job was started with."""
    if job.format in FEEDBACK_VARIANTS:
        return ExportOptions("feedback", job.anonymise, FEEDBACK_VARIANTS[job.format])
    return ExportOptions(job.format, job.anonymise)


def inline_limit() -> int:
    """Exports with more submitted scores than this run in the background."""
    return int(current_app.config.get("PANEL_EXPORT_INLINE_MAX_SCORES", DEFAULT_INLINE_MAX_SCORES))


def needs_job(round_: FundingRound, options: ExportOptions) -> bool:
    """True when the export is too big to make within one web request."""
    if options.fmt in ("csv", "360giving", "360giving-json"):
        return False  # one row per application: always quick
    return score_count(round_.id) > inline_limit()


def start_job(*, round_: FundingRound, options: ExportOptions, actor: User) -> ExportJob:
    """Start a background export (staff only); it is queued when the caller commits."""
    job = ExportJob(
        round_id=round_.id,
        requested_by_id=actor.id,
        format=variant(options),
        anonymise=options.anonymise,
        status="queued",
        total=estimated_rows(round_),
        filename=export_filename(round_, options.fmt, anonymise=options.anonymise),
    )
    db.session.add(job)
    db.session.flush()
    record(
        actor=actor,
        action="results.export_started",
        object_type="export_job",
        object_id=job.id,
        round_id=round_.id,
        after={"format": job.format, "anonymise": job.anonymise},
    )
    later(run_export, job.id)
    return job


@task()
def run_export(job_id: int) -> None:
    """The queue's task: make one export job's file (in the worker's app)."""
    run_job(current_app._get_current_object(), job_id)  # type: ignore[attr-defined]


def launch(job_id: int) -> None:
    """Queue a committed job now (one whose queued task was lost, or made by a command)."""
    run_export(job_id)


def wait(job_id: int, timeout: float = 60) -> str:
    """Wait until the job has finished (tests and the CLI); returns its status."""
    deadline = time.monotonic() + timeout
    status = ""
    while time.monotonic() < deadline:
        status = db.session.execute(
            sa.select(ExportJob.status).where(ExportJob.id == job_id)
        ).scalar_one()
        db.session.commit()
        if status not in liveness.UNFINISHED:
            break
        time.sleep(WAIT_POLL_SECONDS)
    return status


@contextmanager
def reading_connection() -> Iterator[Any]:
    """A connection for long reads that holds no write lock.

    SQLite's write transactions here begin IMMEDIATE (panel.database), which would lock out
    every other writer for the whole export; a plain deferred read in WAL mode does not.
    """
    if db.engine.dialect.name == "sqlite":
        engine = sa.create_engine(db.engine.url, poolclass=NullPool)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA busy_timeout=15000")
                yield conn
        finally:
            engine.dispose()
        return
    with db.engine.connect() as conn:
        yield conn


class JobStopped(Exception):
    """The job was stopped while it ran (an erasure, or it was taken for dead): stop work."""


def _progress(job_id: int, done: int, total: int) -> None:
    """Record progress while the job still runs; JobStopped once it no longer does."""
    moved = rows_changed(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == "running")
        .values(progress=done, total=total)
    )
    db.session.commit()
    if moved != 1:
        raise JobStopped


def _fail(job_id: int, message: str) -> None:
    """Record the job as failed if it is still unfinished. Best effort: when the database is
    away, the job goes unheard and liveness shows it failed a minute on."""
    try:
        db.session.execute(
            sa.update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status.in_(liveness.UNFINISHED))
            .values(status="failed", error=message, finished_at=datetime.now(UTC))
        )
        db.session.commit()
    except Exception:
        log.exception("export job %s: its failure could not be recorded", job_id)
        db.session.rollback()


def store_file(job_id: int, content: bytes) -> bool:
    """Keep a running job's finished file and commit; False (nothing kept) when the job was
    stopped meanwhile, by an erasure of personal data, or has gone unheard past the limit.

    The row is only changed while it is still running and alive, in one conditional UPDATE, so
    a stop that commits first always wins; the caller's pending audit record goes in with the
    file, or not at all.
    """
    stored = rows_changed(
        sa.update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == "running", liveness.alive())
        .values(
            status="done",
            progress=ExportJob.total,
            content=content,
            finished_at=datetime.now(UTC),
        )
    )
    if stored != 1:
        db.session.rollback()
        return False
    db.session.commit()
    return True


def disk_full(exc: BaseException) -> bool:
    """Whether the error, or one it came from, is a full disk (lxml reports it as IO_ENOSPC)."""
    seen: BaseException | None = exc
    visited: set[int] = set()
    while seen is not None and id(seen) not in visited:
        visited.add(id(seen))
        if isinstance(seen, OSError) and seen.errno in (errno.ENOSPC, errno.EDQUOT):
            return True
        if "ENOSPC" in str(seen):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def failure_text(exc: Exception) -> str:
    """What to tell staff when a job failed, in plain words."""
    if isinstance(exc, ExportError | ResultsUnavailable):
        return str(exc)
    if disk_full(exc):
        return (
            "The server ran out of disk space while making the file, so it was not made. "
            "Nothing else was affected. Try again later; if it happens again, tell the system "
            "administrator."
        )
    return (
        "Something went wrong while making the file. Try again; if it happens again, "
        "tell the system administrator."
    )


# How much further down the job's thread goes in the CPU's queue (Linux nice values, 0 to 19).
NICER_BY = 10


@contextmanager
def giving_way() -> Iterator[None]:
    """While an export is made, its thread comes after pages and saves for the CPU: its nice
    value is raised (Linux: per thread; the heartbeat's thread keeps its own), and put back
    afterwards where the system lets it."""
    if not hasattr(os, "setpriority"):
        yield
        return
    before = os.getpriority(os.PRIO_PROCESS, 0)
    with suppress(OSError):  # not allowed here: the export runs at the usual priority
        os.setpriority(os.PRIO_PROCESS, 0, min(19, before + NICER_BY))
    try:
        yield
    finally:
        with suppress(OSError):  # only a privileged worker may go back: it stays nicer
            os.setpriority(os.PRIO_PROCESS, 0, before)


def run_job(app: Flask, job_id: int) -> None:
    """Make the job's file and store it in the job row, beating its heartbeat all the while;
    failures are recorded, not raised. Any worker can run a job, once (it takes it from
    "queued" in one conditional UPDATE)."""
    with app.app_context():
        try:
            started = rows_changed(
                sa.update(ExportJob)
                .where(ExportJob.id == job_id, ExportJob.status == "queued")
                .values(status="running", heartbeat_at=datetime.now(UTC))
            )
            db.session.commit()
            if started != 1:
                return  # gone, stopped, or another worker has it
            job = db.session.get(ExportJob, job_id)
            assert job is not None
            round_id, options, requested_by = job.round_id, options_of(job), job.requested_by_id
            round_ = db.session.get(FundingRound, round_id)
            assert round_ is not None
            last = 0.0

            def progress(done: int, total: int) -> None:
                nonlocal last
                now = time.monotonic()
                if now - last >= PROGRESS_SECONDS:
                    last = now
                    _progress(job_id, done, total)

            with (
                liveness.heartbeat(app, job_id),
                giving_way(),
                tempfile.TemporaryFile() as out,
                reading_connection() as conn,
            ):
                write_export(
                    round_, options, out, progress=progress, conn=conn, release=db.session.commit
                )
                out.seek(0)
                content = out.read()
                db.session.rollback()
                record_export(
                    round_=round_,
                    options=options,
                    actor=db.session.get(User, requested_by),
                    via=VIA_JOB,
                    job_id=job_id,
                )
                if not store_file(job_id, content):  # commits the audit record with the file
                    log.info("export job %s stopped before it finished: file not kept", job_id)
                    _fail(job_id, liveness.DEAD_TEXT)
        except JobStopped:
            db.session.rollback()
            log.info("export job %s was stopped while it ran", job_id)
        except Exception as exc:
            log.exception("export job %s failed", job_id)
            db.session.rollback()
            _fail(job_id, failure_text(exc))
        finally:
            db.session.remove()


ERASED_TEXT = (
    "This file was deleted when an applicant's personal data was erased, as it may have held "
    "their details. Start the export again to make a new one without them."
)
STOPPED_BY_ERASURE_TEXT = (
    "This export was stopped when an applicant's personal data was erased, as it may already "
    "have read their details. Start it again."
)


@erasure_step
def forget_stored_exports(application: Application) -> dict[str, Any]:
    """Erasure reaches stored files: every finished export of the round is deleted and every
    one still being made is stopped, as any of them may hold the erased details (item 30)."""
    # Stop the unfinished ones first, each in one conditional UPDATE: a job that finishes at
    # the same moment is either stopped before it stores its file (its store_file finds it no
    # longer running) or is found finished by the DELETE below.
    now = utcnow()
    stopped = db.session.execute(
        sa.update(ExportJob)
        .where(
            ExportJob.round_id == application.round_id,
            ExportJob.status.in_(("queued", "running")),
        )
        .values(status="failed", error=STOPPED_BY_ERASURE_TEXT, finished_at=now)
        .returning(ExportJob.id)
    ).scalars()
    stopped_ids = sorted(stopped)
    deleted = db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.round_id == application.round_id, ExportJob.status == "done")
        .values(status="deleted", content=None, error=ERASED_TEXT)
        .returning(ExportJob.id)
    ).scalars()
    return {"stored_exports_deleted": sorted(deleted), "exports_stopped": stopped_ids}


def recent_jobs(round_id: int, limit: int = 5) -> list[liveness.Shown]:
    """The round's latest background exports, newest first, as they are shown: a job not
    heard from for a minute is failed (liveness)."""
    return [
        liveness.shown(job)
        for job in db.session.execute(
            db.select(ExportJob)
            .where(ExportJob.round_id == round_id)
            .order_by(ExportJob.id.desc())
            .limit(limit)
        ).scalars()
    ]
