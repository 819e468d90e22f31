"""A background export never holds SQLite's write lock while it reads or writes its file
(issue 20, target 7): people's saves go on meanwhile.

A second connection tries to take the write lock at once (no waiting) at every statement the
export's session runs before it releases its reads, and at every progress tick while the file
is written; each attempt must succeed.
"""

import os
import tempfile
import threading
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask

from panel.extensions import db
from panel.models import ExportJob, FundingRound
from panel.results import exports as ex
from panel.results.exports import jobs
from panel.results.exports.jobs import reading_connection
from tests.conftest import write_lock_is_free
from tests.factories import gen_export_job
from tests.worlds import gen_worked_panel


@pytest.mark.parametrize("fmt", ["xlsx", "scores-csv", "feedback", "360giving"])
def test_a_job_export_reads_and_writes_without_holding_the_write_lock(app: Flask, fmt: str) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock")
    path = str(db.engine.url.database)
    panel = gen_worked_panel()
    db.session.commit()
    checks: list[tuple[str, bool]] = []
    released = False

    def during_reads(*_args: Any) -> None:
        if not released:
            checks.append(("read", write_lock_is_free(path)))

    def release() -> None:
        nonlocal released
        released = True
        db.session.commit()

    def progress(done: int, total: int) -> None:
        checks.append(("write", write_lock_is_free(path)))

    round_ = db.session.get(FundingRound, panel.round_id)
    sa.event.listen(db.engine, "before_cursor_execute", during_reads)
    try:
        with reading_connection() as conn, tempfile.TemporaryFile() as out:
            ex.write_export(
                round_, ex.ExportOptions(fmt), out, progress=progress, conn=conn, release=release
            )
            out.seek(0)
            assert len(out.read()) > 100
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", during_reads)
    assert released
    assert any(kind == "read" for kind, _ in checks) and any(k == "write" for k, _ in checks)
    assert all(free for _kind, free in checks), checks


def test_a_job_makes_its_file_after_pages_in_the_cpus_queue(app: Flask) -> None:
    """A background export's thread raises its nice value while it reads the round and writes
    the file, so people's pages and saves get the CPU first (issue 20, target 7); taking the job
    runs at the usual priority, and a privileged worker goes back to it afterwards."""
    if not hasattr(os, "setpriority"):
        pytest.skip("no CPU priorities on this system")
    panel = gen_worked_panel()
    job_id = gen_export_job(panel.round_id, panel.staff_id, status="queued").id
    db.session.commit()  # the job's own session takes the write lock to start it
    before = os.getpriority(os.PRIO_PROCESS, 0)
    me = threading.get_ident()
    seen: list[int] = []

    def note(*_args: Any) -> None:
        if threading.get_ident() == me:  # not the heartbeat's thread
            seen.append(os.getpriority(os.PRIO_PROCESS, 0))

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        jobs.run_job(app, job_id)
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    job = db.session.get(ExportJob, job_id)
    assert job is not None and job.status == "done" and job.content
    assert seen[0] == before  # taking the job from the queue
    assert max(seen) == min(19, before + jobs.NICER_BY)  # reading the round
    if os.geteuid() == 0:
        assert os.getpriority(os.PRIO_PROCESS, 0) == before
