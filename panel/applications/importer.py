"""Bringing applications in from a spreadsheet: keeping an upload, then importing it whole.

The file is read by panel.applications.spreadsheet and its rows checked by
panel.applications.matching; this module decides when a round takes imports and adds the
applications, all or nothing.
"""

from datetime import timedelta
from typing import Any

from sqlalchemy import or_

from panel.applications import services
from panel.applications.matching import Preview, RowResult, build_preview, guess_mapping
from panel.applications.spreadsheet import Sheet
from panel.applications.validation import FIELD_BY_KEY, clean_text
from panel.audit import record
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.application import ApplicationImport
from panel.models.types import utcnow
from panel.progress import Progress

IMPORT_STAGES = (Stage.CODESIGN, Stage.APPLICATIONS, Stage.ELIGIBILITY)


def imports_open(round_: FundingRound) -> bool:
    """Staff may import applications into a round until its scoring starts."""
    return round_.current_stage in IMPORT_STAGES


def still_pending(upload: ApplicationImport) -> bool:
    """An upload's columns can be matched and its rows imported until it is imported or replaced."""
    return upload.status == "pending"


def _refuse_unless_open_to_imports(round_: FundingRound) -> None:
    if not imports_open(round_):
        raise services.ApplicationError(
            "Applications can no longer be added to this round: scoring has started."
        )


def _refuse_unless_pending(upload: ApplicationImport) -> None:
    if not still_pending(upload):
        raise services.ApplicationError("This file has already been imported or replaced")


def stage_upload(
    *, round_: FundingRound, filename: str, sheet: Sheet, actor: User | None
) -> ApplicationImport:
    """Keep an uploaded file's rows in the database until staff import them (policy: staff).

    Earlier unfinished uploads of the same person for the round, and anyone's older than a day,
    are dropped with their rows.
    """
    _refuse_unless_open_to_imports(round_)
    # Anyone's upload left unfinished for a day goes too: its rows hold applicants' contact details.
    stale = utcnow() - timedelta(days=1)
    for old in db.session.execute(
        db.select(ApplicationImport).where(
            ApplicationImport.round_id == round_.id,
            ApplicationImport.status == "pending",
            or_(
                ApplicationImport.created_by_id == (actor.id if actor else None),
                ApplicationImport.created_at < stale,
            ),
        )
    ).scalars():
        old.status, old.rows = "cancelled", []
    upload = ApplicationImport(
        round_id=round_.id,
        filename=clean_text(filename)[:200] or "upload",
        headers=sheet.headers,
        rows=sheet.rows,
        mapping=guess_mapping(sheet.headers),
        created_by_id=actor.id if actor else None,
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def set_mapping(*, upload: ApplicationImport, mapping: dict[str, int]) -> None:
    """Staff's correction of which column holds which answer (policy: staff)."""
    _refuse_unless_pending(upload)
    upload.mapping = {k: v for k, v in mapping.items() if k in FIELD_BY_KEY}


class ImportInvalid(services.ApplicationError):
    def __init__(self, preview: Preview) -> None:
        super().__init__(
            "Nothing was imported: fix the rows listed and upload the file again. "
            + " ".join(preview.report_lines()[:3])
        )
        self.preview = preview


def import_rows(
    *,
    round_: FundingRound,
    rows: list[dict[str, Any]],
    mapping: dict[str, int],
    skip_duplicates: bool,
    actor: User | None,
    filename: str,
    progress: Progress | None = None,
) -> tuple[list[Application], list[RowResult]]:
    """Import every row or none (policy: staff). Returns (created, duplicates skipped)."""
    _refuse_unless_open_to_imports(round_)
    preview = build_preview(round_=round_, rows=rows, mapping=mapping)
    if not preview.can_import:
        raise ImportInvalid(preview)
    created, skipped = [], []
    for done, result in enumerate(preview.rows, start=1):
        if progress is not None:
            progress(done, len(preview.rows))
        if skip_duplicates and result.duplicate_of:
            skipped.append(result)
            continue
        created.append(
            services.create_application(
                round_=round_, values=result.values, source="import", actor=actor
            )
        )
    record(
        actor=actor,
        action="application.import_done",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after={
            "file": filename,
            "imported": len(created),
            "duplicates_skipped": len(skipped),
            "references": [a.reference for a in created],
        },
    )
    return created, skipped


def complete_import(
    *, upload: ApplicationImport, round_: FundingRound, skip_duplicates: bool, actor: User
) -> tuple[list[Application], list[RowResult]]:
    """Import a staged upload, all or nothing, and drop its stored rows (policy: staff)."""
    _refuse_unless_pending(upload)
    created, skipped = import_rows(
        round_=round_,
        rows=upload.rows,
        mapping=upload.mapping,
        skip_duplicates=skip_duplicates,
        actor=actor,
        filename=upload.filename,
    )
    upload.status = "imported"
    upload.rows = []
    upload.imported_at = utcnow()
    upload.imported_count = len(created)
    return created, skipped
