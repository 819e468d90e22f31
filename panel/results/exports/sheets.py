"""The results workbook's data sheets: Summary, Scores, Reviews, Criteria, Conflicts, Decisions.

Row builders stream plain tuples from `execute()` (never ORM objects per score), so a round of
500,000 scores keeps memory flat in openpyxl's write-only mode. Figures are written unrounded
(the cells' number formats round them for the eye) so the Summary can be recomputed exactly
from the Scores sheet: see `panel.results.exports.verify`.
"""

from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import String, func, type_coerce

import criteria
from panel.applications.extras import answers_for_round
from panel.extensions import db
from panel.models import (
    CONFLICT_KIND_LABELS,
    OUTCOME_LABELS,
    QUORUM_RESOLUTION_LABELS,
    RECOMMENDATION_LABELS,
    Application,
    Conflict,
    Criterion,
    CriterionSupport,
    Decision,
    LotteryDraw,
    Outcome,
    QuorumResolution,
    Recommendation,
    Review,
    ReviewStatus,
    RubricCriterion,
    Score,
)
from panel.results.exports.names import Names, criterion_titles
from panel.results.exports.spreadsheet import PROGRESS_EVERY, Column, Sheet
from panel.results.services import RoundResults

SUMMARY_FIXED = [
    "Rank",
    "Reference",
    "Organisation",
    "Project",
    "Amount requested",
    "Reviews",
    "Mean",
    "Median",
    "SD",
    "Min",
    "Max",
    "Percent",
    "Calibrated",
    "Flag",
]

SCORES_HEADERS = [
    "Reference",
    "Panellist",
    "Criterion",
    "Weight",
    "Score",
    "Comment",
    "Submitted at",
    "Revised",
]

NOT_ENOUGH = "not enough scores"


def flag_text(app: criteria.ApplicationResult) -> str:
    """The Summary's Flag cell: quorum and disagreement reasons in plain words, or empty."""
    reasons = [] if app.meets_quorum else [NOT_ENOUGH]
    reasons.extend(app.flag_reasons)
    return "; ".join(reasons)


def decision_rows(round_id: int) -> dict[int, tuple[str, str, int, str, bool, int, Any]]:
    """application id -> (outcome, status, amount awarded, reason, suggested, by, at)."""
    return {
        row[0]: tuple(row[1:])
        for row in db.session.execute(
            db.select(
                Decision.application_id,
                Decision.outcome,
                Decision.status,
                Decision.amount_awarded_pence,
                Decision.reason,
                Decision.suggested,
                Decision.decided_by_id,
                Decision.decided_at,
            ).where(Decision.round_id == round_id)
        )
    }


def decision_label(outcome: str, status: str) -> str:
    label = OUTCOME_LABELS[Outcome(outcome)]
    return label if status == "confirmed" else f"{label} (draft)"


def summary_sheet(results: RoundResults) -> Sheet:
    """One row per eligible application in rank order, with the engine's unrounded figures."""
    titles = criterion_titles(results.scored)
    keys = [c.key for c in results.scored]
    extra_questions, extra_answers = answers_for_round(results.round.id)
    columns = [
        Column("Rank", "int", 7),
        Column("Reference", "text", 13),
        Column("Organisation", "text", 30),
        Column("Project", "text", 30),
        Column("Amount requested", "money", 17),
        Column("Reviews", "int", 9),
        Column("Mean", "figure", 9),
        Column("Median", "figure", 9),
        Column("SD", "figure", 9),
        Column("Min", "figure", 8),
        Column("Max", "figure", 8),
        Column("Percent", "percent", 9),
        Column("Calibrated", "figure", 11),
        Column("Flag", "text", 30),
        *[
            Column(f"{titles[c.id]} mean", "figure", max(12, len(titles[c.id]) + 6))
            for c in results.scored
        ],
        Column("Decision", "text", 20),
        Column("Amount awarded", "money", 16),
        # Issue 19: one column per extra question of the round's form, headed by its wording.
        *[Column(q.label, "text", min(40, max(14, len(q.label)))) for q in extra_questions],
    ]
    decisions = decision_rows(results.round.id)

    def rows() -> Iterator[tuple[Any, ...]]:
        for app in results.result.applications:
            info = results.applications.get(app.reference)
            if info is None:
                continue
            decided = decisions.get(info.id)
            label, awarded = "", None
            if decided is not None:
                label = decision_label(decided[0], decided[1])
                if decided[1] == "confirmed" and decided[0] in (Outcome.FUND, Outcome.PART):
                    awarded = decided[2]
            yield (
                app.rank,
                app.reference,
                info.organisation,
                info.project,
                info.amount_requested_pence,
                app.n,
                app.mean,
                app.median,
                app.sd,
                app.minimum,
                app.maximum,
                app.percent,
                app.calibrated,
                flag_text(app),
                *[app.criterion_means.get(k) for k in keys],
                label,
                awarded,
                *[extra_answers.get(info.id, {}).get(q.key, "") for q in extra_questions],
            )

    return Sheet("Summary", columns, rows(), progress_rows=True)


