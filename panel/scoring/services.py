"""Scoring writes and queries: reviews, conflicts of interest, blind scoring and coverage.

Policy in one place:
- Only the Scoring stage takes score changes; panellists also stop at the deadline (staff may
  still type in paper scores until the round leaves Scoring).
- A review belongs to one panellist and one eligible application of the round. Identity comes
  from the caller (URL and session), never from the form.
- A standing conflict recuses the panellist: nothing is deleted, but any review they have of
  that application is set aside (left out of every count, queue and figure) until a mistaken
  declaration is withdrawn by staff.
- Blind scoring: before a panellist's own review of an application is submitted, they see
  nothing of other panellists' reviews of it.
"""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from panel.audit import record
from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    Conflict,
    ConflictKind,
    FundingRound,
    Review,
    ReviewStatus,
    RoundMember,
    Rubric,
    RubricCriterion,
    Score,
    Stage,
    User,
)
from panel.models.types import utcnow
from panel.panels import membership
from panel.rounds.services import current_members
from panel.rubrics import current_rubric

# Stages in which a panellist may still declare a conflict (the recusal matters until decided).
CONFLICT_STAGES = (Stage.ELIGIBILITY, Stage.SCORING, Stage.PANEL)
COMMENT_MAX = 2000
OVERALL_MAX = 5000


class ScoringError(ValueError):
    """A refusal with a message fit to show."""


class ScoringClosed(ScoringError):
    """The round is not at the Scoring stage: no score may change (HTTP 409)."""

    def __init__(self, round_: FundingRound) -> None:
        stage = round_.current_stage
        if stage.position < Stage.SCORING.position:
            text = "Scoring has not started yet. Nothing has been saved."
        else:
            text = "Scoring is closed. Nothing has been changed."
        super().__init__(text)


class DeadlinePassed(ScoringError):
    """A panellist saving after the round's scoring deadline (HTTP 409)."""


class NotFound(ScoringError):
    """Something the person may not know about (HTTP 404): not on the panel, not eligible."""


class ConflictDeclared(NotFound):
    """The panellist has a standing conflict on this application: it is not theirs to score."""


class NoRubric(ScoringError):
    """The round has no adopted rubric to score against."""


class ReasonNeeded(ScoringError):
    """A revision at the panel meeting needs a short reason."""


REASON_MAX = 500


class StaleReview(ScoringError):
    """The form was built from an older version of the review (another tab saved since)."""

    def __init__(self, review: Review | None) -> None:
        super().__init__(
            "This review was saved somewhere else (another tab or device) after you opened "
            "this page. Nothing you typed here has been saved yet. Check what is saved now, "
            "then save again if you want your answers below to replace it."
        )
        self.review = review


class InvalidReview(ScoringError):
    """Scores that break the rules; `errors` maps criterion id to a message for its field."""

    def __init__(self, errors: dict[int, str]) -> None:
        super().__init__(" ".join(errors.values()))
        self.errors = errors


class AlreadySubmitted(ScoringError):
    """A draft save of a submitted review would silently withdraw it: refused."""


class ConflictError(ScoringError):
    """A conflict declaration or withdrawal that cannot be made."""


@dataclass(frozen=True)
class ScoreEntry:
    """What the panellist gave one criterion: a whole number on the scale (or None), a comment."""

    value: int | None
    comment: str = ""


# ---------------------------------------------------------------------------- look-ups


def standing_conflict(*, application_id: int, panellist_id: int) -> Conflict | None:
    """The panellist's standing (not withdrawn) declaration on the application, if any."""
    return db.session.execute(
        db.select(Conflict).where(
            Conflict.application_id == application_id,
            Conflict.panellist_id == panellist_id,
            Conflict.withdrawn_at.is_(None),
        )
    ).scalar_one_or_none()


def find_review(*, application_id: int, panellist_id: int) -> Review | None:
    """The panellist's review of the application, whatever its status."""
    return db.session.execute(
        db.select(Review).where(
            Review.application_id == application_id, Review.panellist_id == panellist_id
        )
    ).scalar_one_or_none()


