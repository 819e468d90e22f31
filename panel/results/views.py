"""Results, the panel meeting agenda and notes, decisions, the lottery and method settings."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

import criteria
from panel.access import policy, round_for_member, round_or_404
from panel.applications.queries import eligible_application
from panel.coproduction.services.meetings import meeting_summary
from panel.extensions import db
from panel.models import Application, FundingRound, MeetingNote
from panel.results import bp, charts, decisions, page_rows, stages, words
from panel.results import services as results_service
from panel.results.forms import LotteryForm, MethodForm, NoteForm
from panel.scoring.services.lookups import standing_conflict

SORT_KEYS: dict[str, Any] = {
    "rank": lambda r, a: (r.rank is None, r.rank or 0, r.reference),
    "reference": lambda r, a: r.reference,
    "organisation": lambda r, a: a.organisation.lower(),
    "amount": lambda r, a: a.amount_requested_pence,
    "reviews": lambda r, a: r.n,
    "mean": lambda r, a: (r.mean is None, -(r.mean or 0)),
    "median": lambda r, a: (r.median is None, -(r.median or 0)),
    "sd": lambda r, a: (r.sd is None, -(r.sd or 0)),
    "range": lambda r, a: (r.range is None, -(r.range or 0)),
    "calibrated": lambda r, a: (r.calibrated is None, -(r.calibrated or 0)),
}


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    # The round page includes results/_round_links.html, which asks what the stage opens.
    return {"results_stage": stages.results_stage}


def _application_or_404(round_: FundingRound, application_id: int) -> Application:
    app = eligible_application(round_.id, application_id)
    if app is None:
        abort(404)
    return app


def _results_or_page(round_: FundingRound) -> Any:
    """The results this person may see, or a rendered page that explains why not."""
    allowed, why = results_service.can_see_results(round_, current_user)
    if not allowed:
        return render_template("results/not_yet.html", round=round_, why=why)
    try:
        return results_service.compute(
            round_, hide_for=None if current_user.is_staff else current_user
        )
    except results_service.ResultsUnavailable as exc:
        return render_template("results/not_yet.html", round=round_, why=str(exc))


@bp.route("/rounds/<int:round_id>/results")
@policy("member")
def results(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    sort = request.args.get("sort", "rank")
    if sort not in SORT_KEYS:
        sort = "rank"
    rows = [(r, found.row(r.reference)) for r in found.result.applications]
    rows.sort(key=lambda pair: SORT_KEYS[sort](*pair))
    if request.args.get("dir") == "desc" and sort in ("rank", "reference", "organisation"):
        rows.reverse()
    # Where the budget runs out depends on every application, so a panellist shown figures
    # without the ones they declared a conflict on is not shown a funding line (item 29).
    suggestion = None
    if not found.without_conflicts:
        suggestion = criteria.allocate(found.result, budget=round_.budget_pence)
    ranked = [(r.reference, a.project, r.figure) for r, a in rows if r.rank is not None]
    chart = charts.distribution(
        sorted(ranked, key=lambda t: -(t[2] or 0)),
        low=round_.scale_min,
        high=round_.scale_max,
        funded=set(suggestion.funded) if suggestion else set(),
    )
    # One url_for with a stand-in id, then the real ids: a url_for per row cost 4 ms.
    link = url_for(
        "results.application_result", round_id=round_.id, application_id=page_rows.STAND_IN
    )
    return render_template(
        "results/results.html",
        round=round_,
        found=found,
        table=page_rows.table_rows(found, rows, link),
        calibrated=found.result.settings.calibrate,
        sort=sort,
        suggestion=suggestion,
        bars=page_rows.bar_rows(chart, with_budget=suggestion is not None),
        standings=page_rows.standing_items(words.standings(found, suggestion, round_.quorum), link),
        agreement=words.round_sentence(found),
    )


@bp.route("/rounds/<int:round_id>/results/<int:application_id>")
@policy("member")
def application_result(round_id: int, application_id: int) -> Any:
    round_ = round_for_member(round_id)
    app = _application_or_404(round_, application_id)
    if not current_user.is_staff and standing_conflict(
        application_id=app.id, panellist_id=current_user.id
    ):
        abort(404)  # before anything else: not even a "not yet" page for it (security item 4)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    if app.reference not in found.applications:
        abort(404)  # a conflicted panellist never sees this application's figures
    result = found.result.result_for(app.reference)
    plot = charts.dot_plot(
        result.sheet_scores, low=round_.scale_min, high=round_.scale_max, mean=result.mean
    )
    note = db.session.execute(
        db.select(MeetingNote).where(MeetingNote.application_id == app.id)
    ).scalar_one_or_none()
    allocation = None  # the funding line is not shown without every application (item 29)
    if not found.without_conflicts:
        allocation = criteria.allocate(found.result, budget=round_.budget_pence)
    said = words.standings(found, allocation, round_.quorum)
    return render_template(
        "results/application.html",
        round=round_,
        app=app,
        result=result,
        standing=next(s for s in said if s.reference == app.reference),
        found=found,
        plot=plot,
        note=note,
        fmt=results_service.fmt,
    )


@bp.route("/rounds/<int:round_id>/meeting")
@policy("member")
def meeting(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    flagged = list(criteria.moderation_agenda(found.result))
    rest = [r for r in found.result.applications if not r.flagged]
    agenda = [r for r in flagged + rest if r.reference in found.applications]
    notes = {
        n.application_id: n
        for n in db.session.execute(
            db.select(MeetingNote).where(MeetingNote.round_id == round_.id)
        ).scalars()
    }
    return render_template(
        "results/meeting.html",
        round=round_,
        found=found,
        agenda=agenda,
        notes=notes,
        fmt=results_service.fmt,
        can_write_notes=current_user.is_staff and stages.decisions_open(round_),
        meeting_summary=meeting_summary(round_),
    )


@bp.route("/rounds/<int:round_id>/meeting/<int:application_id>/note", methods=["GET", "POST"])
@policy("staff")
def meeting_note(round_id: int, application_id: int) -> Any:
    round_ = round_or_404(round_id)
    app = _application_or_404(round_, application_id)
    note = db.session.execute(
        db.select(MeetingNote).where(MeetingNote.application_id == app.id)
    ).scalar_one_or_none()
    form = NoteForm(data={"body": note.body} if note and request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            decisions.save_note(
                round_=round_,
                application=app,
                body=form.body.data or "",
                actor=current_user,
                expected_version=form.version.sent(),
            )
        except decisions.StaleEdit as exc:
            db.session.rollback()
            form.body.errors = [f"{exc} Your text is below; the saved note is shown above it."]
            status = 409
        except decisions.DecisionError as exc:
            form.body.errors = [str(exc)]
            status = 409
        else:
            db.session.commit()
            flash(f"Notes for {app.reference} saved.", "success")
            return redirect(url_for("results.meeting", round_id=round_.id))
    if form.errors and status == 200:
        status = 400
    note = db.session.execute(
        db.select(MeetingNote).where(MeetingNote.application_id == app.id)
    ).scalar_one_or_none()
    return render_template(
        "results/note.html", round=round_, app=app, form=form, saved=note
    ), status


@bp.route("/rounds/<int:round_id>/lottery", methods=["GET", "POST"])
@policy("staff")
def lottery(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    form = LotteryForm()
    status = 200
    if form.validate_on_submit():
        try:
            draw = decisions.draw_lottery(
                results=found,
                seed=form.seed.data or "",
                reason=form.reason.data or "",
                actor=current_user,
            )
        except decisions.DecisionError as exc:
            db.session.rollback()
            if exc.field in form:
                form[exc.field].errors = [str(exc)]
            else:
                form.form_errors.append(str(exc))
            status = 409 if isinstance(exc, decisions.DecisionsLocked) else 400
        else:
            db.session.commit()
            flash(f"Drawn with the seed “{draw.seed}”: {', '.join(draw.order)}.", "success")
            return redirect(url_for("results.lottery", round_id=round_.id))
    if form.errors and status == 200:
        status = 400
    draws = decisions.draws(round_.id)
    return render_template(
        "results/lottery.html",
        round=round_,
        found=found,
        form=form,
        tied=decisions.tie_at_the_line(found),
        draws=list(reversed(draws)),
        fmt=results_service.fmt,
    ), status


@bp.route("/rounds/<int:round_id>/method", methods=["GET", "POST"])
@policy("staff")
def method(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = MethodForm(obj=round_ if request.method == "GET" else None)
    if form.validate_on_submit():
        if stages.decided(round_):
            flash("This round is decided: its method can no longer change.", "info")
            return redirect(url_for("results.method", round_id=round_.id))
        from panel.audit import changes, record

        keys = (
            "rank_by",
            "calibrate",
            "allocation_policy",
            "min_percent",
            "sd_flag_percent",
            "range_flag_percent",
            "panellists_see_results",
        )
        before = {k: getattr(round_, k) for k in keys}
        form.populate_obj(round_)
        old, new = changes(before, {k: getattr(round_, k) for k in keys})
        if new:
            record(
                actor=current_user,
                action="round.method_changed",
                object_type="round",
                object_id=round_.id,
                round_id=round_.id,
                before=old,
                after=new,
            )
        db.session.commit()
        flash("The method settings have been saved.", "success")
        return redirect(url_for("results.results", round_id=round_.id))
    status = 400 if form.errors else 200
    return render_template("results/method.html", round=round_, form=form), status