def scores_sheet(
    results: RoundResults,
    names: Names,
    conn: Any,
    *,
    progress: Callable[[int], None] | None = None,
    stored_times: bool = False,
) -> Sheet:
    """Every score of the reviews the results counted, streamed from the cursor.

    `stored_times`: "Submitted at" as the database gives it (SQLite: its UTC text, which a
    csv can take as it is; PostgreSQL: a datetime), skipping the datetime made per score."""
    titles = criterion_titles(results.scored)
    columns = [
        Column("Reference", "text", 13),
        Column("Panellist", "text", 22),
        Column("Criterion", "text", 28),
        Column("Weight", "int", 8),
        Column("Score", "int", 7),
        Column("Comment", "text", 40),
        Column("Submitted at", "datetime", 17),
        Column("Revised", "text", 8),
    ]
    # The round's submitted reviews are read; which of them count is the analysis's answer.
    query = (
        db.select(
            Score.review_id,
            Application.reference,
            Review.panellist_id,
            Score.rubric_criterion_id,
            RubricCriterion.weight,
            Score.value,
            Score.comment,
            type_coerce(Review.submitted_at, String) if stored_times else Review.submitted_at,
            Review.revised,
        )
        .select_from(Score)
        .join(Review, Score.review_id == Review.id)
        .join(Application, Review.application_id == Application.id)
        .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
        .where(
            Review.round_id == results.round.id,
            Review.status == ReviewStatus.SUBMITTED,
            Score.value.is_not(None),
        )
        .order_by(Application.reference, Review.panellist_id, RubricCriterion.position)
        .execution_options(yield_per=PROGRESS_EVERY)
    )
    counted = results.counted

    def rows() -> Iterator[tuple[Any, ...]]:
        for (
            review_id,
            reference,
            panellist,
            criterion_id,
            weight,
            value,
            comment,
            at,
            revised,
        ) in conn.execute(query):
            if review_id not in counted:
                continue
            yield (
                reference,
                names(panellist),
                titles.get(criterion_id, f"Criterion #{criterion_id}"),
                weight,
                value,
                comment,
                at,
                "Yes" if revised else "",
            )

    return Sheet("Scores", columns, rows(), progress_rows=True)