def scorable_application(round_: FundingRound, application_id: int) -> Application:
    """An eligible application of this round, or NotFound."""
    application = db.session.get(Application, application_id)
    if (
        application is None
        or application.round_id != round_.id
        or application.status != ApplicationStatus.ELIGIBLE
    ):
        raise NotFound("That application is not one of this round's applications to score.")
    return application


def panel_member(round_: FundingRound, user: User) -> RoundMember:
    """The user's current membership of the round's panel, or NotFound."""
    member = membership(round_, user)
    if member is None:
        raise NotFound("That person is not on this round's panel.")
    return member


def not_set_aside() -> Any:
    """SQL condition: the review's panellist has no standing conflict on its application."""
    return ~exists().where(
        Conflict.application_id == Review.application_id,
        Conflict.panellist_id == Review.panellist_id,
        Conflict.withdrawn_at.is_(None),
    )


def counted_reviews(round_: FundingRound) -> Any:
    """A select of the round's reviews that count: submitted and not set aside by a conflict.

    The results area should build its figures from this, so a recusal is a missing cell.
    """
    return db.select(Review).where(
        Review.round_id == round_.id,
        Review.status == ReviewStatus.SUBMITTED,
        not_set_aside(),
    )


def eligible_applications(round_: FundingRound) -> list[Application]:
    """The round's eligible applications, by reference."""
    return list(
        db.session.execute(
            db.select(Application)
            .where(
                Application.round_id == round_.id,
                Application.status == ApplicationStatus.ELIGIBLE,
            )
            .order_by(Application.reference)
        ).scalars()
    )


# ------------------------------------------------------------------------- the rules


def scoring_open(round_: FundingRound) -> bool:
    return round_.current_stage is Stage.SCORING


def deadline_passed(round_: FundingRound) -> bool:
    return round_.scoring_deadline is not None and utcnow() > round_.scoring_deadline


def meeting_revision(round_: FundingRound, *, by_staff: bool, review: Review | None) -> bool:
    """At the panel meeting a panellist may revise their own submitted review, with a reason."""
    return (
        round_.current_stage is Stage.PANEL
        and not by_staff
        and review is not None
        and review.status == ReviewStatus.SUBMITTED
    )


def may_change_scores(
    round_: FundingRound, *, by_staff: bool, review: Review | None = None
) -> str | None:
    """Why scores cannot be changed now (a plain sentence), or None when they can."""
    if meeting_revision(round_, by_staff=by_staff, review=review):
        return None
    if not scoring_open(round_):
        return str(ScoringClosed(round_))
    if not by_staff and deadline_passed(round_):
        return _deadline_text()
    return None


def _deadline_text() -> str:
    return (
        "The scoring deadline has passed, so scores can no longer be changed here. "
        "If you still have scores to give, contact the staff running the round."
    )


def _check_can_change(round_: FundingRound, *, by_staff: bool) -> None:
    if not scoring_open(round_):
        raise ScoringClosed(round_)
    if not by_staff and deadline_passed(round_):
        raise DeadlinePassed(_deadline_text())


