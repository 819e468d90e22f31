"""Bringing applications in from a spreadsheet: keeping an upload, then importing it whole.

The file is read by panel.applications.spreadsheet and its rows checked by
panel.applications.matching; this module decides when a round takes imports and adds the
applications, all or nothing.

An import has two steps (docs/security.md items 28 and 46). Checking the rows only reads, and
runs outside the write transaction (panel.database.reads_only), so on SQLite other people's saves
go on meanwhile. Writing is one short transaction: it locks the round's row (imports into a round
run one at a time), takes the upload from pending to imported with a conditional UPDATE whose
row count decides who imports it, finds the duplicates again, and adds every row at once.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from sqlalchemy import or_, update

from panel.applications import extras, services
from panel.applications.matching import (
    Preview,
    RowResult,
    build_preview,
    existing_keys,
    find_duplicates,
    guess_mapping,
)
from panel.applications.spreadsheet import Sheet
from panel.applications.validation import FIELD_BY_KEY, clean_text
from panel.audit import record
from panel.database import rows_changed
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.application import ApplicationImport
from panel.models.types import utcnow

IMPORT_STAGES = (Stage.CODESIGN, Stage.APPLICATIONS, Stage.ELIGIBILITY)


def imports_open(round_: FundingRound) -> bool:
    """Staff may import applications into a round until its scoring starts."""
    return round_.current_stage in IMPORT_STAGES


def still_pending(upload: ApplicationImport) -> bool:
    """An upload's columns can be matched and its rows imported until it is imported or replaced."""
    return upload.status == "pending"


class ImportInvalid(services.ApplicationError):
    def __init__(self, preview: Preview) -> None:
        super().__init__(
            "Nothing was imported: fix the rows listed and upload the file again. "
            + " ".join(preview.report_lines()[:3])
        )
        self.preview = preview


class AlreadyImported(services.ApplicationError):
    """The upload was imported already (by a second press of the button, or by a colleague)."""

    def __init__(self, upload: ApplicationImport) -> None:
        count = upload.imported_count or 0
        super().__init__(
            f"Nothing more was imported: {upload.filename} had already been imported, "
            f"adding {count:,} {'application' if count == 1 else 'applications'}."
        )


class RowsChanged(services.ApplicationError):
    """What the rows repeat, or how the columns are matched, changed since they were checked."""


def _refuse_unless_open_to_imports(round_: FundingRound) -> None:
    if not imports_open(round_):
        raise services.ApplicationError(
            "Applications can no longer be added to this round: scoring has started."
        )


def _refuse_unless_pending(upload: ApplicationImport) -> None:
    if upload.status == "imported":
        raise AlreadyImported(upload)
    if not still_pending(upload):
        raise services.ApplicationError("This file has been replaced by a newer upload")


