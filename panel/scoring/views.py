"""Views of the scoring area: My scoring, the scoring page, conflicts, paper sheets, coverage."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from panel.access import policy, round_for_member, round_or_404
from panel.database import commit_keeping_loaded
from panel.extensions import db
from panel.forms import ConfirmForm
from panel.models import Application, FundingRound, User
from panel.rounds.services import current_members
from panel.rubrics import current_rubric
from panel.scoring import bp, reminders
from panel.scoring.forms import (
    make_review_form,
    review_form_data,
)
from panel.scoring.services import blind, errors, lookups, progress, reviews, rules
from panel.welcome import conduct

# --------------------------------------------------------------------------- helpers


@bp.app_context_processor
def _helpers() -> dict[str, Any]:
    # The round page includes scoring/_round_links.html: it asks where scoring stands here.
    return {"scoring_phase": rules.phase}


def _application_or_404(round_: FundingRound, application_id: int) -> Application:
    try:
        return lookups.scorable_application(round_, application_id)
    except errors.NotFound:
        abort(404)


def _panellist_or_404(round_: FundingRound, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    try:
        lookups.panel_member(round_, user)
    except errors.NotFound:
        abort(404)
    return user


# ------------------------------------------------------------------------- My scoring


@bp.route("/rounds/<int:round_id>/scoring")
@policy("member")
def my_scoring(round_id: int) -> Any:
    round_ = round_for_member(round_id)
    if current_user.is_staff:
        # Staff do not score: they see who has scored what (the coverage page's content).
        return coverage(round_id)
    queue = progress.my_queue(round_=round_, panellist=current_user)
    return render_template(
        "scoring/my_scoring.html",
        round=round_,
        queue=queue,
        closed=rules.may_change_scores(round_, by_staff=False),
        phase=rules.phase(round_),
        colours=progress.STATUS_COLOURS,
        deadline_words=rules.deadline_in_words(round_.scoring_deadline),
    )


# ----------------------------------------------------------------------- scoring page


@bp.route("/rounds/<int:round_id>/scoring/<int:application_id>", methods=["GET", "POST"])
@policy("member")
def score(round_id: int, application_id: int) -> Any:
    round_ = round_for_member(round_id)
    application = _application_or_404(round_, application_id)
    if current_user.is_staff:
        if request.method == "POST":
            abort(404)  # staff have no review of their own; they enter paper scores "for" someone
        return _staff_application(round_, application)
    if lookups.standing_conflict(application_id=application.id, panellist_id=current_user.id):
        abort(404)
    if conduct.must_agree(current_user):
        # Before scoring for the first time, a panellist agrees to the code of conduct.
        return render_template(
            "scoring/agree_first.html", round=round_, application=application
        ), 403
    return _review_page(round_, application, panellist=current_user)


@bp.route(
    "/rounds/<int:round_id>/scoring/<int:application_id>/for/<int:user_id>",
    methods=["GET", "POST"],
)
@policy("staff")
def enter_for(round_id: int, application_id: int, user_id: int) -> Any:
    round_ = round_or_404(round_id)
    application = _application_or_404(round_, application_id)
    panellist = _panellist_or_404(round_, user_id)
    conflict = lookups.standing_conflict(application_id=application.id, panellist_id=user_id)
    if conflict is not None:
        flash(
            f"{panellist.display_name} has declared a conflict of interest on "
            f"{application.reference}, so they cannot score it.",
            "info",
        )
        return redirect(url_for("scoring.coverage", round_id=round_.id))
    return _review_page(round_, application, panellist=panellist)


def _review_page(round_: FundingRound, application: Application, *, panellist: User) -> Any:
    """The scoring form for `panellist` (the signed-in panellist, or staff entering for them)."""
    by_staff = current_user.id != panellist.id
    rubric = current_rubric(round_, with_criteria=True)
    criteria = rubric.scored if rubric is not None else []
    review = lookups.find_review(application_id=application.id, panellist_id=panellist.id)
    # Read before saving: the save updates this same object.
    first_submit = review is None or review.status != "submitted"
    closed = rules.may_change_scores(round_, by_staff=by_staff, review=review)
    at_meeting = rules.meeting_revision(round_, by_staff=by_staff, review=review)
    if rubric is None:
        closed = rules.NO_RUBRIC_TEXT
    if request.method == "POST":
        form = make_review_form(round_, criteria)
    else:
        form = make_review_form(round_, criteria, data=review_form_data(review, criteria))
    status, stale = 200, False
    if request.method == "POST":
        if closed:
            status = 409
        elif form.validate_on_submit():
            try:
                saved = reviews.save_review(
                    round_=round_,
                    application=application,
                    panellist=panellist,
                    actor=current_user,
                    scores=form.entries(),
                    overall_comment=form.overall_comment.data or "",
                    submit=form.submitting,
                    expected_version=form.expected_version(),
                    reason=form.reason.data or "",
                    rubric=rubric,
                )
            except errors.ReasonNeeded as exc:
                db.session.rollback()
                form.reason.errors = [str(exc)]
                status = 400
            except errors.StaleReview:
                db.session.rollback()
                status, stale = 409, True
                review = lookups.find_review(
                    application_id=application.id, panellist_id=panellist.id
                )
                # Saving again from this page now replaces what is saved, knowingly.
                form.version.data = str(review.version if review else 0)
            except errors.InvalidReview as exc:
                db.session.rollback()
                for c in criteria:
                    if c.id in exc.errors:
                        form.score_field(c).errors = [exc.errors[c.id]]
                status = 400
            except (errors.AlreadySubmitted, errors.NoRubric) as exc:
                db.session.rollback()
                form.form_errors.append(str(exc))
                status = 400
            except (errors.ScoringClosed, errors.DeadlinePassed) as exc:
                db.session.rollback()
                closed, status = str(exc), 409
            except errors.NotFound:
                db.session.rollback()
                abort(404)
            else:
                # Where to next is read before the commit (in the transaction that saved), and
                # the commit keeps what is loaded: nothing is read again after it, so on
                # SQLite the write lock is not taken a second time just to answer.
                message, next_url = _after_save(
                    round_, application, panellist, saved, by_staff, first_submit
                )
                commit_keeping_loaded()
                flash(message, "success")
                return redirect(next_url)
        else:
            status = 400
    return render_template(
        "scoring/score.html",
        round=round_,
        application=application,
        criteria=criteria,
        form=form,
        review=review,
        panellist=panellist,
        by_staff=by_staff,
        closed=closed,
        stale=stale,
        at_meeting=at_meeting,
        saved_scores=lookups.scores_by_criterion(review),
        others=_others(round_, application, own=review),
        may_see_others=blind.may_see_others(
            round_=round_, viewer=current_user, application=application, own=review
        ),
        conflicts_open=rules.conflicts_open(round_),
        next_up=_next_up(round_, application) if not by_staff else None,
        deadline_words=rules.deadline_in_words(round_.scoring_deadline),
    ), status


def _after_save(
    round_: FundingRound,
    application: Application,
    panellist: User,
    saved: Any,
    by_staff: bool,
    first_submit: bool,
) -> tuple[str, str]:
    """What to say after a save, and where to go: (message, URL)."""
    if by_staff:
        what = "submitted" if saved.status == "submitted" else "saved as a draft"
        return (
            f"{panellist.display_name}'s scores for {application.reference} have been {what}.",
            url_for("scoring.coverage", round_id=round_.id),
        )
    if saved.status == "submitted" and first_submit:
        # On to the next application to score, or to the end of the queue.
        next_up = progress.next_to_score(round_=round_, panellist=panellist)
        if next_up is None:
            url = url_for("scoring.all_scored", round_id=round_.id)
        else:
            url = url_for("scoring.score", round_id=round_.id, application_id=next_up.id)
        return f"Scores sent for {application.reference}.", url
    here = url_for("scoring.score", round_id=round_.id, application_id=application.id)
    if saved.status == "submitted":
        return f"Your changes to the scores for {application.reference} are saved.", here
    return f"Your draft for {application.reference} is saved. You can finish it later.", here


def _others(
    round_: FundingRound, application: Application, *, own: blind.OwnReview
) -> list[dict[str, Any]]:
    """Other panellists' counted reviews, as the signed-in person may see them (blind rule).
    `own`: the review the page shows (the signed-in person's own, unless staff enter for
    someone, which `blind` tells apart)."""
    reviews = blind.others_reviews(
        round_=round_, application=application, viewer=current_user, own=own
    )
    return [
        {
            "review": r,
            "name": blind.shown_name(r.panellist, viewer=current_user),
            "scores": lookups.scores_by_criterion(r),
        }
        for r in reviews
    ]


def _next_up(round_: FundingRound, application: Application) -> Application | None:
    next_up = progress.next_to_score(round_=round_, panellist=current_user)
    return next_up if next_up is not None and next_up.id != application.id else None


def _staff_application(round_: FundingRound, application: Application) -> Any:
    """Staff see the application and every panellist's review of it, with names."""
    rubric = current_rubric(round_)
    by_panellist = lookups.reviews_of(application)
    standing = lookups.standing_conflicts_on(application)
    rows = []
    for member in current_members(round_):
        review = by_panellist.get(member.user_id)
        rows.append(
            {
                "user": member.user,
                "review": review,
                "conflict": standing.get(member.user_id),
                "scores": lookups.scores_by_criterion(review),
            }
        )
    return render_template(
        "scoring/staff_application.html",
        round=round_,
        application=application,
        criteria=rubric.scored if rubric else [],
        rows=rows,
        scoring_open=rules.scoring_open(round_),
    )


