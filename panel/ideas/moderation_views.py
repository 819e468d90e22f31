"""Safe spaces on the ideas board: reporting a comment, staff hiding or keeping it, and the staff
list of every reported comment (ideas' and criteria's)."""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import policy
from panel.extensions import db
from panel.forms import ConfirmForm, HideCommentForm
from panel.ideas import bp
from panel.ideas.views import idea_or_404, idea_url
from panel.models import Idea, IdeaComment
from panel.notes import NoteError, hide, keep, open_reports, report


def _comment_or_404(idea: Idea, comment_id: int) -> IdeaComment:
    comment = db.session.get(IdeaComment, comment_id)
    if comment is None or comment.idea_id != idea.id:
        abort(404)
    return comment


@bp.route("/ideas/<int:idea_id>/comments/<int:idea_comment_id>/report", methods=["POST"])
@policy("signed_in")
def report_comment(idea_id: int, idea_comment_id: int) -> Any:
    idea = idea_or_404(idea_id)
    comment = _comment_or_404(idea, idea_comment_id)
    if ConfirmForm().validate_on_submit():
        try:
            report(comment=comment, actor=current_user)
        except NoteError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("Thank you. Staff will look at the comment you reported.", "success")
    return redirect(idea_url(idea, f"comment-{comment.id}"))


@bp.route("/ideas/<int:idea_id>/comments/<int:idea_comment_id>/hide", methods=["GET", "POST"])
@policy("staff")
def hide_comment(idea_id: int, idea_comment_id: int) -> Any:
    idea = idea_or_404(idea_id)
    comment = _comment_or_404(idea, idea_comment_id)
    form = HideCommentForm()
    if comment.hidden_at is None and form.validate_on_submit():
        try:
            hide(comment=comment, reason=form.reason.data or "", actor=current_user)
        except NoteError as exc:
            db.session.rollback()
            form.reason.errors = [*form.reason.errors, str(exc)]
        else:
            db.session.commit()
            flash("The comment is hidden. Its author sees your reason.", "success")
            return redirect(idea_url(idea, f"comment-{comment.id}"))
    status = 400 if form.errors else 200
    return render_template(
        "notes/hide_comment.html",
        comment=comment,
        where=idea.title,
        back=idea_url(idea, f"comment-{comment.id}"),
        form=form,
        keep_action=url_for("ideas.keep_comment", idea_id=idea.id, idea_comment_id=comment.id),
        confirm_form=ConfirmForm(),
    ), status


@bp.route("/ideas/<int:idea_id>/comments/<int:idea_comment_id>/keep", methods=["POST"])
@policy("staff")
def keep_comment(idea_id: int, idea_comment_id: int) -> Any:
    idea = idea_or_404(idea_id)
    comment = _comment_or_404(idea, idea_comment_id)
    if ConfirmForm().validate_on_submit():
        closed = keep(comment=comment, actor=current_user)
        db.session.commit()
        flash(
            "The comment stays and its reports are closed." if closed else "No reports were open.",
            "success",
        )
    return redirect(url_for("ideas.reported"))


@bp.route("/reported-comments")
@policy("staff")
def reported() -> Any:
    return render_template("ideas/reported.html", reports=open_reports())
