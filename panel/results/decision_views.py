"""Decisions at the panel meeting: the list, one decision with its reason and the panel's
recommendation, the suggested allocation, and "Confirm all drafts" with what it will confirm."""

from typing import Any, cast

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy, round_for_member, round_or_404
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.models import FundingRound, Outcome, QuorumResolution, Recommendation
from panel.results import bp, decisions, outcome, stages
from panel.results import services as results_service
from panel.results.forms import ConfirmDraftsForm, DecisionForm
from panel.results.views import _application_or_404, _results_or_page


@bp.route("/rounds/<int:round_id>/decisions")
@policy("member")
def decision_list(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    if not current_user.is_staff:
        # Everyone on the panel reads what was decided once the round is Decided (not before).
        if not stages.decided(round_):
            why = "The panel's decisions are shared here once the round is decided."
            return render_template("results/not_yet.html", round=round_, why=why)
        return render_template(
            "results/decided.html", round=round_, decided=outcome.decided(round_)
        )
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    short = decisions.needs_more_scores(found)
    ready, unwritten = decisions.drafts_to_confirm(round_.id)
    return render_template(
        "results/decisions.html",
        round=round_,
        found=found,
        decisions=decisions.decisions_by_application(round_.id),
        budget=decisions.budget(round_),
        draws=list(reversed(decisions.draws(round_.id))),
        form=ConfirmForm(),
        fmt=results_service.fmt,
        editable=stages.decisions_open(round_),
        decided=stages.decided(round_),
        short={s.reference: s for s in short},
        ready=ready,
        unwritten=unwritten,
    )


@bp.route("/rounds/<int:round_id>/decisions/<int:application_id>", methods=["GET", "POST"])
@policy("staff")
def decide(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    app = _application_or_404(round_, application_id)
    existing = decisions.decisions_by_application(round_.id).get(app.id)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    sentences = decisions.sentences_for(found).get(app.reference, [])
    data: dict[str, Any] | None = None
    if existing is not None and request.method == "GET":
        data = {
            "version": existing.version,
            "outcome": existing.outcome,
            "amount": existing.amount_awarded_pence if existing.outcome == "part" else None,
            "reason": existing.reason,
            "recommendation": existing.panel_recommendation or "none",
            "chair_note": existing.chair_note,
            "resolution": existing.quorum_resolution,
            "resolution_note": existing.quorum_note,
        }
    start = request.args.get("start", "")
    if request.method == "GET" and start.isdigit() and int(start) < len(sentences):
        data = {**(data or {}), "reason": sentences[int(start)]}  # a start, for a person to edit
    form = DecisionForm(data=data)
    status = 200
    if form.validate_on_submit():
        try:
            decisions.decide(
                round_=round_,
                application=app,
                outcome=Outcome(form.outcome.data),
                amount_pence=form.amount.data,
                reason=cast(str, form.reason.data),
                actor=current_user,
                expected_version=form.version.sent(),
                over_budget_ok=bool(form.over_budget_ok.data),
                recommendation=None
                if form.recommendation.data in (None, "", "none")
                else Recommendation(form.recommendation.data),
                chair_note=form.chair_note.data or "",
                resolution=QuorumResolution(form.resolution.data) if form.resolution.data else None,
                resolution_note=form.resolution_note.data or "",
                confirm=request.form.get("action") != "draft",
            )
        except decisions.StaleEdit as exc:
            db.session.rollback()
            form.outcome.errors = [str(exc) + " Check the saved decision and try again."]
            status = 409
        except decisions.DecisionsLocked as exc:
            form.outcome.errors = [str(exc)]
            status = 409
        except decisions.DecisionError as exc:
            db.session.rollback()
            form[exc.field].errors = [str(exc)]
            status = 400
        else:
            db.session.commit()
            saved = "saved as a draft" if request.form.get("action") == "draft" else "confirmed"
            flash(f"Decision for {app.reference} {saved}.", "success")
            return redirect(url_for("results.decision_list", round_id=round_.id))
    if form.errors and status == 200:
        status = 400
    return render_template(
        "results/decide.html",
        round=round_,
        app=app,
        form=form,
        existing=existing,
        budget=decisions.budget(round_),
        sentences=sentences,
        short=next(
            (s for s in decisions.needs_more_scores(found) if s.application_id == app.id), None
        ),
    ), status


@bp.route("/rounds/<int:round_id>/decisions/suggest", methods=["POST"])
@policy("staff")
def suggest(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            made = decisions.suggest(results=results_service.compute(round_), actor=current_user)
        except (decisions.DecisionError, results_service.ResultsUnavailable) as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(
                f"{made} draft decisions filled with an outcome and amount from the suggested "
                "allocation. Write each one's reason, then confirm.",
                "success",
            )
    return redirect(url_for("results.decision_list", round_id=round_id))


def _confirm_page(round_: FundingRound, form: ConfirmDraftsForm, status: int = 200) -> Any:
    ready, unwritten = decisions.drafts_to_confirm(round_.id)
    if request.method == "GET" or not form.errors:
        form.drafts.data = ",".join(f"{d.application_id}:{d.version}" for d in ready)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    refs = {a.id: a for a in found.applications.values()}
    current = decisions.budget(round_)
    adding = sum(d.amount_awarded_pence for d in ready)
    return render_template(
        "results/confirm.html",
        round=round_,
        form=form,
        ready=ready,
        unwritten=unwritten,
        apps=refs,
        adding=adding,
        total=current.confirmed_pence + adding,
        budget=current,
        editable=stages.decisions_open(round_),
    ), status


@bp.route("/rounds/<int:round_id>/decisions/confirm", methods=["GET", "POST"])
@policy("staff")
def confirm(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = ConfirmDraftsForm(formdata=None) if request.method == "GET" else ConfirmDraftsForm()
    if request.method == "GET":
        return _confirm_page(round_, form)
    if form.validate_on_submit():
        try:
            count = decisions.confirm_drafts(
                round_=round_,
                actor=current_user,
                expected=form.shown(),
                over_budget_ok=bool(form.over_budget_ok.data),
            )
        except decisions.DecisionsLocked as exc:
            db.session.rollback()
            flash(str(exc), "info")
        except decisions.DecisionError as exc:
            db.session.rollback()
            form.over_budget_ok.errors = [str(exc)]
            return _confirm_page(round_, form, 409 if isinstance(exc, decisions.StaleEdit) else 400)
        else:
            db.session.commit()
            plural = "decision" if count == 1 else "decisions"
            flash(f"{count} draft {plural} confirmed.", "success")
    return redirect(url_for("results.decision_list", round_id=round_id))