def stage_upload(
    *, round_: FundingRound, filename: str, sheet: Sheet, actor: User | None
) -> ApplicationImport:
    """Keep an uploaded file's rows in the database until staff import them (policy: staff).

    Earlier unfinished uploads of the same person for the round, and anyone's older than a day,
    are dropped with their rows.
    """
    _refuse_unless_open_to_imports(round_)
    # Anyone's upload left unfinished for a day goes too: its rows hold applicants' contact details.
    # A conditional UPDATE, so an upload imported meanwhile stays imported.
    stale = utcnow() - timedelta(days=1)
    db.session.execute(
        update(ApplicationImport)
        .where(
            ApplicationImport.round_id == round_.id,
            ApplicationImport.status == "pending",
            or_(
                ApplicationImport.created_by_id == (actor.id if actor else None),
                ApplicationImport.created_at < stale,
            ),
        )
        .values(status="cancelled", rows=[])
        .execution_options(synchronize_session=False)
    )
    upload = ApplicationImport(
        round_id=round_.id,
        filename=clean_text(filename)[:200] or "upload",
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=guess_mapping(sheet.headers, extras.questions(round_)),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def set_mapping(*, upload: ApplicationImport, mapping: dict[str, int]) -> None:
    """Staff's correction of which column holds which answer (policy: staff)."""
    _refuse_unless_pending(upload)
    asked = {q.key for q in extras.questions_by_id(upload.round_id)}
    upload.mapping = {k: v for k, v in mapping.items() if k in FIELD_BY_KEY or k in asked}


# --------------------------------------------------------------------------- checking (reads)


def check_upload(*, upload: ApplicationImport, round_: FundingRound) -> Preview:
    """Check a pending upload's rows, reading only (policy: staff); refuse if any is wrong.

    Run it outside the write transaction (panel.database.reads_only): for 2,000 rows it is the
    slow part of an import.
    """
    _refuse_unless_pending(upload)
    _refuse_unless_open_to_imports(round_)
    preview = build_preview(round_=round_, rows=upload.rows, mapping=upload.mapping)
    if not preview.can_import:
        raise ImportInvalid(preview)
    return preview


def shown_duplicates(preview: Preview) -> str:
    """The rows a preview showed as possible duplicates, as the import form sends them back."""
    return ",".join(str(r.row) for r in preview.duplicates)


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class Imported:
    created: list[Application]
    skipped: list[RowResult]


def _lock_round(round_: FundingRound) -> None:
    """Take the round's row lock for the rest of the transaction, and read the round afresh.

    Imports into one round then run one after the other (on SQLite, BEGIN IMMEDIATE already
    does this), so each finds the duplicates the one before it added.
    """
    db.session.execute(
        db.select(FundingRound)
        .where(FundingRound.id == round_.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()
    _refuse_unless_open_to_imports(round_)


def _write_rows(
    *,
    round_: FundingRound,
    preview: Preview,
    upload: ApplicationImport,
    shown: str | None,
    skip_duplicates: bool,
    actor: User | None,
) -> Imported:
    """Find the duplicates again under the lock, refuse if they changed, add the rows."""
    rows = [replace(r) for r in preview.rows]  # the caller's preview stays as it was
    find_duplicates(rows, existing_keys(round_))
    now = Preview(rows=rows, missing_columns=preview.missing_columns)
    if shown is not None and shown_duplicates(now) != shown:
        count = len(now.duplicates)
        raise RowsChanged(
            "Nothing was imported: applications were added to this round while you were "
            f"checking this file, and {count:,} of its rows now repeat an application. "
            "Check the rows again (a colleague may have imported the same file)."
        )
    keep = [r for r in now.rows if not (skip_duplicates and r.duplicate_of)]
    skipped = [r for r in now.rows if skip_duplicates and r.duplicate_of]
    created = services.create_imported(
        round_=round_, rows=[(r.row, r.values) for r in keep], import_id=upload.id, actor=actor
    )
    upload.imported_count = len(created)
    record(
        actor=actor,
        action="application.import_done",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after={
            "file": upload.filename,
            "imported": len(created),
            "duplicates_skipped": len(skipped),
            "references": [a.reference for a in created],
        },
    )
    return Imported(created=created, skipped=skipped)


def complete_import(
    *,
    upload: ApplicationImport,
    round_: FundingRound,
    preview: Preview,
    mapping: dict[str, int],
    shown: str | None,
    skip_duplicates: bool,
    actor: User,
) -> Imported:
    """Import a staged upload checked by check_upload, all or nothing, in one short write, and
    drop its stored rows (policy: staff).

    `mapping` is the one the rows were checked with, and `shown` the duplicates the person saw
    (shown_duplicates): if either changed since, nothing is imported. Only one of any number of
    imports of the same upload at the same moment goes ahead; the others raise AlreadyImported.
    """
    _lock_round(round_)
    claimed = rows_changed(
        update(ApplicationImport)
        .where(ApplicationImport.id == upload.id, ApplicationImport.status == "pending")
        .values(status="imported", rows=[], imported_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(upload)
    if claimed != 1:
        _refuse_unless_pending(upload)
    if upload.mapping != mapping:
        raise RowsChanged(
            "Nothing was imported: someone changed which column holds which answer while you "
            "were checking the rows. Check them again."
        )
    return _write_rows(
        round_=round_,
        preview=preview,
        upload=upload,
        shown=shown,
        skip_duplicates=skip_duplicates,
        actor=actor,
    )


def import_checked(
    *,
    round_: FundingRound,
    preview: Preview,
    headers: Sequence[str],
    mapping: dict[str, int],
    filename: str,
    skip_duplicates: bool,
    actor: User | None,
) -> Imported:
    """Import rows checked by build_preview (the command line), all or nothing, in one short
    write (policy: staff). The import is kept as an upload without its rows.

    If the rows repeat applications that were not there when they were checked, nothing is
    imported.
    """
    if not preview.can_import:
        raise ImportInvalid(preview)
    _lock_round(round_)
    upload = ApplicationImport(
        round_id=round_.id,
        filename=clean_text(filename)[:200] or "import",
        headers=list(headers),
        rows=[],
        mapping=mapping,
        status="imported",
        imported_at=utcnow(),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(upload)
    db.session.flush()
    return _write_rows(
        round_=round_,
        preview=preview,
        upload=upload,
        shown=shown_duplicates(preview),
        skip_duplicates=skip_duplicates,
        actor=actor,
    )


def import_rows(
    *,
    round_: FundingRound,
    sheet: Sheet,
    skip_duplicates: bool,
    actor: User | None,
    filename: str,
) -> Imported:
    """Check and import a sheet's rows in the current transaction (the demo), all or nothing."""
    _refuse_unless_open_to_imports(round_)
    mapping = guess_mapping(sheet.headers, extras.questions(round_))
    preview = build_preview(round_=round_, rows=sheet.rows, mapping=mapping)
    return import_checked(
        round_=round_,
        preview=preview,
        headers=sheet.headers,
        mapping=mapping,
        filename=filename,
        skip_duplicates=skip_duplicates,
        actor=actor,
    )
