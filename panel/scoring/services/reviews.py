"""Saving reviews: a panellist's own scores (or staff's paper entry for them), with snapshots
for the audit log.

A review belongs to one panellist and one eligible application of the round. Identity comes
from the caller (URL and session), never from the form.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from panel.audit import record
from panel.extensions import db
from panel.models import (
    Application,
    FundingRound,
    Review,
    ReviewStatus,
    Rubric,
    RubricCriterion,
    Score,
    User,
)
from panel.models.review import pack_scores
from panel.models.types import utcnow
from panel.rubrics import current_rubric
from panel.scoring.services.errors import (
    AlreadySubmitted,
    ConflictDeclared,
    InvalidReview,
    NoRubric,
    NotFound,
    ReasonNeeded,
    ScoringError,
    StaleReview,
)
from panel.scoring.services.lookups import (
    check_scorable,
    find_review,
    panel_member,
    standing_conflict,
)
from panel.scoring.services.rules import (
    NO_RUBRIC_TEXT,
    check_can_change,
    meeting_revision,
    staff_acting_for,
)

COMMENT_MAX = 2000
OVERALL_MAX = 5000
REASON_MAX = 500


@dataclass(frozen=True)
class ScoreEntry:
    """What the panellist gave one criterion: a whole number on the scale (or None), a comment."""

    value: int | None
    comment: str = ""


def _snapshot(review: Review, criteria: list[RubricCriterion]) -> dict[str, Any]:
    by_criterion = {s.rubric_criterion_id: s for s in review.scores}
    scores = {}
    comments = {}
    for c in criteria:
        score = by_criterion.get(c.id)
        scores[c.key] = score.value if score else None
        comments[c.key] = score.comment if score else ""
    return {
        "status": review.status,
        "version": review.version,
        "scores": scores,
        "comments": comments,
        "overall_comment": review.overall_comment,
    }


def check_entries(
    *, round_: FundingRound, rubric: Rubric, scores: dict[int, ScoreEntry], submit: bool
) -> None:
    """Raise InvalidReview unless every score is a whole number on the scale (all, to submit)."""
    criteria = {c.id: c for c in rubric.scored}
    errors: dict[int, str] = {}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise NotFound("Those scores are not for this round's questions.")
    low, high = round_.scale_min, round_.scale_max
    for cid, criterion in criteria.items():
        entry = scores.get(cid, ScoreEntry(None))
        value = entry.value
        if value is not None and (
            isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high
        ):
            errors[cid] = f"Choose a whole number from {low} to {high} for {criterion.title}"
        elif value is None and submit:
            errors[cid] = f"Choose a score for {criterion.title}"
        elif len(entry.comment) > COMMENT_MAX:
            errors[cid] = f"Keep your comment on {criterion.title} under {COMMENT_MAX:,} characters"
    if errors:
        raise InvalidReview(errors)


def save_review(
    *,
    round_: FundingRound,
    application: Application,
    panellist: User,
    actor: User,
    scores: dict[int, ScoreEntry],
    overall_comment: str,
    submit: bool,
    expected_version: int,
    reason: str = "",
    rubric: Rubric | None = None,
) -> Review:
    """Save the panellist's own review (or staff's paper entry for them): draft or submitted.

    Refused outside Scoring, after the deadline for panellists, for anyone not on the panel,
    for an ineligible or conflicted application, and from a stale form (`expected_version` is
    the version the form showed, 0 when there was no review yet). Every save is audited.
    At the Panel meeting a panellist may revise their own submitted review with a `reason`.
    `rubric`: the round's rubric in force, when the caller has just read it in this
    transaction (read here otherwise, or when it is not this round's).
    """
    by_staff = staff_acting_for(actor=actor, panellist=panellist)
    # Lock the row first (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers) so
    # two tabs saving at once cannot both pass the version check; the checks below read it
    # too, in the same order as ever. Reading it takes the lock and refuses nothing.
    review = db.session.execute(
        db.select(Review)
        .where(Review.application_id == application.id, Review.panellist_id == panellist.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    at_meeting = meeting_revision(round_, by_staff=by_staff, review=review)
    if at_meeting:
        if not submit:
            raise AlreadySubmitted("At the panel meeting, save your changed scores in full.")
        if not reason.strip():
            raise ReasonNeeded("Say briefly why you are changing your scores")
        if len(reason) > REASON_MAX:
            raise ReasonNeeded(f"Keep the reason under {REASON_MAX} characters")
    else:
        check_can_change(round_, by_staff=by_staff)
    panel_member(round_, panellist)
    check_scorable(round_, application)
    if standing_conflict(application_id=application.id, panellist_id=panellist.id):
        raise ConflictDeclared("A conflict of interest is declared on this application.")
    if rubric is None or rubric.round_id != round_.id:
        rubric = current_rubric(round_)
    if rubric is None:
        raise NoRubric(NO_RUBRIC_TEXT)
    check_entries(round_=round_, rubric=rubric, scores=scores, submit=submit)
    if len(overall_comment) > OVERALL_MAX:
        raise ScoringError(f"Keep your overall comment under {OVERALL_MAX:,} characters")

    current_version = review.version if review is not None else 0
    if current_version != expected_version:
        raise StaleReview(review)
    if review is not None and review.status == ReviewStatus.SUBMITTED and not submit:
        raise AlreadySubmitted(
            "This review is already submitted, so it cannot go back to being a draft. "
            "Give a score for every question and save your changes."
        )

    criteria = rubric.scored
    now = utcnow()
    if review is None:
        review = Review(
            round_id=round_.id,
            application_id=application.id,
            panellist_id=panellist.id,
            rubric_id=rubric.id,
            status=ReviewStatus.DRAFT,
            overall_comment="",
            version=1,
            created_at=now,
            entered_by_id=actor.id if by_staff else None,
        )
        try:
            with db.session.begin_nested():
                db.session.add(review)
                db.session.flush()
        except IntegrityError:
            # Another tab created the review between our read and our insert.
            raise StaleReview(
                find_review(application_id=application.id, panellist_id=panellist.id)
            ) from None
        before: dict[str, Any] | None = None
    else:
        before = _snapshot(review, criteria)
        review.version += 1
        review.rubric_id = rubric.id
        if by_staff:
            review.entered_by_id = actor.id

    existing = {s.rubric_criterion_id: s for s in review.scores}
    values: list[int | None] = []  # in rubric order, for the kept bytes below
    for criterion in criteria:
        entry = scores.get(criterion.id, ScoreEntry(None))
        values.append(entry.value)
        score = existing.get(criterion.id)
        if score is None:
            score = Score(rubric_criterion_id=criterion.id)
            review.scores.append(score)
        score.value = entry.value
        score.comment = entry.comment
    review.overall_comment = overall_comment
    review.updated_at = now

    was_submitted = before is not None and before["status"] == ReviewStatus.SUBMITTED
    if submit:
        review.status = ReviewStatus.SUBMITTED
        if review.submitted_at is None:
            review.submitted_at = now
    db.session.flush()
    # The scores' bytes only now, once the Score rows are written: writing those marked the
    # bytes stale (panel/models/packed.py), and this makes them current again.
    review.score_pack = pack_scores(values)
    review.score_pack_version = review.version
    after = _snapshot(review, criteria)
    if was_submitted and before is not None and before["scores"] != after["scores"]:
        review.revised = True
    if at_meeting:
        action = "review.revised_at_meeting"
        after["reason"] = reason.strip()
    elif was_submitted:
        action = "review.revised"
    elif submit:
        action = "review.submitted"
    else:
        action = "review.draft_saved"
    after["application_id"] = application.id
    after["panellist_id"] = panellist.id
    if by_staff:
        after["entered_by_id"] = actor.id
    record(
        actor=actor,
        action=action,
        object_type="review",
        object_id=review.id,
        round_id=round_.id,
        before=before,
        after=after,
    )
    return review