def reviews_sheet(results: RoundResults, names: Names, conn: Any) -> Sheet:
    """One row per counted review: the engine's sheet score (Σw·x/Σw), who typed it, its comment."""
    columns = [
        Column("Reference", "text", 13),
        Column("Panellist", "text", 22),
        Column("Sheet score", "figure", 12),
        Column("Entered by", "text", 20),
        Column("Overall comment", "text", 60),
    ]
    sheet_scores = results.sheet_scores()
    query = (
        db.select(
            Review.id,
            Application.reference,
            Review.panellist_id,
            Review.entered_by_id,
            Review.overall_comment,
        )
        .join(Application, Review.application_id == Application.id)
        .where(Review.round_id == results.round.id, Review.status == ReviewStatus.SUBMITTED)
        .order_by(Application.reference, Review.panellist_id)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for review_id, reference, panellist, entered_by, comment in conn.execute(query):
            sheet = sheet_scores.get(review_id)
            if sheet is not None:  # None: a review the results did not count
                yield reference, names(panellist), sheet, names(entered_by), comment

    return Sheet("Reviews", columns, rows())


def _descriptors_text(descriptors: dict[str, Any]) -> str:
    def order(key: str) -> tuple[int, str]:
        return (int(key), key) if key.lstrip("-").isdigit() else (10**6, key)

    return "\n".join(f"{k} = {descriptors[k]}" for k in sorted(descriptors, key=order))


def _number(value: Any) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def criteria_sheet(results: RoundResults, names: Names) -> Sheet:
    """The adopted rubric, and how each criterion was agreed."""
    columns = [
        Column("Position", "int", 9),
        Column("Criterion", "text", 28),
        Column("Kind", "text", 12),
        Column("Weight", "int", 8),
        Column("Description", "text", 50),
        Column("Descriptors", "text", 50),
        Column("Fixed reason", "text", 30),
        Column("Proposed by", "text", 20),
        Column("Supports", "int", 9),
        Column("Weight share mean", "figure", 12),
        Column("Weight share spread", "text", 12),
        Column("Proposed weight", "int", 10),
        Column("Staff adjustment reason", "text", 40),
    ]
    titles = criterion_titles(results.scored)
    rubric_criteria = sorted(results.rubric.criteria, key=lambda c: c.position)
    source_ids = [c.criterion_id for c in rubric_criteria if c.criterion_id is not None]
    proposers = dict(
        db.session.execute(
            db.select(Criterion.id, Criterion.proposed_by_id).where(Criterion.id.in_(source_ids))
        ).all()
    )
    supports = dict(
        db.session.execute(
            db.select(CriterionSupport.criterion_id, func.count())
            .where(
                CriterionSupport.criterion_id.in_(source_ids),
                CriterionSupport.withdrawn_at.is_(None),
            )
            .group_by(CriterionSupport.criterion_id)
        ).all()
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for c in rubric_criteria:
            shares = c.shares or {}
            low, high = shares.get("lowest"), shares.get("highest")
            spread = f"{low}–{high}" if low is not None and high is not None else ""
            yield (
                c.position,
                titles.get(c.id, c.title),
                "Scored" if c.kind == "scored" else "Eligibility",
                c.weight,
                c.description,
                _descriptors_text(c.descriptors or {}),
                c.fixed_reason,
                names(proposers.get(c.criterion_id)) if c.criterion_id else "",
                supports.get(c.criterion_id, 0) if c.criterion_id else None,
                _number(shares.get("mean")),
                spread,
                c.proposed_weight,
                c.weight_reason,
            )

    return Sheet("Criteria", columns, rows(), wrap=True)


def conflicts_sheet(round_id: int, names: Names, *, anonymise: bool) -> Sheet:
    """Every declared conflict of interest; standing ones are recusals in the figures."""
    columns = [
        Column("Reference", "text", 13),
        Column("Panellist", "text", 22),
        Column("Kind", "text", 40),
        Column("Declared at", "datetime", 17),
        Column("Standing", "text", 9),
        Column("Withdrawn reason", "text", 40),
    ]
    query = (
        db.select(
            Application.reference,
            Conflict.panellist_id,
            Conflict.kind,
            Conflict.declared_at,
            Conflict.withdrawn_at,
            Conflict.withdrawn_reason,
        )
        .join(Application, Conflict.application_id == Application.id)
        .where(Conflict.round_id == round_id)
        .order_by(Application.reference, Conflict.panellist_id, Conflict.id)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for reference, panellist, kind, at, withdrawn_at, reason in db.session.execute(query):
            yield (
                reference,
                names(panellist),
                CONFLICT_KIND_LABELS.get(kind, kind),
                at,
                "No" if withdrawn_at else "Yes",
                "" if anonymise else reason,
            )

    return Sheet("Conflicts", columns, rows())


def lottery_places(round_id: int) -> dict[str, tuple[str, int]]:
    """reference -> (seed, place) in the lottery draw in force (the round's latest), if any.

    Earlier draws are listed on the About sheet; only the one in force orders the tie."""
    latest = db.session.execute(
        db.select(LotteryDraw.seed, LotteryDraw.order)
        .where(LotteryDraw.round_id == round_id)
        .order_by(LotteryDraw.id.desc())
        .limit(1)
    ).first()
    if latest is None:
        return {}
    seed, order = latest
    return {str(reference): (seed, place) for place, reference in enumerate(order or [], start=1)}


def decisions_sheet(round_id: int, names: Names) -> Sheet:
    """What was decided for each application, why, and its seed and place in the lottery draw
    in force, where one was drawn."""
    columns = [
        Column("Reference", "text", 13),
        Column("Organisation", "text", 30),
        Column("Decision", "text", 16),
        Column("Status", "text", 11),
        Column("Amount requested", "money", 17),
        Column("Amount awarded", "money", 16),
        Column("Reason", "text", 60),
        Column("Suggested by the allocation", "text", 12),
        Column("Decided by", "text", 20),
        Column("Decided at", "datetime", 17),
        Column("Lottery seed", "text", 24),
        Column("Lottery place", "int", 9),
        Column("Panel recommendation", "text", 18),
        Column("Chair's note", "text", 40),
        Column("Below the quorum: resolved by", "text", 24),
        Column("Below the quorum: what happened", "text", 40),
    ]
    places = lottery_places(round_id)
    query = (
        db.select(
            Application.reference,
            Application.organisation_name,
            Decision.outcome,
            Decision.status,
            Application.amount_requested_pence,
            Decision.amount_awarded_pence,
            Decision.reason,
            Decision.suggested,
            Decision.decided_by_id,
            Decision.decided_at,
            Decision.panel_recommendation,
            Decision.chair_note,
            Decision.quorum_resolution,
            Decision.quorum_note,
        )
        .join(Application, Decision.application_id == Application.id)
        .where(Decision.round_id == round_id)
        .order_by(Application.reference)
    )

    def rows() -> Iterator[tuple[Any, ...]]:
        for (
            ref,
            org,
            outcome,
            status,
            asked,
            awarded,
            reason,
            suggested,
            by,
            at,
            recommended,
            chair_note,
            resolution,
            resolution_note,
        ) in db.session.execute(query):
            seed, place = places.get(ref, ("", None))
            yield (
                ref,
                org,
                OUTCOME_LABELS[Outcome(outcome)],
                "Confirmed" if status == "confirmed" else "Draft",
                asked,
                awarded,
                reason,
                "Yes" if suggested else "No",
                names(by),
                at,
                seed,
                place,
                RECOMMENDATION_LABELS[Recommendation(recommended)] if recommended else "",
                chair_note,
                QUORUM_RESOLUTION_LABELS[QuorumResolution(resolution)] if resolution else "",
                resolution_note,
            )

    return Sheet("Decisions", columns, rows(), wrap=True)
