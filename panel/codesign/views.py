"""Views of the codesign area: the criteria board, proposals, weights, adoption and the record."""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms import Field

from criteria.weights import points
from panel.access import policy, round_for_member
from panel.codesign import bp, services
from panel.codesign.diff import version_changes
from panel.codesign.forms import (
    KIND_HINTS,
    AdoptFormBase,
    BoundaryForm,
    CommentForm,
    CopyForm,
    CriterionFormBase,
    ReasonForm,
    ShortlistForm,
    adopt_form,
    criterion_form,
    shares_form,
)
from panel.extensions import db
from panel.forms import ConfirmForm, choices
from panel.models import Boundary, Criterion, CriterionKind, FundingRound


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"points": points}


def _criterion_or_404(round_: FundingRound, criterion_id: int) -> Criterion:
    criterion = services.criterion_in(round_, criterion_id)
    if criterion is None:
        abort(404)
    return criterion


def _add_error(form: Any, name: str, message: str) -> None:
    """Put a service's message by its field (or at the top of the form)."""
    target: Field | None = form._fields.get(name) if name else None
    if target is None:
        form.form_errors.append(message)
        return
    target.errors = [*target.errors, message]


def _show_problems(form: Any, exc: services.Invalid, prefix: str = "") -> None:
    for name, message in exc.problems:
        _add_error(form, f"{prefix}{name}" if name != "form" else "", message)


def _refused(round_: FundingRound, title: str, message: str, back: str, status: int = 403) -> Any:
    return render_template(
        "codesign/refused.html", round=round_, title=title, message=message, back=back
    ), status


def _board_url(round_: FundingRound) -> str:
    return url_for("codesign.board", round_id=round_.id)


def _criterion_url(criterion: Criterion) -> str:
    return url_for("codesign.criterion", round_id=criterion.round_id, criterion_id=criterion.id)


# ------------------------------------------------------------------ the board


