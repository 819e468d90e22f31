"""Making an export: the chosen format written to a file, with progress for a long one."""

import json
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import IO, Any

from sqlalchemy import func

from panel.audit import record
from panel.database import reads_only
from panel.extensions import db
from panel.fund.identity import placeholder_problem
from panel.models import Application, FundingRound, Review, ReviewStatus, Score, User
from panel.results.exports.about import about_sheet
from panel.results.exports.coproduction import coproduction_sheet
from panel.results.exports.feedback import feedback_sheet
from panel.results.exports.giving import giving_package, grants_sheet
from panel.results.exports.names import Names
from panel.results.exports.options import FORMATS, ExportError, ExportOptions, variant
from panel.results.exports.scores_csv import write_scores_csv
from panel.results.exports.sheets import (
    conflicts_sheet,
    criteria_sheet,
    decisions_sheet,
    reviews_sheet,
    scores_sheet,
    summary_sheet,
)
from panel.results.exports.spreadsheet import Sheet, XlsxWriter, write_csv
from panel.results.services import compute

Progress = Callable[[int, int], None]

# Exports that name the funder to the world (360Giving) or to applicants (feedback letters).
NEEDS_FUNDER = ("360giving", "360giving-json", "feedback")

# How an export was made, as its audit record says.
VIA_WEB = "web"
VIA_JOB = "background job"
VIA_CLI = "command line"


def score_count(round_id: int) -> int:
    """How many submitted scores the round has: about the size of an export (a few of them may
    belong to reviews the results do not count)."""
    return int(
        db.session.execute(
            db.select(func.count())
            .select_from(Score)
            .join(Review, Score.review_id == Review.id)
            .where(
                Review.round_id == round_id,
                Review.status == ReviewStatus.SUBMITTED,
            )
        ).scalar_one()
    )


def estimated_rows(round_: FundingRound) -> int:
    """Progress total: the submitted scores (the bulk of a workbook) and a row per application."""
    apps = db.session.execute(
        db.select(func.count()).select_from(Application).where(Application.round_id == round_.id)
    ).scalar_one()
    return score_count(round_.id) + int(apps)


def write_export(
    round_: FundingRound,
    options: ExportOptions,
    out: IO[bytes],
    *,
    progress: Progress | None = None,
    conn: Any = None,
    now: datetime | None = None,
    release: Callable[[], None] | None = None,
) -> None:
    """Write the chosen export of the round to `out`; `conn` streams the large sheets.

    `release` is called once the session's reads are done, so a background job can end the
    session's transaction before the long streaming reads (which use `conn`). With `release`
    (a job beside people scoring), the session's reads run in a read-only transaction (on
    SQLite: no write lock, so saves go on meanwhile) and every sheet except the streamed Scores
    and Reviews is read in full there; the file is then written outside any write transaction,
    and `progress` may record progress in short transactions of its own.
    """
    if options.fmt not in FORMATS:
        raise ExportError(f"There is no export called {options.fmt!r}.")
    if release is None:
        _write(round_, options, out, progress=progress, conn=conn, now=now, release=None)
        return
    with ExitStack() as reading:
        reading.enter_context(reads_only())

        def end_reading() -> None:
            reading.close()  # the read-only transaction ends: progress may be written now
            release()

        _write(round_, options, out, progress=progress, conn=conn, now=now, release=end_reading)


def _write(
    round_: FundingRound,
    options: ExportOptions,
    out: IO[bytes],
    *,
    progress: Progress | None,
    conn: Any,
    now: datetime | None,
    release: Callable[[], None] | None,
) -> None:
    if options.fmt in NEEDS_FUNDER:
        problem = placeholder_problem()
        if problem is not None:  # never publish grants or write letters as "Example Housing"
            raise ExportError(problem)
    exported_at = now or datetime.now(UTC)
    conn = conn if conn is not None else db.session
    total = estimated_rows(round_)
    done = 0

    def tick(rows: int) -> None:
        nonlocal done
        done += rows
        if progress is not None:
            progress(min(done, total), total)

    if options.fmt == "scores-csv":
        write_scores_csv(
            round_, out, anonymise=options.anonymise, conn=conn, release=release, progress=tick
        )
    elif options.fmt in ("xlsx", "csv"):
        results = compute(round_)
        names = Names(round_.id, anonymise=options.anonymise)
        # Every sheet is set up (its session reads done) before `release`; the long streams
        # (Scores, Reviews) then read through `conn`.
        sheets = [summary_sheet(results)]
        if options.fmt == "xlsx":
            sheets += [
                scores_sheet(results, names, conn, stored_times=True),
                reviews_sheet(results, names, conn),
                criteria_sheet(results, names),
                conflicts_sheet(round_.id, names, anonymise=options.anonymise),
                decisions_sheet(round_.id, names),
                about_sheet(
                    results, exported_at=exported_at, anonymise=options.anonymise, names=names
                ),
                coproduction_sheet(round_),
            ]
        if release is not None:
            for sheet in sheets:
                if sheet.name not in ("Scores", "Reviews"):  # these two stream through `conn`
                    sheet.rows = list(sheet.rows)  # read now, in the read-only transaction
            release()
        if options.fmt == "csv":
            write_csv(sheets[0], out)
            tick(total)
            return
        write_book(out, sheets, tick)
    elif options.fmt == "360giving":
        grants = grants_sheet(round_, exported_at=exported_at)
        if release is not None:
            grants.rows = list(grants.rows)
            release()
        write_book(out, [grants], None)
    elif options.fmt == "360giving-json":
        package = giving_package(round_, exported_at=exported_at)
        if release is not None:
            release()
        out.write(json.dumps(package, ensure_ascii=False, indent=2).encode("utf-8"))
    else:
        feedback = feedback_sheet(compute(round_), comments=options.comments, conn=conn)
        if release is not None:
            release()
        feedback.progress_rows = True
        write_book(out, [feedback], tick)
    if progress is not None:
        progress(total, total)


def write_book(out: IO[bytes], sheets: list[Sheet], tick: Callable[[int], None] | None) -> None:
    """The sheets as one workbook in `out`; its temporary files go whatever happens."""
    book = XlsxWriter()
    try:
        for sheet in sheets:
            book.add(sheet, progress=tick if sheet.progress_rows else None)
        book.save(out)
    finally:
        book.discard()


def record_export(
    *,
    round_: FundingRound,
    options: ExportOptions,
    actor: User | None,
    via: str,
    job_id: int | None = None,
) -> None:
    """Audit an export once its file is made: which one, whether names were hidden, how it was
    made (web, background job or command line; a command has no signed-in actor)."""
    after: dict[str, Any] = {
        "format": variant(options),
        "anonymise": options.anonymise,
        "via": via,
    }
    if job_id is not None:
        after["job"] = job_id
    record(
        actor=actor,
        action="results.exported",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after=after,
    )
