"""Safe spaces in the discussion of criteria: anyone on the panel reports a comment; staff hide
it with a reason its author sees, or keep it (`panel.notes` holds the rules)."""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy, round_for_member
from panel.codesign import bp
from panel.codesign.views.common import criterion_or_404, criterion_url
from panel.extensions import db
from panel.forms import ConfirmForm, HideCommentForm
from panel.models import Criterion, CriterionComment
from panel.notes import NoteError, hide, keep, report


def _comment_or_404(criterion: Criterion, comment_id: int) -> CriterionComment:
    comment = db.session.get(CriterionComment, comment_id)
    if comment is None or comment.criterion_id != criterion.id:
        abort(404)
    return comment


@bp.route(
    "/rounds/<int:round_id>/criteria/<int:criterion_id>/comments/<int:comment_id>/report",
    methods=["POST"],
)
@policy("member")
def report_comment(round_id: int, criterion_id: int, comment_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    comment = _comment_or_404(criterion, comment_id)
    if ConfirmForm().validate_on_submit():
        try:
            report(comment=comment, actor=current_user, round_id=round_.id)
        except NoteError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Thank you. Staff will look at the comment you reported.", "success")
    return redirect(criterion_url(criterion) + f"#comment-{comment.id}")


@bp.route(
    "/rounds/<int:round_id>/criteria/<int:criterion_id>/comments/<int:comment_id>/hide",
    methods=["GET", "POST"],
)
@policy("staff")
def hide_comment(round_id: int, criterion_id: int, comment_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    comment = _comment_or_404(criterion, comment_id)
    form = HideCommentForm()
    if comment.hidden_at is None and form.validate_on_submit():
        try:
            hide(
                comment=comment,
                reason=form.reason.data or "",
                actor=current_user,
                round_id=round_.id,
            )
        except NoteError as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.session.commit()
            flash("The comment is hidden. Its author sees your reason.", "success")
            return redirect(criterion_url(criterion) + f"#comment-{comment.id}")
    status = 400 if form.errors else 200
    return render_template(
        "notes/hide_comment.html",
        comment=comment,
        where=f"{round_.name}: {criterion.title}",
        back=criterion_url(criterion) + f"#comment-{comment.id}",
        form=form,
        keep_action=url_for(
            "codesign.keep_comment",
            round_id=round_.id,
            criterion_id=criterion.id,
            comment_id=comment.id,
        ),
        confirm_form=ConfirmForm(),
    ), status


@bp.route(
    "/rounds/<int:round_id>/criteria/<int:criterion_id>/comments/<int:comment_id>/keep",
    methods=["POST"],
)
@policy("staff")
def keep_comment(round_id: int, criterion_id: int, comment_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    comment = _comment_or_404(criterion, comment_id)
    if ConfirmForm().validate_on_submit():
        closed = keep(comment=comment, actor=current_user, round_id=round_.id)
        db.session.commit()
        flash(
            "The comment stays and its reports are closed." if closed else "No reports were open.",
            "success",
        )
    return redirect(url_for("ideas.reported"))
