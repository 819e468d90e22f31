"""Views of the applications area: the public form, staff's list and import, eligibility triage."""

import secrets
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user

from panel.access import in_round_or_404, policy, round_or_404
from panel.applications import bp, importer, matching, services, spreadsheet
from panel.applications.forms import (
    ORGANISATION_TYPE_HINTS,
    ApplyForm,
    EditForm,
    ImportForm,
    SearchForm,
    UploadForm,
    WithdrawForm,
    columns_form,
    eligibility_form,
)
from panel.applications.validation import FIELD_BY_KEY, FIELDS, as_answers
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.models import Application, ApplicationStatus, AuditEvent, FundingRound, Stage
from panel.models.application import ApplicationImport

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_address() -> str:
    return request.remote_addr or "unknown"


def _application_or_404(round_: FundingRound, application_id: int) -> Application:
    return in_round_or_404(Application, application_id, round_)  # type: ignore[no-any-return]


def _upload_or_404(round_: FundingRound, import_id: int) -> ApplicationImport:
    return in_round_or_404(ApplicationImport, import_id, round_)  # type: ignore[no-any-return]


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "applications_overview": overview,
        "status_labels": {s.value: label for s, label in services.STATUS_LABELS.items()},
        "status_colours": {s.value: colour for s, colour in services.STATUS_COLOURS.items()},
        "panellist_view": services.panellist_view,
    }


def overview(round_: FundingRound) -> dict[str, Any]:
    """What the round page says about applications: counts and whether the form is open."""
    counts = services.status_counts(round_)
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "open": services.is_open(round_),
    }


# --------------------------------------------------------------------------- the public form


@bp.route("/apply/<slug>", methods=["GET", "POST"])
@policy("public")
def apply(slug: str) -> Any:
    round_ = db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == slug)
    ).scalar_one_or_none()
    if round_ is None:
        abort(404)
    if not services.is_open(round_):
        return render_template("applications/closed.html", round=round_)
    form = ApplyForm()
    if request.method == "GET":
        form.submission_key.data = secrets.token_urlsafe(24)
    else:
        existing = services.by_submission_key(form.submission_key.data)
        if existing is not None and existing.round_id == round_.id:
            return _sent(round_, existing.reference)  # the same form sent twice
        if services.rate_limited(address=client_address()):
            current_app.logger.warning("application rate limit hit from %s", client_address())
            return render_template("applications/too_many.html", round=round_), 429
        if form.website.data:
            # A bot filled in the hidden field: it sees the usual confirmation; nothing is saved.
            current_app.logger.warning("application honeypot filled from %s", client_address())
            services.note_attempt(address=client_address())
            db.session.commit()
            return _sent(round_, f"{round_.reference_prefix}-{secrets.randbelow(9000) + 1000}")
        values = form.check(round_)
        if values is not None:
            try:
                application = services.create_application(
                    round_=round_,
                    values=values,
                    source="online",
                    actor=None,
                    submission_key=form.submission_key.data or secrets.token_urlsafe(24),
                )
            except services.ApplicationError as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
            else:
                services.note_attempt(address=client_address())
                db.session.commit()
                return _sent(round_, application.reference)
    status = 400 if form.errors else 200
    return render_template(
        "applications/apply.html", round=round_, form=form, type_hints=ORGANISATION_TYPE_HINTS
    ), status


def _sent(round_: FundingRound, reference: str) -> Any:
    session["application_sent"] = {"round": round_.slug, "reference": reference}
    return redirect(url_for("applications.sent", slug=round_.slug))


@bp.route("/apply/<slug>/sent")
@policy("public")
def sent(slug: str) -> Any:
    round_ = db.session.execute(
        db.select(FundingRound).where(FundingRound.slug == slug)
    ).scalar_one_or_none()
    if round_ is None:
        abort(404)
    sent = session.get("application_sent") or {}
    if sent.get("round") != slug:
        return redirect(url_for("applications.apply", slug=slug))
    return render_template("applications/sent.html", round=round_, reference=sent["reference"])


# --------------------------------------------------------------------------- staff's list


