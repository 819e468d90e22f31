"""Staff review each panel comment before feedback reaches applicants."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy, round_or_404
from panel.extensions import db
from panel.results import bp, comments, stages
from panel.results import services as results_service
from panel.results.budget import DecisionError, StaleEdit
from panel.results.forms import FeedbackCommentForm
from panel.results.views import _results_or_page


@bp.route("/rounds/<int:round_id>/feedback")
@policy("staff")
def feedback_review(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    if not stages.meeting_open(round_):
        why = "Panel comments are reviewed for applicants from the Panel meeting stage on."
        return render_template("results/not_yet.html", round=round_, why=why)
    found = _results_or_page(round_)
    if isinstance(found, str):
        return found
    groups = comments.panel_comments(found)
    waiting = sum(1 for g in groups for c in g.comments if c.reviewed is None)
    return render_template(
        "results/feedback.html",
        round=round_,
        groups=groups,
        waiting=waiting,
        form=FeedbackCommentForm(formdata=None),
    )


@bp.route("/rounds/<int:round_id>/feedback/<int:review_id>/<part>", methods=["POST"])
@policy("staff")
def review_comment(round_id: int, review_id: int, part: str) -> Any:
    round_ = round_or_404(round_id)
    if not stages.meeting_open(round_):
        abort(404)
    comment = comments.find_comment(results_service.compute(round_), review_id, part)
    if comment is None:
        abort(404)
    form = FeedbackCommentForm()
    anchor = f"comment-{review_id}-{part}"
    if form.validate_on_submit():
        include = request.form.get("action") != "leave_out"
        try:
            comments.review_comment(
                round_=round_,
                comment=comment,
                include=include,
                text=form.text.data or "",
                expected_version=form.version.sent(),
                actor=current_user,
            )
        except (StaleEdit, DecisionError) as exc:
            db.session.rollback()
            flash(str(exc), "info")
        else:
            db.session.commit()
            what = "included" if include else "left out"
            flash(f"A comment on the application was {what}.", "success")
    else:
        flash(" ".join(e for errors in form.errors.values() for e in errors), "info")
    return redirect(url_for("results.feedback_review", round_id=round_id, _anchor=anchor))