# --------------------------------------------------------------------------- conflicts


@bp.route("/rounds/<int:round_id>/coverage")
@policy("staff")
def coverage(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    cover = progress.coverage(round_)
    behind = reminders.behind(round_, cover=cover)
    return render_template(
        "scoring/coverage.html",
        round=round_,
        cover=cover,
        colours=progress.STATUS_COLOURS,
        deadline_words=rules.deadline_in_words(round_.scoring_deadline),
        behind=behind,
        will_get=sum(b.will_get for b in behind),
        can_remind=rules.scoring_open(round_),
        remind_form=ConfirmForm(),
    )


@bp.route("/rounds/<int:round_id>/coverage/remind", methods=["POST"])
@policy("staff")
def remind(round_id: int) -> Any:
    round_ = round_or_404(round_id)
    if ConfirmForm().validate_on_submit():
        try:
            reminded = reminders.remind(round_=round_, actor=current_user)
        except reminders.ReminderError as exc:
            flash(str(exc), "info")
        else:
            db.session.commit()
            names = ", ".join(u.display_name for u in reminded) or "nobody (all reminded today)"
            flash(f"Reminder queued for {names}.", "success")
    return redirect(url_for("scoring.coverage", round_id=round_.id) + "#reminders")


@bp.route("/rounds/<int:round_id>/scoring/sheet/<int:user_id>")
@policy("staff")
def sheet(round_id: int, user_id: int) -> Any:
    round_ = round_or_404(round_id)
    panellist = _panellist_or_404(round_, user_id)
    rubric = current_rubric(round_)
    queue = progress.my_queue(round_=round_, panellist=panellist)
    return render_template(
        "scoring/sheet.html",
        round=round_,
        panellist=panellist,
        criteria=rubric.scored if rubric else [],
        applications=[item.application for item in queue.items],
        recused=[item.application for item in queue.recused],
    )
