"""Home page, round set-up, stages, panel membership and the audit log."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import membership, policy, round_for_member, round_or_404
from panel.extensions import db
from panel.forms import ConfirmForm, choices
from panel.ideas.queries import ideas_for_round
from panel.models import FundingRound, PanelRole, RoundMember, Stage, User
from panel.rounds import bp, log, moves, services
from panel.rounds.forms import (
    AddMemberForm,
    LogFilterForm,
    RoundForm,
    StageForm,
    StepBackForm,
    round_form_defaults,
)
from panel.rounds.stages import form_state, next_step, stage_steps


@bp.route("/")
@policy("signed_in")
def home() -> Any:
    rounds = services.rounds_for(current_user)
    next_steps = {r.id: next_step(r, staff=current_user.is_staff) for r in rounds}
    return render_template("rounds/home.html", rounds=rounds, next_steps=next_steps)


@bp.route("/rounds/new", methods=["GET", "POST"])
@policy("staff")
def new_round() -> Any:
    form = RoundForm()
    form.offer_ideas()
    if form.validate_on_submit():
        try:
            round_ = services.create_round(details=form.details(), actor=current_user)
        except services.RoundError as exc:
            form.name.errors = [str(exc)]
        else:
            db.session.commit()
            flash(f"The round “{round_.name}” has been created.", "success")
            return redirect(url_for("rounds.detail", round_id=round_.id))
    status = 400 if form.errors else 200
    return render_template("rounds/edit.html", form=form, round=None), status


@bp.route("/rounds/<int:round_id>")
@policy("member")
def detail(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    return _detail_page(round_)


def _detail_page(
    round_: FundingRound,
    stage_form: StageForm | None = None,
    back_form: StepBackForm | None = None,
    status: int = 200,
) -> Any:
    target = round_.current_stage.next()
    staff = current_user.is_staff
    back = moves.previous_stage(round_.current_stage) if staff else None
    return render_template(
        "rounds/detail.html",
        round=round_,
        members=services.current_members(round_),
        my_membership=membership(round_, current_user),
        next_stage=target,
        problems=services.stage_problems(round_, target) if target and staff else [],
        ask_criteria_reason=staff and services.needs_criteria_reason(round_),
        closes_early=services.closes_early_text(round_) if staff else None,
        form_state=form_state(round_) if staff else "",
        stage_form=stage_form or StageForm(expected=round_.stage),
        back_stage=back,
        back_problems=moves.step_back_problems(round_) if back else [],
        back_form=back_form or StepBackForm(expected=round_.stage),
        stage_steps=stage_steps(round_),
        ideas=ideas_for_round(round_.id),
    ), status


@bp.route("/rounds/<int:round_id>/edit", methods=["GET", "POST"])
@policy("staff")
def edit_round(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = RoundForm(data=None if request.method == "POST" else round_form_defaults(round_))
    form.offer_ideas()
    if form.validate_on_submit():
        try:
            services.update_round(
                round_=round_,
                details=form.details(),
                actor=current_user,
                close_scoring=bool(form.close_scoring.data),
            )
        except services.ClosesScoringNow as exc:
            form.close_scoring.errors = [str(exc)]
        except services.RoundError as exc:
            form.scale.errors = [str(exc)]
        else:
            db.session.commit()
            flash("Your changes have been saved.", "success")
            return redirect(url_for("rounds.detail", round_id=round_.id))
    status = 400 if form.errors else 200
    return render_template("rounds/edit.html", form=form, round=round_), status


def _expected(form: StageForm | StepBackForm) -> Stage:
    try:
        return Stage(form.expected.data)  # type: ignore[arg-type]  # None: ValueError too
    except ValueError:
        abort(400)


@bp.route("/rounds/<int:round_id>/stage", methods=["POST"])
@policy("staff")
def advance_stage(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = StageForm()
    if form.validate_on_submit():
        try:
            stage = services.advance_stage(
                round_=round_,
                actor=current_user,
                expected=_expected(form),
                criteria_reason=form.reason(),
                close_early=bool(form.close_early.data),
            )
        except services.NeedsConfirming as exc:
            db.session.rollback()
            field = form.criteria_reason if exc.field == "criteria_reason" else form.close_early
            field.errors = [str(exc)]
            return _detail_page(round_, stage_form=form, status=400)
        except services.RoundError as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(f"The round is now at the stage: {stage.label}.", "success")
    elif form.errors:
        return _detail_page(round_, stage_form=form, status=400)
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.route("/rounds/<int:round_id>/stage/back", methods=["POST"])
@policy("staff")
def step_back(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = StepBackForm()
    if form.validate_on_submit():
        try:
            stage = moves.step_back(
                round_=round_,
                actor=current_user,
                expected=_expected(form),
                reason=form.reason.data or "",
            )
        except services.RoundError as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            flash(f"The round has gone back to the stage: {stage.label}.", "success")
            return redirect(url_for("rounds.detail", round_id=round_id))
    if form.errors:
        return _detail_page(round_, back_form=form, status=400)
    return redirect(url_for("rounds.detail", round_id=round_id))


@bp.route("/rounds/<int:round_id>/panel", methods=["GET", "POST"])
@policy("staff")
def panel(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = AddMemberForm()
    candidates = services.residents_not_on_panel(round_)
    form.user_id.choices = choices(*((u.id, f"{u.display_name} ({u.email})") for u in candidates))
    if form.validate_on_submit():
        users = [db.session.get(User, user_id) for user_id in form.user_id.data or []]
        try:
            added = services.add_members(
                round_=round_,
                users=[u for u in users if u is not None],
                role=PanelRole(form.role.data),
                actor=current_user,
            )
        except services.RoundError as exc:
            db.session.rollback()
            form.user_id.errors = [str(exc)]
        else:
            db.session.commit()
            names = ", ".join(m.user.display_name for m in added)
            flash(
                f"{names} {'has' if len(added) == 1 else 'have'} been added to the panel.",
                "success",
            )
            return redirect(url_for("rounds.panel", round_id=round_.id))
    status = 400 if form.errors else 200
    return render_template(
        "rounds/panel.html",
        round=round_,
        form=form,
        members=services.current_members(round_),
        remove_form=ConfirmForm(),
        has_candidates=bool(candidates),
        any_residents=bool(candidates) or services.any_residents(),
    ), status


@bp.route("/rounds/<int:round_id>/panel/<int:member_id>/remove", methods=["POST"])
@policy("staff")
def remove_member(round_id: int, member_id: int) -> Any:
    round_ = round_or_404(round_id)
    member = db.session.get(RoundMember, member_id)
    if member is None or member.round_id != round_.id:
        abort(404)
    if ConfirmForm().validate_on_submit():
        services.remove_member(member=member, actor=current_user)
        db.session.commit()
        flash(f"{member.user.display_name} has been taken off the panel.", "success")
    return redirect(url_for("rounds.panel", round_id=round_.id))


@bp.route("/rounds/<int:round_id>/log")
@policy("staff")
def audit_log(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    form = LogFilterForm(formdata=request.args)
    form.offer(
        people=log.people_in_log(round_),
        applications=log.applications_of(round_),
        kinds={key: words for key, (words, _) in log.KINDS.items()},
    )
    try:
        person, application = int(form.person.data or 0), int(form.application.data or 0)
    except (TypeError, ValueError):
        person = application = 0
    filters = log.LogFilters(
        person_id=person or None, application_id=application or None, kind=form.kind.data or None
    )
    page = request.args.get("page", 1, type=int) or 1
    events = db.paginate(
        log.log_query(round_, filters),
        # A page past the end is empty; past a million, its offset would not fit the database.
        page=min(max(page, 1), 1_000_000),
        per_page=50,
        error_out=False,
    )
    args = {k: v for k, v in request.args.items() if k != "page" and v not in ("", "0")}
    return render_template(
        "rounds/log.html",
        round=round_,
        form=form,
        events=events,
        entries=log.entries(round_, list(events.items)),
        filtered=filters != log.LogFilters(),
        args=args,
    )