# ---------------------------------------------------------------------------- reviews


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
) -> Review:
    """Save the panellist's own review (or staff's paper entry for them): draft or submitted.

    Refused outside Scoring, after the deadline for panellists, for anyone not on the panel,
    for an ineligible or conflicted application, and from a stale form (`expected_version` is
    the version the form showed, 0 when there was no review yet). Every save is audited.
    At the Panel meeting a panellist may revise their own submitted review with a `reason`.
    """
    by_staff = actor.id != panellist.id
    if by_staff and not actor.is_staff:
        raise NotFound("Only the panellist or staff can save this review.")
    at_meeting = meeting_revision(
        round_,
        by_staff=by_staff,
        review=find_review(application_id=application.id, panellist_id=panellist.id),
    )
    if at_meeting:
        if not submit:
            raise AlreadySubmitted("At the panel meeting, save your changed scores in full.")
        if not reason.strip():
            raise ReasonNeeded("Say briefly why you are changing your scores")
        if len(reason) > REASON_MAX:
            raise ReasonNeeded(f"Keep the reason under {REASON_MAX} characters")
    else:
        _check_can_change(round_, by_staff=by_staff)
    panel_member(round_, panellist)
    if application.round_id != round_.id or application.status != ApplicationStatus.ELIGIBLE:
        raise NotFound("That application is not one of this round's applications to score.")
    if standing_conflict(application_id=application.id, panellist_id=panellist.id):
        raise ConflictDeclared("A conflict of interest is declared on this application.")
    rubric = current_rubric(round_)
    if rubric is None:
        raise NoRubric("The scoring questions have not been agreed yet.")
    check_entries(round_=round_, rubric=rubric, scores=scores, submit=submit)
    if len(overall_comment) > OVERALL_MAX:
        raise ScoringError(f"Keep your overall comment under {OVERALL_MAX:,} characters")

    # Lock the row (PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers) so two
    # tabs saving at once cannot both pass the version check.
    review = db.session.execute(
        db.select(Review)
        .where(Review.application_id == application.id, Review.panellist_id == panellist.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
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
    for criterion in criteria:
        entry = scores.get(criterion.id, ScoreEntry(None))
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


def scores_by_criterion(review: Review | None) -> dict[int, Score]:
    """The review's scores keyed by rubric criterion id (empty without a review)."""
    return {s.rubric_criterion_id: s for s in review.scores} if review else {}


# ------------------------------------------------------------------------ blind scoring


def may_see_others(*, round_: FundingRound, viewer: User, application: Application) -> bool:
    """Staff always; anyone when blind scoring is off; else only after submitting their own."""
    if viewer.is_staff or not round_.blind_scoring:
        return True
    own = find_review(application_id=application.id, panellist_id=viewer.id)
    return own is not None and own.status == ReviewStatus.SUBMITTED


def others_reviews(*, round_: FundingRound, application: Application, viewer: User) -> list[Review]:
    """Other panellists' counted reviews of the application, if the viewer may see them.

    Blind scoring is enforced here, not in templates: before the viewer has submitted their
    own review (with blind scoring on), this returns an empty list.
    """
    if not may_see_others(round_=round_, viewer=viewer, application=application):
        return []
    query = (
        counted_reviews(round_)
        .where(Review.application_id == application.id, Review.panellist_id != viewer.id)
        .order_by(Review.submitted_at, Review.id)
        # The page shows each one's panellist and scores: load them with the reviews, in two
        # queries whatever the size of the panel (not two more per review).
        .options(joinedload(Review.panellist), selectinload(Review.scores))
    )
    return list(db.session.execute(query).scalars())


# ----------------------------------------------------------------------- the queue


QUEUE_STATUS_LABELS = {
    "not_started": "Not started",
    "draft": "Draft saved",
    "submitted": "Submitted",
    "conflict": "Conflict declared",
}


@dataclass
class QueueItem:
    application: Application
    status: str
    review: Review | None = None

    @property
    def label(self) -> str:
        return QUEUE_STATUS_LABELS[self.status]


@dataclass
class Queue:
    """A panellist's applications: `items` to score and `recused` (conflicts), by reference."""

    items: list[QueueItem] = field(default_factory=list)
    recused: list[QueueItem] = field(default_factory=list)
    next_up: Application | None = None

    @property
    def submitted(self) -> int:
        return sum(1 for i in self.items if i.status == "submitted")

    @property
    def total(self) -> int:
        return len(self.items)


def my_queue(*, round_: FundingRound, panellist: User) -> Queue:
    """The panellist's applications with their own progress; conflicts are kept apart.

    Nothing here sorts or counts by other panellists' scores. "Next to score" picks, among
    applications the panellist has neither submitted nor recused from, the one with the fewest
    counted reviews (so every application reaches quorum); ties go by reference.
    Four queries, however many applications there are.
    """
    applications = eligible_applications(round_)
    own = {
        r.application_id: r
        for r in db.session.execute(
            db.select(Review).where(
                Review.round_id == round_.id, Review.panellist_id == panellist.id
            )
        ).scalars()
    }
    conflicted = set(
        db.session.execute(
            db.select(Conflict.application_id).where(
                Conflict.round_id == round_.id,
                Conflict.panellist_id == panellist.id,
                Conflict.withdrawn_at.is_(None),
            )
        ).scalars()
    )
    counts = submitted_counts(round_)
    queue = Queue()
    for application in applications:
        review = own.get(application.id)
        if application.id in conflicted:
            queue.recused.append(QueueItem(application, "conflict", review))
            continue
        status = review.status if review is not None else "not_started"
        queue.items.append(QueueItem(application, status, review))
    waiting = [i.application for i in queue.items if i.status != "submitted"]
    if waiting:
        queue.next_up = min(waiting, key=lambda a: (counts.get(a.id, 0), a.reference))
    return queue


def submitted_counts(round_: FundingRound) -> dict[int, int]:
    """Counted (submitted, not set aside) reviews per application id: one GROUP BY query."""
    rows = db.session.execute(
        db.select(Review.application_id, func.count(Review.id))
        .where(
            Review.round_id == round_.id,
            Review.status == ReviewStatus.SUBMITTED,
            not_set_aside(),
        )
        .group_by(Review.application_id)
    ).all()
    return {application_id: n for application_id, n in rows}


# --------------------------------------------------------------------------- coverage


@dataclass
class Coverage:
    panellists: list[User]
    applications: list[Application]
    # (application id, panellist id) -> "submitted" | "draft" | "conflict"; missing = not started
    cells: dict[tuple[int, int], str]
    per_application: dict[int, int]
    per_panellist: dict[int, Counter[str]]
    quorum: int

    def cell(self, application_id: int, panellist_id: int) -> str:
        return self.cells.get((application_id, panellist_id), "not_started")

    @property
    def below_quorum(self) -> list[Application]:
        return [a for a in self.applications if self.per_application.get(a.id, 0) < self.quorum]


def coverage(round_: FundingRound) -> Coverage:
    """Who has scored what: a panellist x application matrix with counts (staff only).

    A fixed number of queries: members, applications, review cells, conflicts, and two
    GROUP BY counts, whatever the size of the round.
    """
    members = current_members(round_)
    panellists = [m.user for m in members]
    applications = eligible_applications(round_)
    cells: dict[tuple[int, int], str] = {}
    for application_id, panellist_id, status in db.session.execute(
        db.select(Review.application_id, Review.panellist_id, Review.status).where(
            Review.round_id == round_.id
        )
    ):
        cells[(application_id, panellist_id)] = status
    for application_id, panellist_id in db.session.execute(
        db.select(Conflict.application_id, Conflict.panellist_id).where(
            Conflict.round_id == round_.id, Conflict.withdrawn_at.is_(None)
        )
    ):
        cells[(application_id, panellist_id)] = "conflict"
    per_panellist: dict[int, Counter[str]] = {p.id: Counter() for p in panellists}
    for panellist_id, status, n in db.session.execute(
        db.select(Review.panellist_id, Review.status, func.count(Review.id))
        .join(Application, Application.id == Review.application_id)
        .where(
            Review.round_id == round_.id,
            Application.status == ApplicationStatus.ELIGIBLE,
            not_set_aside(),
        )
        .group_by(Review.panellist_id, Review.status)
    ):
        per_panellist.setdefault(panellist_id, Counter())[status] = n
    for panellist_id, n in db.session.execute(
        db.select(Conflict.panellist_id, func.count(Conflict.id))
        .join(Application, Application.id == Conflict.application_id)
        .where(
            Conflict.round_id == round_.id,
            Conflict.withdrawn_at.is_(None),
            Application.status == ApplicationStatus.ELIGIBLE,
        )
        .group_by(Conflict.panellist_id)
    ):
        per_panellist.setdefault(panellist_id, Counter())["conflict"] = n
    return Coverage(
        panellists=panellists,
        applications=applications,
        cells=cells,
        per_application=submitted_counts(round_),
        per_panellist=per_panellist,
        quorum=round_.quorum,
    )


# --------------------------------------------------------------------------- conflicts


def declare_conflict(
    *,
    round_: FundingRound,
    application: Application,
    panellist: User,
    kind: ConflictKind,
    note: str,
    actor: User,
) -> Conflict:
    """Record that the panellist has a conflict on the application (themselves, or staff for them).

    Nothing is deleted: a review they already have stays in the database but is set aside
    (not counted, not shown to others) while the declaration stands.
    """
    if actor.id != panellist.id and not actor.is_staff:
        raise NotFound("Only the panellist or staff can declare this conflict.")
    if round_.current_stage not in CONFLICT_STAGES:
        raise ConflictError(
            "Conflicts can be declared from the eligibility check until the panel meeting ends."
        )
    panel_member(round_, panellist)
    if application.round_id != round_.id or application.status != ApplicationStatus.ELIGIBLE:
        raise NotFound("That application is not one of this round's applications to score.")
    if standing_conflict(application_id=application.id, panellist_id=panellist.id):
        raise ConflictError("A conflict of interest is already declared on this application.")
    review = find_review(application_id=application.id, panellist_id=panellist.id)
    conflict = Conflict(
        round_id=round_.id,
        application_id=application.id,
        panellist_id=panellist.id,
        kind=kind,
        note=note,
        declared_by_id=actor.id,
        declared_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(conflict)
            db.session.flush()
    except IntegrityError:
        raise ConflictError(
            "A conflict of interest is already declared on this application."
        ) from None
    after: dict[str, Any] = {
        "application_id": application.id,
        "reference": application.reference,
        "panellist_id": panellist.id,
        "kind": str(kind),
        "note": note,
    }
    if review is not None:
        after["review_set_aside"] = {"review_id": review.id, "status": review.status}
    record(
        actor=actor,
        action="conflict.declared",
        object_type="conflict",
        object_id=conflict.id,
        round_id=round_.id,
        after=after,
    )
    return conflict


def withdraw_conflict(*, conflict: Conflict, reason: str, actor: User) -> None:
    """Staff withdraw a mistaken declaration, with a reason; the panellist can score it again."""
    if not actor.is_staff:
        raise NotFound("Only staff can withdraw a declaration.")
    if conflict.withdrawn_at is not None:
        raise ConflictError("This declaration has already been withdrawn.")
    reason = reason.strip()
    if not reason:
        raise ConflictError("Enter why this declaration is being withdrawn")
    round_ = db.session.get(FundingRound, conflict.round_id)
    if round_ is None or round_.current_stage is Stage.DECIDED:
        raise ConflictError("This round is decided, so its declarations can no longer change.")
    conflict.withdrawn_at = utcnow()
    conflict.withdrawn_by_id = actor.id
    conflict.withdrawn_reason = reason
    record(
        actor=actor,
        action="conflict.withdrawn",
        object_type="conflict",
        object_id=conflict.id,
        round_id=conflict.round_id,
        before={"withdrawn": False},
        after={
            "withdrawn": True,
            "reason": reason,
            "application_id": conflict.application_id,
            "panellist_id": conflict.panellist_id,
        },
    )


def conflicts_register(round_: FundingRound) -> list[Conflict]:
    """Every declaration in the round, standing and withdrawn, newest first."""
    return list(
        db.session.execute(
            db.select(Conflict)
            .where(Conflict.round_id == round_.id)
            .order_by(Conflict.declared_at.desc(), Conflict.id.desc())
        ).scalars()
    )


def applications_by_id(ids: set[int]) -> dict[int, Application]:
    if not ids:
        return {}
    rows = db.session.execute(db.select(Application).where(Application.id.in_(ids))).scalars()
    return {a.id: a for a in rows}


def users_by_id(ids: set[int]) -> dict[int, User]:
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(db.select(User).where(User.id.in_(ids))).scalars()}


def deadline_in_words(deadline: datetime | None, now: datetime | None = None) -> str:
    """How long is left before the deadline, in plain words ("3 days left", "Ends today")."""
    if deadline is None:
        return "No deadline has been set"
    now = now or utcnow()
    if deadline < now:
        return "The deadline has passed"
    days = (deadline - now).days
    if days == 0:
        hours = int((deadline - now).total_seconds() // 3600)
        return "Less than an hour left" if hours == 0 else f"{hours} hours left"
    return "1 day left" if days == 1 else f"{days} days left"