@bp.route("/rounds/<int:round_id>/criteria")
@policy("member")
def board(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    return render_template(
        "codesign/board.html",
        round=round_,
        board=services.board(round_, current_user),
        closed=services.discussion_closed(round_),
        rubric=services.current_rubric(round_),
        may_adopt=services.may_adopt(round_, current_user),
    )


# ------------------------------------------------------------------ propose, edit, remove


@bp.route("/rounds/<int:round_id>/criteria/new", methods=["GET", "POST"])
@policy("member")
def propose(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    closed = services.discussion_closed(round_)
    form = criterion_form(round_)
    if closed is None and form.validate_on_submit():
        try:
            criterion = services.propose(round_=round_, wording=form.wording(), actor=current_user)
        except services.Invalid as exc:
            _show_problems(form, exc)
        else:
            db.session.commit()
            flash(f"Your criterion “{criterion.title}” has been added for discussion.", "success")
            return redirect(_criterion_url(criterion))
    status = 400 if form.errors else 200
    return render_template(
        "codesign/propose.html", round=round_, form=form, closed=closed, kind_hints=KIND_HINTS
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>")
@policy("member")
def criterion(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = _criterion_or_404(round_, criterion_id)
    return _criterion_page(round_, criterion, CommentForm(formdata=None))


def _criterion_page(
    round_: FundingRound, criterion: Criterion, comment_form: CommentForm, status: int = 200
) -> Any:
    versions = services.versions_of([criterion.id])[criterion.id]
    history = []
    for n, version in enumerate(versions):
        before = versions[n - 1] if n else None
        changed = version_changes(before, version, round_.scale_levels) if before else []
        history.append((version, changed))
    return render_template(
        "codesign/criterion.html",
        round=round_,
        criterion=criterion,
        history=list(reversed(history)),
        comments=services.comments_of(criterion),
        comment_form=comment_form,
        backers=services.supporters([criterion.id])[criterion.id],
        i_support=services.supports(criterion, current_user),
        closed=services.discussion_closed(round_),
        staff_closed=services.staff_changes_closed(round_),
        edit_refusal=services.may_edit(criterion, current_user),
        remove_refusal=services.may_remove(criterion, current_user),
        confirm_form=ConfirmForm(),
        shortlist_form=ShortlistForm(formdata=None),
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@policy("member")
def edit(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = _criterion_or_404(round_, criterion_id)
    refusal = services.may_edit(criterion, current_user)
    if refusal:
        return _refused(
            round_, "You cannot change this criterion", refusal, _criterion_url(criterion)
        )
    closed = services.discussion_closed(round_)
    form: CriterionFormBase = criterion_form(round_, criterion)
    conflict = None
    status = 200
    if closed is None and form.validate_on_submit():
        try:
            version = int(form.version.data or 0)
        except ValueError:
            version = 0
        try:
            changed = services.edit(
                criterion=criterion,
                wording=form.wording(),
                expected_version=version,
                actor=current_user,
            )
        except services.StaleEdit:
            db.session.rollback()
            db.session.refresh(criterion)
            conflict = criterion
            form.version.data = str(criterion.version)
            status = 409
        except services.Invalid as exc:
            _show_problems(form, exc)
        else:
            db.session.commit()
            if changed:
                flash(f"Your changes to “{criterion.title}” have been saved.", "success")
            else:
                flash("Nothing was changed.", "info")
            return redirect(_criterion_url(criterion))
    if form.errors:
        status = 400
    return render_template(
        "codesign/edit.html",
        round=round_,
        criterion=criterion,
        form=form,
        closed=closed,
        conflict=conflict,
        kind_hints=KIND_HINTS,
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/remove", methods=["GET", "POST"])
@policy("member")
def remove(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = _criterion_or_404(round_, criterion_id)
    refusal = services.may_remove(criterion, current_user) or services.discussion_closed(round_)
    if refusal:
        return _refused(
            round_, "You cannot remove this criterion", refusal, _criterion_url(criterion)
        )
    form = ConfirmForm()
    if form.validate_on_submit():
        services.remove(criterion=criterion, actor=current_user)
        db.session.commit()
        flash(f"“{criterion.title}” has been removed from the discussion.", "success")
        return redirect(_board_url(round_))
    return render_template("codesign/remove.html", round=round_, criterion=criterion, form=form)


# ------------------------------------------------------------------ comments and support


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/comments", methods=["POST"])
@policy("member")
def comment(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = _criterion_or_404(round_, criterion_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(criterion=criterion, body=form.body.data, actor=current_user)
        except services.Invalid as exc:
            _show_problems(form, exc)
        else:
            db.session.commit()
            flash("Your comment has been added.", "success")
            return redirect(_criterion_url(criterion) + "#comments")
    return _criterion_page(round_, criterion, form, status=400)


def _support_action(round_id: int, criterion_id: int, withdraw: bool) -> Any:
    round_ = round_for_member(round_id)
    criterion = _criterion_or_404(round_, criterion_id)
    if ConfirmForm().validate_on_submit():
        try:
            if withdraw:
                services.withdraw_support(criterion=criterion, actor=current_user)
            else:
                services.support(criterion=criterion, actor=current_user)
        except services.CodesignError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                "You no longer support this criterion."
                if withdraw
                else "You now support this criterion.",
                "success",
            )
    return redirect(_criterion_url(criterion) + "#support")


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/support", methods=["POST"])
@policy("member")
def support(round_id: int, criterion_id: int) -> Any:
    return _support_action(round_id, criterion_id, withdraw=False)


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/withdraw", methods=["POST"])
@policy("member")
def withdraw(round_id: int, criterion_id: int) -> Any:
    return _support_action(round_id, criterion_id, withdraw=True)


# ------------------------------------------------------------------ staff: fix, shortlist


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/fix", methods=["GET", "POST"])
@policy("staff")
def fix(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = _criterion_or_404(round_, criterion_id)
    closed = services.staff_changes_closed(round_)
    form = ReasonForm()
    if closed is None and form.validate_on_submit():
        action = services.unfix if criterion.fixed else services.fix
        try:
            action(criterion=criterion, reason=form.reason.data, actor=current_user)
        except services.Invalid as exc:
            _show_problems(form, exc)
        except services.CodesignError as exc:
            closed = str(exc)
        else:
            db.session.commit()
            flash(
                f"“{criterion.title}” is now fixed."
                if criterion.fixed
                else f"“{criterion.title}” is open for discussion again.",
                "success",
            )
            return redirect(_criterion_url(criterion))
    status = 400 if form.errors else 200
    return render_template(
        "codesign/fix.html", round=round_, criterion=criterion, form=form, closed=closed
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/shortlist", methods=["POST"])
@policy("staff")
def shortlist(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = _criterion_or_404(round_, criterion_id)
    form = ShortlistForm()
    if form.validate_on_submit():
        wanted = form.shortlist.data == "yes"
        try:
            services.set_shortlisted(criterion=criterion, shortlisted=wanted, actor=current_user)
        except services.CodesignError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                f"“{criterion.title}” is on the shortlist."
                if wanted
                else f"“{criterion.title}” is no longer on the shortlist.",
                "success",
            )
    return redirect(_criterion_url(criterion))


# ------------------------------------------------------------------ staff: boundaries, copying


@bp.route("/rounds/<int:round_id>/criteria/boundaries", methods=["GET", "POST"])
@policy("staff")
def boundaries(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    closed = services.staff_changes_closed(round_)
    form = BoundaryForm()
    if closed is None and form.validate_on_submit():
        try:
            services.add_boundary(
                round_=round_, title=form.title.data, reason=form.reason.data, actor=current_user
            )
        except services.Invalid as exc:
            _show_problems(form, exc)
        else:
            db.session.commit()
            flash("The non-negotiable has been added. Everyone on the panel can see it.", "success")
            return redirect(url_for("codesign.boundaries", round_id=round_.id))
    status = 400 if form.errors else 200
    return render_template(
        "codesign/boundaries.html",
        round=round_,
        form=form,
        closed=closed,
        boundaries=services.boundaries(round_),
    ), status


@bp.route(
    "/rounds/<int:round_id>/criteria/boundaries/<int:boundary_id>/remove", methods=["GET", "POST"]
)
@policy("staff")
def remove_boundary(round_id: int, boundary_id: int) -> Any:
    round_ = round_for_member(round_id)
    boundary = db.session.get(Boundary, boundary_id)
    if boundary is None or boundary.round_id != round_.id or boundary.archived_at is not None:
        abort(404)
    closed = services.staff_changes_closed(round_)
    form = ReasonForm()
    if closed is None and form.validate_on_submit():
        try:
            services.remove_boundary(boundary=boundary, reason=form.reason.data, actor=current_user)
        except services.Invalid as exc:
            _show_problems(form, exc)
        else:
            db.session.commit()
            flash(f"“{boundary.title}” is no longer listed as fixed.", "success")
            return redirect(url_for("codesign.boundaries", round_id=round_.id))
    status = 400 if form.errors else 200
    return render_template(
        "codesign/remove_boundary.html", round=round_, boundary=boundary, form=form, closed=closed
    ), status


@bp.route("/rounds/<int:round_id>/criteria/copy", methods=["GET", "POST"])
@policy("staff")
def copy(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    closed = services.discussion_closed(round_)
    sources = services.rounds_to_copy_from(round_)
    form = CopyForm()
    form.source.choices = choices(*((r.id, r.name) for r in sources))
    if closed is None and sources and form.validate_on_submit():
        source = db.session.get(FundingRound, form.source.data)
        if source is None:
            abort(404)
        try:
            copies = services.copy_criteria(
                round_=round_, source=source, what=form.what.data, actor=current_user
            )
        except services.Invalid as exc:
            _show_problems(form, exc)
        else:
            db.session.commit()
            flash(
                f"{len(copies)} criteria were copied from {source.name}. "
                "They are open for discussion.",
                "success",
            )
            return redirect(_board_url(round_))
    status = 400 if form.errors else 200
    return render_template(
        "codesign/copy.html", round=round_, form=form, closed=closed, sources=sources
    ), status


# ------------------------------------------------------------------ weights


@bp.route("/rounds/<int:round_id>/criteria/weights", methods=["GET", "POST"])
@policy("member")
def weights(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    closed = services.discussion_closed(round_)
    criteria = services.weighable(round_)
    saved = services.my_shares(round_, current_user)
    form = shares_form(criteria, saved)
    total_error = None
    if closed is None and criteria and form.validate_on_submit():
        try:
            services.share_weights(round_=round_, shares=form.shares(), actor=current_user)
        except services.Invalid as exc:
            db.session.rollback()
            total_error = exc.problems[0][1]
        else:
            db.session.commit()
            flash(
                "Your shares have been saved. You can change them until the criteria are agreed.",
                "success",
            )
            return redirect(url_for("codesign.weights", round_id=round_.id))
    has_saved = bool(saved) and len(saved) == len(criteria) and sum(saved.values()) == 100
    stale = bool(saved) and not has_saved
    typed = form.total()
    status = 400 if (form.errors or total_error) else 200
    return render_template(
        "codesign/weights.html",
        round=round_,
        form=form,
        closed=closed,
        criteria=criteria,
        total_error=total_error,
        typed_total=typed,
        has_saved=has_saved,
        stale=stale,
        summary=services.weight_summary(round_),
    ), status


# ------------------------------------------------------------------ adoption


def _choices_from(form: AdoptFormBase) -> list[services.Choice] | None:
    chosen = []
    ok = True
    for row in form.rows():
        if not row["include"].data:
            continue
        c = row["criterion"]
        weight = 0
        reason = ""
        if c.kind == CriterionKind.SCORED:
            if row["weight"].errors:
                ok = False
                continue
            if row["weight"].data is None:
                row["weight"].errors = [f"Enter a weight for {c.title}"]
                ok = False
                continue
            weight = row["weight"].data
            reason = row["reason"].data or ""
        position = row["position"].data if isinstance(row["position"].data, int) else 999
        chosen.append(services.Choice(criterion=c, position=position, weight=weight, reason=reason))
    return chosen if ok else None


@bp.route("/rounds/<int:round_id>/criteria/adopt", methods=["GET", "POST"])
@policy("member")
def adopt(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    allowed = services.may_adopt(round_, current_user)
    closed = services.adoption_closed(round_)
    summary = services.weight_summary(round_)
    candidates = services.candidates(round_)
    form = adopt_form(candidates, summary.proposed)
    in_force = services.current_rubric(round_)
    in_force_version = in_force.version if in_force else 0
    stale = False
    if not form.is_submitted():
        form.version.data = str(in_force_version)
    if form.is_submitted() and not allowed:
        return _refused(
            round_,
            "You cannot adopt the criteria",
            "Only staff or the panel's chair can adopt the criteria.",
            url_for("codesign.adopt", round_id=round_.id),
        )
    if allowed and closed is None and form.is_submitted():
        form.validate()
        form.clear_excluded_errors()
        sent = form.version.data or ""
        if sent.isdigit() and int(sent) != in_force_version:
            # Someone adopted while this page was open: never replace it silently (item 24).
            stale = True
            form.form_errors.append(
                f"Someone else adopted version {in_force_version} of the criteria while you had "
                "this page open. Check it below; your choices are kept in the form. Adopt again "
                "only if you still want to replace it."
            )
            form.version.data = str(in_force_version)
        chosen = None if stale else _choices_from(form)
        if chosen is not None and not form.errors:
            try:
                rubric = services.adopt(
                    round_=round_, choices=chosen, note=form.note.data or "", actor=current_user
                )
            except services.Invalid as exc:
                db.session.rollback()
                _show_problems(form, exc)
            else:
                db.session.commit()
                flash(f"The criteria have been adopted as version {rubric.version}.", "success")
                return redirect(url_for("codesign.record", round_id=round_.id))
    status = 409 if stale else 400 if form.errors else 200
    return render_template(
        "codesign/adopt.html",
        round=round_,
        form=form,
        allowed=allowed,
        closed=closed,
        summary=summary,
        rubric=services.current_rubric(round_),
        stale=stale,
    ), status


# ------------------------------------------------------------------ the record


@bp.route("/rounds/<int:round_id>/criteria/record")
@policy("member")
def record(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    rubrics = services.rubrics_of(round_)
    rubric = rubrics[0] if rubrics else None
    return render_template(
        "codesign/record.html",
        round=round_,
        rubric=rubric,
        earlier=rubrics[1:],
        entries=services.agreement_record(rubric) if rubric else [],
        boundaries=services.boundaries(round_),
    )