@bp.route("/rounds/<int:round_id>/applications")
@policy("staff")
def list_applications(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = SearchForm(formdata=request.args)
    applications = services.list_applications(
        round_=round_,
        search=form.q.data or "",
        status=form.status.data or "",
        sort=form.sort.data or "reference",
    )
    return render_template(
        "applications/list.html",
        round=round_,
        form=form,
        applications=applications,
        counts=services.status_counts(round_),
        filtered=bool(form.q.data or form.status.data),
    )


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>")
@policy("staff")
def detail(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    criteria = services.eligibility_criteria(round_)
    events = db.session.execute(
        db.select(AuditEvent)
        .where(AuditEvent.object_type == "application", AuditEvent.object_id == application.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).scalars()
    return render_template(
        "applications/detail.html",
        round=round_,
        application=application,
        reasons=services.failed_reasons(application, criteria),
        events=list(events),
    )


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>/edit", methods=["GET", "POST"])
@policy("staff")
def edit(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    erased = application.personal_data_erased_at is not None
    defaults = dict(as_answers(application), version=application.version)
    form = EditForm(data=None if request.method == "POST" else defaults)
    stale = None
    status = 200
    if request.method == "POST":
        values = form.check(round_, contact_required=not erased)
        if values is not None:
            try:
                changed = services.update_application(
                    application=application,
                    values=values,
                    expected_version=form.version.data or 0,
                    actor=current_user,
                )
            except services.StaleEdit as exc:
                db.session.rollback()
                saved = as_answers(application)
                typed = form.answers()
                stale = {
                    "message": str(exc),
                    "rows": [
                        (FIELD_BY_KEY[key].label, saved[key])
                        for key in saved
                        if (saved[key] or "") != (typed.get(key) or "")
                        and not (erased and key in services.PERSONAL_FIELDS)
                    ],
                }
                form.version.data = application.version
                form.version.raw_data = [str(application.version)]
                status = 409
            else:
                db.session.commit()
                flash(
                    "Your changes have been saved." if changed else "Nothing was changed.",
                    "success",
                )
                return redirect(
                    url_for(
                        "applications.detail", round_id=round_.id, application_id=application.id
                    )
                )
        else:
            status = 400
    return render_template(
        "applications/edit.html",
        round=round_,
        application=application,
        form=form,
        erased=erased,
        stale=stale,
        type_hints=ORGANISATION_TYPE_HINTS,
    ), status


@bp.route(
    "/rounds/<int:round_id>/applications/<int:application_id>/withdraw", methods=["GET", "POST"]
)
@policy("staff")
def withdraw(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    form = WithdrawForm()
    if application.status != ApplicationStatus.WITHDRAWN and form.validate_on_submit():
        try:
            services.withdraw(application=application, reason=form.reason.data, actor=current_user)
        except services.ApplicationError as exc:
            form.reason.errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"{application.reference} has been withdrawn. It is kept in the list.", "success")
            return redirect(
                url_for("applications.detail", round_id=round_.id, application_id=application.id)
            )
    status = 400 if form.errors else 200
    return render_template(
        "applications/withdraw.html", round=round_, application=application, form=form
    ), status


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>/erase", methods=["GET", "POST"])
@policy("staff")
def erase(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    form = ConfirmForm()
    if application.personal_data_erased_at is None and form.validate_on_submit():
        services.erase_personal_data(application=application, actor=current_user)
        db.session.commit()
        flash(f"The contact details of {application.reference} have been erased.", "success")
        return redirect(
            url_for("applications.detail", round_id=round_.id, application_id=application.id)
        )
    return render_template(
        "applications/erase.html", round=round_, application=application, form=form
    )


# --------------------------------------------------------------------------- import


@bp.route("/rounds/<int:round_id>/applications/import", methods=["GET", "POST"])
@policy("staff")
def upload(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
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
        can_import=round_.current_stage in importer.IMPORT_STAGES,
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
    form = columns_form(staged.headers, staged.mapping)
    if staged.status == "pending" and form.validate_on_submit():
        importer.set_mapping(upload=staged, mapping=form.mapping())  # type: ignore[attr-defined]
        db.session.commit()
        flash("The columns have been matched. Check the rows below.", "success")
        return redirect(url_for("applications.preview", round_id=round_.id, import_id=staged.id))
    status = 400 if form.errors else 200
    return render_template(
        "applications/columns.html", round=round_, upload=staged, form=form, fields=FIELDS
    ), status


def _render_preview(
    round_: FundingRound, staged: ApplicationImport, form: ImportForm, error: str | None = None
) -> Any:
    preview = None
    if staged.status == "pending":
        preview = matching.build_preview(round_=round_, rows=staged.rows, mapping=staged.mapping)
    headers = {
        key: staged.headers[i] for key, i in staged.mapping.items() if i < len(staged.headers)
    }
    return render_template(
        "applications/preview.html",
        round=round_,
        upload=staged,
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
    round_ = round_or_404(round_id)
    staged = _upload_or_404(round_, import_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _render_preview(round_, staged, form), 400
    try:
        created, skipped = importer.complete_import(
            upload=staged,
            round_=round_,
            skip_duplicates=bool(form.skip_duplicates.data),
            actor=current_user,
        )
    except services.ApplicationError as exc:
        db.session.rollback()
        return _render_preview(round_, staged, form, error=str(exc)), 400
    db.session.commit()
    message = f"{len(created)} {'application' if len(created) == 1 else 'applications'} imported."
    if skipped:
        message += f" {len(skipped)} duplicate {'row was' if len(skipped) == 1 else 'rows were'}"
        message += " skipped."
    flash(message, "success")
    return redirect(url_for("applications.list_applications", round_id=round_.id))


# --------------------------------------------------------------------------- eligibility


@bp.route("/rounds/<int:round_id>/eligibility")
@policy("staff")
def eligibility(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    criteria = services.eligibility_criteria(round_)
    applications = services.list_applications(round_=round_)
    checks = services.checks_by_application(round_)
    titles = {c.id: c.title for c in criteria}
    reasons = {
        a.id: [
            (titles[cid], check.note or "")
            for cid, check in checks.get(a.id, {}).items()
            if cid in titles and not check.passed
        ]
        for a in applications
    }
    return render_template(
        "applications/eligibility.html",
        round=round_,
        criteria=criteria,
        applications=[a for a in applications if a.status != ApplicationStatus.WITHDRAWN],
        withdrawn=[a for a in applications if a.status == ApplicationStatus.WITHDRAWN],
        checks=checks,
        reasons=reasons,
        counts=services.status_counts(round_),
        checking=round_.current_stage is Stage.ELIGIBILITY,
        confirm_form=ConfirmForm(),
    )


@bp.route("/rounds/<int:round_id>/eligibility/<int:application_id>", methods=["GET", "POST"])
@policy("staff")
def check(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    criteria = services.eligibility_criteria(round_)
    existing = {c.rubric_criterion_id: c for c in application.checks}
    form = eligibility_form(criteria, existing)
    checking = round_.current_stage is Stage.ELIGIBILITY
    error = None
    if checking and criteria and form.validate_on_submit():
        try:
            outcome = services.record_checks(
                application=application,
                round_=round_,
                results=form.results(),  # type: ignore[attr-defined]
                actor=current_user,
            )
        except services.ApplicationError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            db.session.commit()
            said = services.STATUS_LABELS[ApplicationStatus(outcome)].lower()
            flash(
                f"{application.reference} ({application.organisation_name}) is {said}.", "success"
            )
            return redirect(url_for("applications.eligibility", round_id=round_.id))
    status = 400 if (form.errors or error) else 200
    return render_template(
        "applications/check.html",
        round=round_,
        application=application,
        criteria=criteria,
        form=form,
        checking=checking,
        error=error,
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/rounds/<int:round_id>/eligibility/<int:application_id>/confirm", methods=["POST"])
@policy("staff")
def confirm(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    if ConfirmForm().validate_on_submit():
        try:
            services.confirm_eligible(application=application, round_=round_, actor=current_user)
        except services.ApplicationError as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(
                f"{application.reference} ({application.organisation_name}) is eligible.", "success"
            )
    return redirect(url_for("applications.eligibility", round_id=round_.id))
