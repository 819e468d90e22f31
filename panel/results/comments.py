"""Panel comments, reviewed by staff before they reach applicants.

Each comment of a counted review (a criterion's, or the overall one) is shown to staff without
its author's name; staff include it as written, include it edited, or leave it out. Only what
staff included goes into the feedback export, in the words they approved. The panellist's own
words stay in their review and in the audit record of every review made here.
"""

from dataclasses import dataclass, field

from panel.audit import record
from panel.extensions import db
from panel.messages.triggers import letter_feedback
from panel.models import (
    Decision,
    FeedbackComment,
    FundingRound,
    Review,
    ReviewStatus,
    RubricCriterion,
    Score,
    User,
)
from panel.models.types import utcnow
from panel.results.budget import DecisionError, StaleEdit
from panel.results.services import ResultsUnavailable, RoundResults, compute
from panel.rounds.services import lock_round

OVERALL = "overall"
INCLUDE, LEAVE_OUT = "include", "leave_out"


@dataclass
class PanelComment:
    """One comment as staff review it: whose review it is (by number, never by name) and what
    staff decided so far (nothing yet: `reviewed` is None)."""

    application_id: int
    review_id: int
    part: str  # "overall" or "c<rubric criterion id>"
    label: str  # "Overall" or the criterion's title
    original: str
    reviewer: int  # 1, 2, ... within the application, in review order
    reviewed: FeedbackComment | None = None

    @property
    def shown_text(self) -> str:
        return self.reviewed.text if self.reviewed is not None else self.original


@dataclass
class ApplicationComments:
    application_id: int
    reference: str
    comments: list[PanelComment] = field(default_factory=list)


def panel_comments(
    results: RoundResults, *, application_id: int | None = None
) -> list[ApplicationComments]:
    """Every non-empty comment of the counted reviews, by application (reference order), with
    staff's review of each so far (three queries); only one application's, when given."""
    round_id, counted = results.round.id, results.counted
    one = [Review.application_id == application_id] if application_id is not None else []
    found: list[tuple[int, int, str, str, str, int]] = []
    for app_id, review_id, rc_id, title, comment, position in db.session.execute(
        db.select(
            Review.application_id,
            Review.id,
            RubricCriterion.id,
            RubricCriterion.title,
            Score.comment,
            RubricCriterion.position,
        )
        .join(Score, Score.review_id == Review.id)
        .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
        .where(
            Review.round_id == round_id,
            Review.status == ReviewStatus.SUBMITTED,
            Score.comment != "",
            *one,
        )
    ):
        if review_id in counted and comment.strip():
            found.append((app_id, review_id, f"c{rc_id}", title, comment.strip(), position))
    for app_id, review_id, comment in db.session.execute(
        db.select(Review.application_id, Review.id, Review.overall_comment).where(
            Review.round_id == round_id,
            Review.status == ReviewStatus.SUBMITTED,
            Review.overall_comment != "",
            *one,
        )
    ):
        if review_id in counted and comment.strip():
            found.append((app_id, review_id, OVERALL, "Overall", comment.strip(), 10**6))
    only = [FeedbackComment.application_id == application_id] if application_id is not None else []
    reviewed = {
        (fc.review_id, fc.part): fc
        for fc in db.session.execute(
            db.select(FeedbackComment).where(FeedbackComment.round_id == round_id, *only)
        ).scalars()
    }
    refs = {row.id: row.reference for row in results.applications.values()}
    by_app: dict[int, ApplicationComments] = {}
    numbers: dict[int, dict[int, int]] = {}
    for app_id, review_id, part, label, text, _ in sorted(found, key=lambda t: (t[0], t[1], t[5])):
        if app_id not in refs:
            continue
        group = by_app.setdefault(app_id, ApplicationComments(app_id, refs[app_id]))
        seen = numbers.setdefault(app_id, {})
        seen.setdefault(review_id, len(seen) + 1)
        group.comments.append(
            PanelComment(
                application_id=app_id,
                review_id=review_id,
                part=part,
                label=label,
                original=text,
                reviewer=seen[review_id],
                reviewed=reviewed.get((review_id, part)),
            )
        )
    return sorted(by_app.values(), key=lambda g: g.reference)


