"""Staff pages of the codesign area: fix and shortlist criteria, non-negotiables, copying."""

from typing import Any, cast

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy, round_for_member
from panel.codesign import bp, services
from panel.codesign.forms import BoundaryForm, CopyForm, ReasonForm, ShortlistForm
from panel.codesign.views.common import board_url, criterion_or_404, criterion_url, show_problems
from panel.extensions import db
from panel.forms import choices
from panel.models import Boundary, FundingRound

# ------------------------------------------------------------------ staff: fix, shortlist


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/fix", methods=["GET", "POST"])
@policy("staff")
def fix(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    closed = services.staff_changes_closed(round_)
    form = ReasonForm()
    if closed is None and form.validate_on_submit():
        action = services.unfix if criterion.fixed else services.fix
        try:
            action(criterion=criterion, reason=cast(str, form.reason.data), actor=current_user)
        except services.Invalid as exc:
            show_problems(form, exc)
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
            return redirect(criterion_url(criterion))
    status = 400 if form.errors else 200
    return render_template(
        "codesign/fix.html", round=round_, criterion=criterion, form=form, closed=closed
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/shortlist", methods=["POST"])
@policy("staff")
def shortlist(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
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
    return redirect(criterion_url(criterion))


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
                round_=round_,
                title=cast(str, form.title.data),
                reason=cast(str, form.reason.data),
                actor=current_user,
            )
        except services.Invalid as exc:
            show_problems(form, exc)
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
            services.remove_boundary(
                boundary=boundary, reason=cast(str, form.reason.data), actor=current_user
            )
        except services.Invalid as exc:
            show_problems(form, exc)
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
            show_problems(form, exc)
        else:
            db.session.commit()
            flash(
                f"{len(copies)} criteria were copied from {source.name}. "
                "They are open for discussion.",
                "success",
            )
            return redirect(board_url(round_))
    status = 400 if form.errors else 200
    return render_template(
        "codesign/copy.html", round=round_, form=form, closed=closed, sources=sources
    ), status
