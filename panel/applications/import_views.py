"""Staff's import of applications from a spreadsheet: upload, match columns, preview, import."""

from typing import TYPE_CHECKING, Any, cast

from flask import Response, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import in_round_or_404, policy, round_or_404
from panel.applications import bp, extras, importer, matching, services, spreadsheet
from panel.applications.forms import ImportForm, UploadForm, columns_form
from panel.applications.validation import FIELDS
from panel.database import reads_only
from panel.extensions import db
from panel.models import FundingRound
from panel.models.application import ApplicationImport

if TYPE_CHECKING:
    from werkzeug.datastructures import FileStorage

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload_or_404(round_: FundingRound, import_id: int) -> ApplicationImport:
    return in_round_or_404(ApplicationImport, import_id, round_)


@bp.route("/rounds/<int:round_id>/applications/import", methods=["GET", "POST"])
@policy("staff")
def upload(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = UploadForm()
    if form.validate_on_submit():
        file = cast("FileStorage", form.file.data)  # FileRequired: there is one
        try:
            sheet = spreadsheet.read_upload(file.filename or "", file.read())
            staged = importer.stage_upload(
                round_=round_, filename=file.filename or "", sheet=sheet, actor=current_user
            )
        except (spreadsheet.ImportRefused, services.ApplicationError) as exc:
            db.session.rollback()
            form.file.errors = [str(exc)]
        else:
            db.session.commit()
            for note in sheet.notes:
                flash(note, "info")
            return redirect(
                url_for("applications.preview", round_id=round_.id, import_id=staged.id)
            )
    status = 400 if form.errors else 200
    return render_template(
        "applications/upload.html",
        round=round_,
        form=form,
        fields=FIELDS,
        help=spreadsheet.HELP,
        can_import=importer.imports_open(round_),
    ), status


@bp.route("/rounds/<int:round_id>/applications/import/template.xlsx")
@policy("staff")
def template(round_id: int) -> Any:
    round_or_404(round_id)
    return Response(
        spreadsheet.template_workbook(),
        mimetype=XLSX,
        headers={
            "Content-Disposition": 'attachment; filename="applications-template.xlsx"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/rounds/<int:round_id>/imports/<int:import_id>/columns", methods=["GET", "POST"])
@policy("staff")
def columns(round_id: int, import_id: int) -> Any:
    round_ = round_or_404(round_id)
    staged = _upload_or_404(round_, import_id)
    asked = matching.question_fields(extras.questions(round_))
    form = columns_form(staged.headers, staged.mapping, asked)
    pending = importer.still_pending(staged)
    if pending and form.validate_on_submit():
        # columns_form() builds its class per upload and returns it as a FlaskForm.
        importer.set_mapping(upload=staged, mapping=form.mapping())  # type: ignore[attr-defined]
        db.session.commit()
        flash("The columns have been matched. Check the rows below.", "success")
        return redirect(url_for("applications.preview", round_id=round_.id, import_id=staged.id))
    status = 400 if form.errors else 200
    return render_template(
        "applications/columns.html",
        round=round_,
        upload=staged,
        pending=pending,
        form=form,
        fields=[*FIELDS, *asked],
    ), status


def _render_preview(
    round_: FundingRound,
    staged: ApplicationImport,
    form: ImportForm,
    error: str | None = None,
    preview: matching.Preview | None = None,
) -> Any:
    pending = importer.still_pending(staged)
    if pending and preview is None:
        with reads_only():
            preview = matching.build_preview(
                round_=round_, rows=staged.rows, mapping=staged.mapping
            )
    if preview is not None:
        form.duplicates_shown.data = importer.shown_duplicates(preview)
    headers = {
        key: staged.headers[i] for key, i in staged.mapping.items() if i < len(staged.headers)
    }
    return render_template(
        "applications/preview.html",
        round=round_,
        upload=staged,
        pending=pending,
        preview=preview,
        form=form,
        error=error,
        matched=[(spec.label, headers.get(spec.key)) for spec in FIELDS],
    )


@bp.route("/rounds/<int:round_id>/imports/<int:import_id>")
@policy("staff")
def preview(round_id: int, import_id: int) -> Any:
    round_ = round_or_404(round_id)
    staged = _upload_or_404(round_, import_id)
    return _render_preview(round_, staged, ImportForm())


@bp.route("/rounds/<int:round_id>/imports/<int:import_id>/run", methods=["POST"])
@policy("staff")
def run_import(round_id: int, import_id: int) -> Any:
    """Check the rows without the write lock, then import them in one short write."""
    round_ = round_or_404(round_id)
    staged = _upload_or_404(round_, import_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _render_preview(round_, staged, form), 400
    try:
        with reads_only():
            mapping = dict(staged.mapping)
            checked = importer.check_upload(upload=staged, round_=round_)
        done = importer.complete_import(
            upload=staged,
            round_=round_,
            preview=checked,
            mapping=mapping,
            shown=form.duplicates_shown.data or "",
            skip_duplicates=bool(form.skip_duplicates.data),
            actor=current_user,
        )
    except importer.AlreadyImported as exc:
        # A second press of the button (or a colleague's): the first import stands.
        db.session.rollback()
        flash(str(exc), "info")
        return redirect(url_for("applications.list_applications", round_id=round_.id))
    except services.ApplicationError as exc:
        db.session.rollback()
        checked_now = exc.preview if isinstance(exc, importer.ImportInvalid) else None
        return _render_preview(round_, staged, form, error=str(exc), preview=checked_now), 400
    db.session.commit()
    created, skipped = done.created, done.skipped
    message = f"{len(created)} {'application' if len(created) == 1 else 'applications'} imported."
    if skipped:
        message += f" {len(skipped)} duplicate {'row was' if len(skipped) == 1 else 'rows were'}"
        message += " skipped."
    flash(message, "success")
    return redirect(url_for("applications.list_applications", round_id=round_.id))
