"""The ideas board: posting, reading, supporting and discussing ideas, and staff's answers."""

from typing import Any

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from panel.access import membership, policy
from panel.extensions import db
from panel.forms import SHARE_HINTS, CommentForm, ConfirmForm, PanelForm
from panel.ideas import bp, queries, services
from panel.ideas.forms import AnswerForm, IdeaForm
from panel.models import Idea, IdeaStatus
from panel.notes import may_read, shown_comments


def idea_or_404(idea_id: int) -> Idea:
    idea = db.session.get(Idea, idea_id)
    if idea is None:
        abort(404)
    return idea


def idea_url(idea: Idea, anchor: str = "") -> str:
    return url_for("ideas.idea", idea_id=idea.id) + (f"#{anchor}" if anchor else "")


def show_problems(form: PanelForm, exc: services.IdeaError) -> None:
    """An idea service's refusal on the form: each problem by its field, else at the top."""
    problems = exc.problems if isinstance(exc, services.Invalid) else [(exc.field or "", str(exc))]
    form.show_problems(problems)


@bp.route("/ideas")
@policy("signed_in")
def board() -> Any:
    return render_template(
        "ideas/board.html",
        board=queries.board(current_user),
        order=queries.BOARD_ORDER,
    )


@bp.route("/ideas/new", methods=["GET", "POST"])
@policy("signed_in")
def new() -> Any:
    form = IdeaForm()
    if form.validate_on_submit():
        try:
            idea = services.post(text=form.text(), actor=current_user)
        except services.Invalid as exc:
            db.session.rollback()
            show_problems(form, exc)
        else:
            db.session.commit()
            flash(f"Your idea “{idea.title}” has been posted. Staff will answer it.", "success")
            return redirect(idea_url(idea))
    status = 400 if form.errors else 200
    return render_template("ideas/new.html", form=form, share_hints=SHARE_HINTS), status


@bp.route("/ideas/<int:idea_id>")
@policy("signed_in")
def idea(idea_id: int) -> Any:
    return _idea_page(idea_or_404(idea_id), CommentForm(formdata=None))


def _idea_page(idea: Idea, comment_form: CommentForm, status: int = 200) -> Any:
    rounds = services.rounds_of([idea.id]).get(idea.id, [])
    return render_template(
        "ideas/idea.html",
        idea=idea,
        why_readable=may_read(
            author_id=idea.author_id, private=idea.why_private, viewer=current_user
        ),
        rounds=[
            (r, current_user.is_staff or membership(r, current_user) is not None) for r in rounds
        ],
        supporters=queries.support_counts([idea.id]).get(idea.id, 0),
        i_support=services.supports(idea, current_user),
        comments=shown_comments(list(queries.comments_of(idea)), current_user),
        comment_form=comment_form,
        confirm_form=ConfirmForm(),
        share_hints=SHARE_HINTS,
        report_url=lambda cid: url_for(
            "ideas.report_comment", idea_id=idea.id, idea_comment_id=cid
        ),
        hide_url=lambda cid: url_for("ideas.hide_comment", idea_id=idea.id, idea_comment_id=cid),
    ), status


@bp.route("/ideas/<int:idea_id>/comments", methods=["POST"])
@policy("signed_in")
def comment(idea_id: int) -> Any:
    idea = idea_or_404(idea_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(
                idea=idea, body=form.body.data or "", private=form.private, actor=current_user
            )
        except services.Invalid as exc:
            db.session.rollback()
            show_problems(form, exc)
        else:
            db.session.commit()
            flash(
                "Your note for staff has been added."
                if form.private
                else "Your comment has been added.",
                "success",
            )
            return redirect(idea_url(idea, "comments"))
    return _idea_page(idea, form, status=400)


def _support_action(idea_id: int, withdraw: bool) -> Any:
    idea = idea_or_404(idea_id)
    if ConfirmForm().validate_on_submit():
        try:
            if withdraw:
                services.withdraw_support(idea=idea, actor=current_user)
            else:
                services.support(idea=idea, actor=current_user)
        except services.IdeaError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash(
                "You no longer support this idea." if withdraw else "You now support this idea.",
                "success",
            )
    return redirect(idea_url(idea, "support"))


@bp.route("/ideas/<int:idea_id>/support", methods=["POST"])
@policy("signed_in")
def support(idea_id: int) -> Any:
    return _support_action(idea_id, withdraw=False)


@bp.route("/ideas/<int:idea_id>/withdraw", methods=["POST"])
@policy("signed_in")
def withdraw(idea_id: int) -> Any:
    return _support_action(idea_id, withdraw=True)


@bp.route("/ideas/<int:idea_id>/answer", methods=["GET", "POST"])
@policy("staff")
def answer(idea_id: int) -> Any:
    idea = idea_or_404(idea_id)
    taken_by = services.rounds_of([idea.id]).get(idea.id, [])
    form = AnswerForm(
        data={
            "status": idea.status if idea.status in services.ANSWERS else None,
            "reason": idea.status_reason or "",
        }
    )
    if not taken_by and form.validate_on_submit():
        try:
            services.answer(
                idea=idea,
                status=form.status.data or "",
                reason=form.reason.data or "",
                actor=current_user,
            )
        except services.IdeaError as exc:
            db.session.rollback()
            show_problems(form, exc)
        else:
            db.session.commit()
            flash(f"Your answer is on “{idea.title}” for everyone to see.", "success")
            return redirect(idea_url(idea))
    status = 400 if form.errors else 200
    return render_template(
        "ideas/answer.html",
        idea=idea,
        form=form,
        taken_by=taken_by,
        hints={
            IdeaStatus.CONSIDERING.value: "Staff are looking at it. Add a note if you like.",
            IdeaStatus.NOT_NOW.value: "Say why, in words the person who posted it understands.",
        },
    ), status
