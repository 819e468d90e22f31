"""Staff pages of the grants area: a round's awards and their grants, the offer, payments, the
review of a report, the links a group needs, and the overdue reports across the fund."""

from datetime import timedelta
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import in_round_or_404, policy, round_or_404
from panel.extensions import db
from panel.grants import bp, funded, links, reminders, reports, services
from panel.grants.forms import ConditionsForm, OfferForm, PaymentForm, PublishForm, ReviewForm
from panel.messages.outbox import mail_configured
from panel.models import FundingRound, Grant
from panel.models.types import uk_today


def _refused(form: Any, exc: services.GrantError) -> int:
    """Nothing of a refused change is kept; its problems are shown by their fields."""
    db.session.rollback()
    form.show_problems(exc.problems)
    return 409 if isinstance(exc, services.StaleGrant) else 400


def _award_or_404(round_: FundingRound, application_id: int) -> services.Award:
    award = services.award_for(round_, application_id)
    if award is None:
        abort(404)
    return award


@bp.route("/rounds/<int:round_id>/grants")
@policy("staff")
def round_grants(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    terms = services.terms(round_.id)
    return render_template(
        "grants/round.html",
        round=round_,
        awards=services.awards(round_.id),
        terms=terms,
        published=bool(terms and terms.funded_published),
        publish_form=PublishForm(),
    )


@bp.route("/rounds/<int:round_id>/grants/conditions", methods=["GET", "POST"])
@policy("staff")
def conditions(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = ConditionsForm(
        data=None
        if request.method == "POST"
        else {"conditions": services.standard_conditions(round_.id)}
    )
    if form.validate_on_submit():
        changed = services.save_conditions(
            round_=round_, conditions=form.conditions.data or "", actor=current_user
        )
        db.session.commit()
        flash(
            "The standard conditions have been saved." if changed else "Nothing was changed.",
            "success",
        )
        return redirect(url_for("grants.round_grants", round_id=round_.id))
    return render_template("grants/conditions.html", round=round_, form=form), (
        400 if form.errors else 200
    )


@bp.route("/rounds/<int:round_id>/grants/publish", methods=["POST"])
@policy("staff")
def publish(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = PublishForm()
    if not form.validate_on_submit():
        abort(400)
    published = form.publish.data == "yes"
    services.set_published(round_=round_, published=published, actor=current_user)
    db.session.commit()
    flash(
        "“What we funded” is now public." if published else "“What we funded” is no longer public.",
        "success",
    )
    return redirect(url_for("grants.round_grants", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/grants/offer/<int:application_id>", methods=["GET", "POST"])
@policy("staff")
def offer(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    award = _award_or_404(round_, application_id)
    grant = award.grant
    if grant is not None and grant.accepted_at is not None:
        return redirect(url_for("grants.grant_page", round_id=round_.id, grant_id=grant.id))
    data = None
    if request.method == "GET":
        data = {
            "amount": grant.amount_pence if grant else award.decision.amount_awarded_pence,
            "conditions": grant.conditions if grant else services.standard_conditions(round_.id),
            "planned_start": grant.planned_start if grant else None,
            "planned_end": grant.planned_end if grant else None,
            "report_due_on": grant.report_due_on if grant else uk_today() + timedelta(days=365),
        }
    form = OfferForm(data=data)
    status = 200
    if request.method == "GET":
        form.version.data = str(grant.version if grant else 0)
    elif form.validate_on_submit():
        try:
            saved = services.save_offer(
                round_=round_,
                award=award,
                values=form.values(),
                expected_version=form.version.sent(),
                actor=current_user,
            )
        except services.GrantError as exc:
            status = _refused(form, exc)
        else:
            db.session.commit()
            flash(f"The offer to {award.application.organisation_name} has been saved.", "success")
            return redirect(url_for("grants.grant_page", round_id=round_.id, grant_id=saved.id))
    if form.errors and status == 200:
        status = 400
    return render_template("grants/offer.html", round=round_, award=award, form=form), status


def _grant_page(round_: FundingRound, grant: Grant, **forms: Any) -> Any:
    award = _award_or_404(round_, grant.application_id)
    report = award.report
    review = forms.pop("review_form", None) or ReviewForm(
        data={"version": str(report.version)} if report else None
    )
    if report is not None and not review.version.data:
        review.version.data = str(report.version)
    return render_template(
        "grants/grant.html",
        round=round_,
        award=award,
        grant=grant,
        payments=services.payments(grant.id),
        report=report,
        may_report=reports.may_report(grant),
        payment_form=forms.pop("payment_form", None) or PaymentForm(data={"paid_on": uk_today()}),
        review_form=review,
        link_form=PublishForm(),
    )


@bp.route("/rounds/<int:round_id>/grants/<int:grant_id>")
@policy("staff")
def grant_page(round_id: int, grant_id: int) -> Any:
    round_ = round_or_404(round_id)
    return _grant_page(round_, in_round_or_404(Grant, grant_id, round_))


@bp.route("/rounds/<int:round_id>/grants/<int:grant_id>/link/<purpose>", methods=["POST"])
@policy("staff")
def issue_link(round_id: int, grant_id: int, purpose: str) -> Any:
    round_ = round_or_404(round_id)
    grant = in_round_or_404(Grant, grant_id, round_)
    if purpose not in links.LINK_DAYS:
        abort(404)
    if not PublishForm().validate_on_submit():
        abort(400)
    if purpose == "accept" and grant.accepted_at is not None:
        flash("The group has already accepted this offer.", "info")
        return redirect(url_for("grants.grant_page", round_id=round_.id, grant_id=grant.id))
    if purpose == "report" and not reports.may_report(grant):
        flash("The group cannot send a report now.", "info")
        return redirect(url_for("grants.grant_page", round_id=round_.id, grant_id=grant.id))
    issued = links.issue_link(grant=grant, purpose=purpose, actor=current_user)
    db.session.commit()
    award = _award_or_404(round_, grant.application_id)
    page = render_template(
        "grants/link_issued.html",
        round=round_,
        grant=grant,
        award=award,
        url=issued.url,
        what=links.PURPOSE_WORDS[purpose],
        expires_at=issued.link.expires_at,
    )
    response = Response(page)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/rounds/<int:round_id>/grants/<int:grant_id>/payments", methods=["POST"])
@policy("staff")
def record_payment(round_id: int, grant_id: int) -> Any:
    round_ = round_or_404(round_id)
    grant = in_round_or_404(Grant, grant_id, round_)
    form = PaymentForm()
    status = 400
    if form.validate_on_submit():
        try:
            services.record_payment(
                grant=grant,
                amount_pence=form.amount.data or 0,
                paid_on=form.paid_on.data,  # type: ignore[arg-type]  # required by the form
                reference=form.reference.data or "",
                actor=current_user,
            )
        except services.GrantError as exc:
            status = _refused(form, exc)
        else:
            db.session.commit()
            flash("The payment has been recorded.", "success")
            return redirect(url_for("grants.grant_page", round_id=round_.id, grant_id=grant.id))
    return _grant_page(round_, grant, payment_form=form), status


@bp.route("/rounds/<int:round_id>/grants/<int:grant_id>/review", methods=["POST"])
@policy("staff")
def review(round_id: int, grant_id: int) -> Any:
    round_ = round_or_404(round_id)
    grant = in_round_or_404(Grant, grant_id, round_)
    report = reports.report_of(grant.id)
    if report is None:
        abort(404)
    form = ReviewForm()
    status = 400
    if form.validate_on_submit():
        try:
            reports.review_report(
                report=report,
                accept=form.verdict.data == "accept",
                note=form.note.data or "",
                expected_version=form.version.sent(),
                actor=current_user,
            )
        except services.GrantError as exc:
            status = _refused(form, exc)
        else:
            db.session.commit()
            flash(
                "The report has been accepted."
                if form.verdict.data == "accept"
                else "The group has been asked for more. Give them a new report link.",
                "success",
            )
            return redirect(url_for("grants.grant_page", round_id=round_.id, grant_id=grant.id))
    return _grant_page(round_, grant, review_form=form), status


@bp.route("/rounds/<int:round_id>/grants/photos/<int:photo_id>")
@policy("staff")
def photo(round_id: int, photo_id: int) -> Any:
    """A report's photo, served only as the picture it was checked to be."""
    round_ = round_or_404(round_id)
    found = reports.photo(photo_id)
    report = reports.report_of_photo(found) if found is not None else None
    if found is None or report is None:
        abort(404)
    grant = db.session.get(Grant, report.grant_id)
    if grant is None or grant.round_id != round_.id:
        abort(404)
    response = Response(found.content, mimetype=found.content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="photo-{found.id}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/grants/overdue")
@policy("staff")
def overdue() -> Any:
    late = reports.overdue_reports()
    return render_template(
        "grants/overdue.html",
        overdue=late,
        reminded=reminders.last_reminded(o.application.id for o in late),
        mail_on=mail_configured(),
        rounds=funded.rounds_with_awards(),
    )