@dataclass
class Reviewed:
    """What applicants may read of the panel's comments: by application, the comments staff
    included (reviewer number, "Label: words as approved"), and how many await review."""

    included: dict[int, list[tuple[int, str]]] = field(default_factory=dict)
    waiting: dict[int, int] = field(default_factory=dict)


def reviewed_comments(
    results: RoundResults,
    *,
    overall: bool = True,
    criterion: bool = True,
    application_id: int | None = None,
) -> Reviewed:
    """The one rule for what reaches an applicant: only comments staff reviewed and included,
    in the words they approved, numbered by reviewer, never named (the feedback export and the
    decision letter both use it). `overall` and `criterion` choose which comments count."""
    found = Reviewed()
    for group in panel_comments(results, application_id=application_id):
        for c in group.comments:
            if not (overall if c.part == OVERALL else criterion):
                continue
            if c.reviewed is None:
                found.waiting[group.application_id] = found.waiting.get(group.application_id, 0) + 1
            elif c.reviewed.status == INCLUDE:
                found.included.setdefault(group.application_id, []).append(
                    (c.reviewer, f"{c.label}: {c.reviewed.text}")
                )
    return found


def as_text(lines: list[tuple[int, str]]) -> str:
    """An application's included comments as plain text, grouped by reviewer number."""
    by_reviewer: dict[int, list[str]] = {}
    for number, line in lines:
        by_reviewer.setdefault(number, []).append(line)
    return "\n\n".join(
        f"Reviewer {n}:\n" + "\n".join(found) for n, found in sorted(by_reviewer.items())
    )


@letter_feedback
def letter_comments(decision: Decision) -> str:
    """The panel comments staff included for the decision letter (empty when there are none,
    or no results to take them from)."""
    round_ = db.session.get(FundingRound, decision.round_id)
    if round_ is None:
        return ""
    try:
        results = compute(round_)
    except ResultsUnavailable:
        return ""
    found = reviewed_comments(results, application_id=decision.application_id)
    text = as_text(found.included.get(decision.application_id, []))
    return f"What the panel said about your application:\n\n{text}" if text else ""


def find_comment(results: RoundResults, review_id: int, part: str) -> PanelComment | None:
    """The comment of this review and part, if it is one the feedback may hold."""
    for group in panel_comments(results):
        for c in group.comments:
            if c.review_id == review_id and c.part == part:
                return c
    return None


def review_comment(
    *,
    round_: FundingRound,
    comment: PanelComment,
    include: bool,
    text: str,
    expected_version: int,
    actor: User,
) -> FeedbackComment:
    """Include a comment (as written or edited) or leave it out; the original words and every
    change are kept in the audit record. A stale form is refused, never saved over."""
    lock_round(round_)
    saved = comment.reviewed
    if expected_version != (saved.version if saved is not None else 0):
        raise StaleEdit("Someone else reviewed this comment since you opened the page.")
    words = text.strip() if include else ""
    if include and not words:
        raise DecisionError("Write the comment as the applicant will read it, or leave it out.")
    before = {"status": saved.status, "text": saved.text} if saved is not None else None
    if saved is None:
        saved = FeedbackComment(
            round_id=round_.id,
            application_id=comment.application_id,
            review_id=comment.review_id,
            part=comment.part,
            reviewed_by_id=actor.id,
        )
        db.session.add(saved)
    else:
        saved.version += 1
    saved.status = INCLUDE if include else LEAVE_OUT
    saved.text = words
    saved.reviewed_by_id = actor.id
    saved.reviewed_at = utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="feedback.comment_reviewed",
        object_type="review",
        object_id=comment.review_id,
        round_id=round_.id,
        before=before,
        after={
            "part": comment.part,
            "status": saved.status,
            "text": saved.text,
            "original": comment.original,
            "edited": include and words != comment.original,
        },
    )
    return saved
