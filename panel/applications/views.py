"""Staff's pages: the list of applications, one application and its changes, eligibility triage.

The public form is in public_views.py, the spreadsheet import in import_views.py.
"""

from datetime import UTC, datetime
from typing import Any, cast

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from panel.access import in_round_or_404, policy, round_or_404
from panel.applications import bp, changes, importer, repeats, services
from panel.applications.eligibility import (
    checks_by_application,
    checks_of,
    confirm_eligible,
    eligibility_criteria,
    eligibility_open,
    eligibility_over,
    failed_reasons,
    record_checks,
)
from panel.applications.forms import (
    ORGANISATION_TYPE_HINTS,
    EditForm,
    SearchForm,
    WithdrawForm,
    eligibility_form,
)
from panel.applications.validation import FIELD_BY_KEY, PERSONAL_FIELDS, as_answers
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.models import Application, ApplicationStatus, AuditEvent, FundingRound
from panel.models.types import uk_datetime, utcnow


def _application_or_404(round_: FundingRound, application_id: int) -> Application:
    return in_round_or_404(Application, application_id, round_)


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    return {
        "applications_overview": overview,
        "status_labels": {s.value: label for s, label in services.STATUS_LABELS.items()},
        "status_colours": {s.value: colour for s, colour in services.STATUS_COLOURS.items()},
        "panellist_view": services.panellist_view,
    }


def overview(round_: FundingRound) -> dict[str, Any]:
    """What the round page says about applications: counts, and what can be done at this stage."""
    counts = services.status_counts(round_)
    return {
        "counts": counts,
        "total": sum(counts.values()),
        "applications_open": services.is_open(round_),
        "can_import": importer.imports_open(round_),
        "eligibility_open": eligibility_open(round_),
        "eligibility_over": eligibility_over(round_),
        "limit_lifted": repeats.limit_lifted(session.get(repeats.LIFT_KEY), round_, utcnow()),
        "lift_form": ConfirmForm(),
    }


@bp.route("/rounds/<int:round_id>/applications/drop-in", methods=["POST"])
@policy("staff")
def lift_limit(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    if ConfirmForm().validate_on_submit():
        grant = repeats.lift_limit(round_=round_, actor=current_user, now=utcnow())
        db.session.commit()
        session[repeats.LIFT_KEY] = grant
        until = uk_datetime(datetime.fromtimestamp(grant["until"], UTC))
        flash(
            f"This browser can send any number of applications until {until}. Sign out before "
            "residents use this computer.",
            "success",
        )
    return redirect(url_for("rounds.detail", round_id=round_.id))


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
        can_import=importer.imports_open(round_),
    )


@bp.route("/rounds/<int:round_id>/applications/<int:application_id>")
@policy("staff")
def detail(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    criteria = eligibility_criteria(round_)
    events = db.session.execute(
        db.select(AuditEvent)
        .where(AuditEvent.object_type == "application", AuditEvent.object_id == application.id)
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    ).scalars()
    return render_template(
        "applications/detail.html",
        round=round_,
        application=application,
        reasons=failed_reasons(checks_of(application), criteria),
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
                changed = changes.update_application(
                    application=application,
                    values=values,
                    expected_version=form.version.sent(),
                    actor=current_user,
                )
            except changes.StaleEdit as exc:
                db.session.rollback()
                saved = as_answers(application)
                typed = form.answers()
                stale = {
                    "message": str(exc),
                    "rows": [
                        (FIELD_BY_KEY[key].label, saved[key])
                        for key in saved
                        if (saved[key] or "") != (typed.get(key) or "")
                        and not (erased and key in PERSONAL_FIELDS)
                    ],
                }
                form.version.data = str(application.version)
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
            changes.withdraw(
                application=application, reason=cast(str, form.reason.data), actor=current_user
            )
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
        changes.erase_personal_data(application=application, actor=current_user)
        db.session.commit()
        flash(f"The contact details of {application.reference} have been erased.", "success")
        return redirect(
            url_for("applications.detail", round_id=round_.id, application_id=application.id)
        )
    return render_template(
        "applications/erase.html", round=round_, application=application, form=form
    )


# --------------------------------------------------------------------------- eligibility


@bp.route("/rounds/<int:round_id>/eligibility")
@policy("staff")
def eligibility(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    criteria = eligibility_criteria(round_)
    applications = services.list_applications(round_=round_)
    checks = checks_by_application(round_)
    reasons = {a.id: failed_reasons(checks.get(a.id, {}), criteria) for a in applications}
    return render_template(
        "applications/eligibility.html",
        round=round_,
        criteria=criteria,
        applications=[a for a in applications if a.status != ApplicationStatus.WITHDRAWN],
        withdrawn=[a for a in applications if a.status == ApplicationStatus.WITHDRAWN],
        checks=checks,
        reasons=reasons,
        counts=services.status_counts(round_),
        eligibility_open=eligibility_open(round_),
        eligibility_over=eligibility_over(round_),
        confirm_form=ConfirmForm(),
    )


@bp.route("/rounds/<int:round_id>/eligibility/<int:application_id>", methods=["GET", "POST"])
@policy("staff")
def check(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    criteria = eligibility_criteria(round_)
    form = eligibility_form(criteria, checks_of(application))
    checking = eligibility_open(round_)
    error = None
    if checking and criteria and form.validate_on_submit():
        try:
            outcome = record_checks(
                application=application,
                round_=round_,
                results=form.results(),  # type: ignore[attr-defined]  # eligibility_form()'s class
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
        eligibility_open=checking,
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
            confirm_eligible(application=application, round_=round_, actor=current_user)
        except services.ApplicationError as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(
                f"{application.reference} ({application.organisation_name}) is eligible.", "success"
            )
    return redirect(url_for("applications.eligibility", round_id=round_.id))
