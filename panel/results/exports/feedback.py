"""Feedback for applicants: one row per application for a mail merge, never a panellist's name."""

from collections.abc import Iterator, Sequence
from typing import Any

from panel.applications.queries import eligible_in_round
from panel.extensions import db
from panel.models import (
    OUTCOME_LABELS,
    Application,
    Outcome,
    Review,
    ReviewStatus,
    RubricCriterion,
    Score,
)
from panel.results.exports.sheets import decision_rows
from panel.results.exports.spreadsheet import Column, Sheet
from panel.results.services import RoundResults


def feedback_sheet(results: RoundResults, *, comments: Sequence[str], conn: Any) -> Sheet:
    """One row per application for a mail merge: decision, reason and unnamed panel comments.

    Comments come from the reviews the results counted, and from no other."""
    round_, counted = results.round, results.counted
    columns = [
        Column("Reference", "text", 13),
        Column("Organisation", "text", 30),
        Column("Project", "text", 30),
        Column("Contact name", "text", 20),
        Column("Contact email", "text", 28),
        Column("Decision", "text", 16),
        Column("Amount requested", "money", 17),
        Column("Amount awarded", "money", 16),
        Column("Reason", "text", 60),
        Column("Panel comments", "text", 100),
    ]
    want_criterion = "criterion" in comments
    want_overall = "overall" in comments
    decisions = decision_rows(round_.id)
    apps = db.session.execute(
        db.select(
            Application.id,
            Application.reference,
            Application.organisation_name,
            Application.project_title,
            Application.contact_name,
            Application.contact_email,
            Application.amount_requested_pence,
        )
        .where(eligible_in_round(round_.id))
        .order_by(Application.reference)
    ).all()
    gathered: dict[int, dict[int, list[str]]] = {}
    if want_criterion:
        for app_id, review_id, title, comment in conn.execute(
            db.select(Review.application_id, Review.id, RubricCriterion.title, Score.comment)
            .join(Score, Score.review_id == Review.id)
            .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
            .where(
                Review.round_id == round_.id,
                Review.status == ReviewStatus.SUBMITTED,
                Score.comment != "",
            )
            .order_by(Review.application_id, Review.id, RubricCriterion.position)
        ):
            if review_id in counted and comment.strip():
                gathered.setdefault(app_id, {}).setdefault(review_id, []).append(
                    f"{title}: {comment.strip()}"
                )
    if want_overall:
        for app_id, review_id, comment in conn.execute(
            db.select(Review.application_id, Review.id, Review.overall_comment)
            .where(
                Review.round_id == round_.id,
                Review.status == ReviewStatus.SUBMITTED,
                Review.overall_comment != "",
            )
            .order_by(Review.application_id, Review.id)
        ):
            if review_id in counted and comment.strip():
                gathered.setdefault(app_id, {}).setdefault(review_id, []).append(
                    f"Overall: {comment.strip()}"
                )

    def rows() -> Iterator[tuple[Any, ...]]:
        for app_id, ref, org, project, contact, email, asked in apps:
            decided = decisions.get(app_id)
            label, awarded, reason = "", None, ""
            if decided is not None and decided[1] == "confirmed":
                label = OUTCOME_LABELS[Outcome(decided[0])]
                awarded = decided[2] if decided[0] in (Outcome.FUND, Outcome.PART) else None
                reason = decided[3]
            by_review = gathered.get(app_id, {})
            text = "\n\n".join(
                f"Reviewer {n}:\n" + "\n".join(lines)
                for n, (_rid, lines) in enumerate(sorted(by_review.items()), start=1)
            )
            yield ref, org, project, contact, email, label, asked, awarded, reason, text

    return Sheet("Feedback", columns, rows(), wrap=True)
