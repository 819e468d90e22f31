"""The pages every member uses to discuss the criteria: the board, proposing, editing, removing,
comments and support."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy, round_for_member
from panel.codesign import bp, services
from panel.codesign.diff import version_changes
from panel.codesign.forms import (
    EXAMPLE_TITLE,
    KIND_HINTS,
    CriterionFormBase,
    RemoveForm,
    ShortlistForm,
    criterion_form,
    examples_for,
)
from panel.codesign.views.common import (
    board_url,
    criterion_or_404,
    criterion_url,
    refused,
    show_problems,
)
from panel.extensions import db
from panel.forms import SHARE_HINTS, CommentForm, ConfirmForm
from panel.ideas.queries import idea_in_round, ideas_of_criteria
from panel.models import Criterion, FundingRound, Idea
from panel.notes import shown_comments

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


def _idea_or_404(round_: FundingRound, sent: str | None) -> Idea | None:
    """The idea a proposal starts from (?idea= or the form's field): one the round responds to."""
    if not sent:
        return None
    if not (sent.isascii() and sent.isdigit()):
        abort(404)
    idea = idea_in_round(round_.id, int(sent))
    if idea is None:
        abort(404)
    return idea


@bp.route("/rounds/<int:round_id>/criteria/new", methods=["GET", "POST"])
@policy("member")
def propose(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    closed = services.discussion_closed(round_)
    form = criterion_form(round_)
    idea = _idea_or_404(round_, form.idea_id.data or request.args.get("idea"))
    if idea is not None and not form.is_submitted():
        form.idea_id.data = str(idea.id)
        form.title.data = idea.title[:120]
    if closed is None and form.validate_on_submit():
        try:
            criterion = services.propose(
                round_=round_, wording=form.wording(), actor=current_user, idea=idea
            )
        except services.Invalid as exc:
            show_problems(form, exc)
        else:
            db.session.commit()
            flash(f"Your criterion “{criterion.title}” has been added for discussion.", "success")
            return redirect(criterion_url(criterion))
    status = 409 if closed and form.is_submitted() else 400 if form.errors else 200
    return render_template(
        "codesign/propose.html",
        round=round_,
        form=form,
        closed=closed,
        kind_hints=KIND_HINTS,
        share_hints=SHARE_HINTS,
        idea=idea,
        examples=examples_for(round_),
        example_title=EXAMPLE_TITLE,
        more_open=any(
            form[name].errors or (form[name].data or "").strip()
            for name in ["description", *(f"level_{n}" for n in round_.scale_levels)]
        )
        or form.kind.data == "eligibility",
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>")
@policy("member")
def criterion(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    return _criterion_page(round_, criterion, CommentForm(formdata=None))


def _criterion_page(
    round_: FundingRound, criterion: Criterion, comment_form: CommentForm, status: int = 200
) -> Any:
    versions = services.versions_of([criterion.id])[criterion.id]
    reader = services.owns_why(criterion, current_user)
    history = []
    for n, version in enumerate(versions):
        before = versions[n - 1] if n else None
        hide = not reader and (version.why_private or (before is not None and before.why_private))
        changed = (
            version_changes(before, version, round_.scale_levels, hide_why=hide) if before else []
        )
        history.append((version, changed))
    return render_template(
        "codesign/criterion.html",
        round=round_,
        criterion=criterion,
        history=list(reversed(history)),
        comments=shown_comments(list(services.comments_of(criterion)), current_user),
        comment_form=comment_form,
        backers=services.supporters([criterion.id])[criterion.id],
        i_support=services.supports(criterion, current_user),
        closed=services.discussion_closed(round_),
        staff_closed=services.staff_changes_closed(round_),
        edit_refusal=services.may_edit(criterion, current_user),
        remove_refusal=services.may_remove(criterion, current_user),
        confirm_form=ConfirmForm(),
        shortlist_form=ShortlistForm(formdata=None),
        why_readable=services.may_read_why(criterion, current_user),
        missing=services.missing_parts(criterion, round_),
        idea=ideas_of_criteria([criterion.id]).get(criterion.id),
        share_hints=SHARE_HINTS,
        report_url=lambda cid: url_for(
            "codesign.report_comment",
            round_id=round_.id,
            criterion_id=criterion.id,
            comment_id=cid,
        ),
        hide_url=lambda cid: url_for(
            "codesign.hide_comment", round_id=round_.id, criterion_id=criterion.id, comment_id=cid
        ),
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@policy("member")
def edit(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    refusal = services.may_edit(criterion, current_user)
    if refusal:
        return refused(
            round_, "You cannot change this criterion", refusal, criterion_url(criterion)
        )
    closed = services.discussion_closed(round_)
    form: CriterionFormBase = criterion_form(
        round_,
        criterion,
        show_why=services.may_read_why(criterion, current_user),
        choose_privacy=services.owns_why(criterion, current_user),
    )
    conflict = None
    status = 200
    if closed is None and form.validate_on_submit():
        try:
            changed = services.edit(
                criterion=criterion,
                wording=form.wording(),
                expected_version=form.version.sent(),
                actor=current_user,
            )
        except services.StaleEdit:
            db.session.rollback()
            db.session.refresh(criterion)
            conflict = criterion
            form.version.data = str(criterion.version)
            status = 409
        except services.Invalid as exc:
            show_problems(form, exc)
        else:
            db.session.commit()
            if changed:
                flash(f"Your changes to “{criterion.title}” have been saved.", "success")
            else:
                flash("Nothing was changed.", "info")
            return redirect(criterion_url(criterion))
    if form.errors:
        status = 400
    if closed and form.is_submitted():
        status = 409  # the discussion closed while they were typing: nothing was saved
    return render_template(
        "codesign/edit.html",
        round=round_,
        criterion=criterion,
        form=form,
        closed=closed,
        conflict=conflict,
        kind_hints=KIND_HINTS,
        share_hints=SHARE_HINTS,
        examples=examples_for(round_),
        example_title=EXAMPLE_TITLE,
        why_readable=services.may_read_why(criterion, current_user),
        missing=services.missing_parts(criterion, round_),
    ), status


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/remove", methods=["GET", "POST"])
@policy("member")
def remove(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    refusal = services.may_remove(criterion, current_user) or services.discussion_closed(round_)
    if refusal:
        return refused(
            round_, "You cannot remove this criterion", refusal, criterion_url(criterion)
        )
    form = RemoveForm()
    if form.validate_on_submit():
        try:
            services.remove(criterion=criterion, actor=current_user, reason=form.reason.data or "")
        except services.Invalid as exc:
            show_problems(form, exc)
        else:
            db.session.commit()
            flash(f"“{criterion.title}” has been removed from the discussion.", "success")
            return redirect(board_url(round_))
    return render_template(
        "codesign/remove.html",
        round=round_,
        criterion=criterion,
        form=form,
        needs_reason=services.removal_needs_reason(criterion, current_user),
    ), (400 if form.errors else 200)


# ------------------------------------------------------------------ comments and support


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/comments", methods=["POST"])
@policy("member")
def comment(round_id: int, criterion_id: int) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
    form = CommentForm()
    if form.validate_on_submit():
        try:
            services.add_comment(
                criterion=criterion,
                body=form.body.data or "",
                private=form.private,
                actor=current_user,
            )
        except services.Invalid as exc:
            show_problems(form, exc)
        else:
            db.session.commit()
            flash(
                "Your note for staff has been added."
                if form.private
                else "Your comment has been added.",
                "success",
            )
            return redirect(criterion_url(criterion) + "#comments")
    return _criterion_page(round_, criterion, form, status=400)


def _support_action(round_id: int, criterion_id: int, withdraw: bool) -> Any:
    round_ = round_for_member(round_id)
    criterion = criterion_or_404(round_, criterion_id)
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
    return redirect(criterion_url(criterion) + "#support")


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/support", methods=["POST"])
@policy("member")
def support(round_id: int, criterion_id: int) -> Any:
    return _support_action(round_id, criterion_id, withdraw=False)


@bp.route("/rounds/<int:round_id>/criteria/<int:criterion_id>/withdraw", methods=["POST"])
@policy("member")
def withdraw(round_id: int, criterion_id: int) -> Any:
    return _support_action(round_id, criterion_id, withdraw=True)
