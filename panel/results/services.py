"""The round's results: plain rows from a few queries, analysed by the criteria engine.

Aggregates never come from ORM objects per score: one query reads every submitted score as a
plain tuple (measured: ORM objects per score made results 22x slower at 500,000 scores).
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import criteria
from panel.codesign.services import current_rubric
from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    Conflict,
    FundingRound,
    Review,
    ReviewStatus,
    RoundMember,
    Rubric,
    RubricCriterion,
    Score,
    User,
)
from panel.scoring.services import not_set_aside


class ResultsUnavailable(ValueError):
    """Results cannot be computed yet; the message says why in plain words."""


@dataclass(frozen=True)
class AppRow:
    """What the results table shows of one application besides its figures."""

    id: int
    reference: str
    organisation: str
    project: str
    amount_requested_pence: int


@dataclass(frozen=True)
class RoundResults:
    round: FundingRound
    rubric: Rubric
    scored: list[RubricCriterion]
    result: criteria.RoundResult
    applications: dict[str, AppRow]
    panel_size: int

    def row(self, reference: str) -> AppRow:
        return self.applications[reference]


def engine_settings(round_: FundingRound) -> criteria.Settings:
    """The round's method settings as the scoring engine takes them."""
    return criteria.Settings(
        quorum=round_.quorum,
        calibrate=round_.calibrate or round_.rank_by == "calibrated",
        rank_by=round_.rank_by,  # type: ignore[arg-type]
        sd_flag=Decimal(round_.sd_flag_percent) / 100,
        range_flag=Decimal(round_.range_flag_percent) / 100,
        min_percent=Decimal(round_.min_percent),
        policy=round_.allocation_policy,  # type: ignore[arg-type]
    )


def engine_criteria(rubric: Rubric) -> list[criteria.Criterion]:
    """The rubric's scored criteria as the engine's, keyed "c<id>"."""
    return [
        criteria.Criterion(key=c.key, title=c.title, weight=c.weight, kind="scored")
        for c in rubric.scored
    ]


def submitted_score_rows(round_id: int) -> list[tuple[int, int, int, int | None]]:
    """(application id, panellist id, rubric criterion id, value) of every counted score.

    Read through the driver's own cursor: at 170,000 scores, building a SQLAlchemy Row per
    score took twice as long as the query itself. The statement has no user input (an int
    id and fixed words), so its values are rendered into the SQL.
    """
    query = (
        db.select(
            Review.application_id, Review.panellist_id, Score.rubric_criterion_id, Score.value
        )
        .join(Review, Score.review_id == Review.id)
        .where(
            Review.round_id == int(round_id),
            Review.status == ReviewStatus.SUBMITTED.value,
            not_set_aside(),  # a standing conflict sets the review aside: a missing cell
        )
    )
    connection = db.session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()  # type: ignore[no-any-return]
    finally:
        cursor.close()


def standing_conflicts(round_id: int) -> list[tuple[int, int]]:
    """(application id, panellist id) of every standing (not withdrawn) conflict."""
    return [
        (a, p)
        for a, p in db.session.execute(
            db.select(Conflict.application_id, Conflict.panellist_id).where(
                Conflict.round_id == round_id, Conflict.withdrawn_at.is_(None)
            )
        )
    ]


def eligible_rows(round_id: int) -> list[AppRow]:
    """The round's eligible applications as plain rows."""
    return [
        AppRow(*r)
        for r in db.session.execute(
            db.select(
                Application.id,
                Application.reference,
                Application.organisation_name,
                Application.project_title,
                Application.amount_requested_pence,
            )
            .where(
                Application.round_id == round_id,
                Application.status == ApplicationStatus.ELIGIBLE,
            )
            .order_by(Application.reference)
        )
    ]


def panel_size(round_id: int) -> int:
    """How many residents are on the round's panel now."""
    return int(
        db.session.execute(
            db.select(db.func.count())
            .select_from(RoundMember)
            .where(RoundMember.round_id == round_id, RoundMember.removed_at.is_(None))
        ).scalar_one()
    )


def compute(round_: FundingRound, *, hide_for: User | None = None) -> RoundResults:
    """Analyse the round from a handful of queries; rows conflicted for `hide_for` are left out."""
    rubric = current_rubric(round_)
    if rubric is None or not rubric.scored:
        raise ResultsUnavailable("There are no results yet: the criteria have not been adopted.")
    apps = eligible_rows(round_.id)
    by_id = {a.id: a for a in apps}
    conflicts = standing_conflicts(round_.id)
    keys = {c.id: c.key for c in rubric.scored}
    scores: dict[tuple[int, int], dict[str, int]] = {}
    for app_id, panellist_id, criterion_id, value in submitted_score_rows(round_.id):
        if value is None or app_id not in by_id:
            continue
        pair = (app_id, panellist_id)
        cell = scores.get(pair)
        if cell is None:
            cell = scores[pair] = {}
        cell[keys.get(criterion_id, f"c{criterion_id}")] = value
    reviews = [
        criteria.Review(application=by_id[a].reference, panellist=str(p), scores=s)
        for (a, p), s in scores.items()
    ]
    recused = {(a, p) for a, p in conflicts if a in by_id}
    recusals = [
        criteria.Recusal(application=by_id[a].reference, panellist=str(p)) for a, p in recused
    ]
    try:
        result = criteria.analyse_round(
            scale=criteria.Scale(round_.scale_min, round_.scale_max),
            criteria=engine_criteria(rubric),
            applications=[
                criteria.Application(
                    reference=a.reference, amount_requested=a.amount_requested_pence
                )
                for a in apps
            ],
            reviews=reviews,
            recusals=recusals,
            settings=engine_settings(round_),
        )
    except criteria.ScoringError as exc:
        raise ResultsUnavailable(f"The results could not be worked out: {exc}") from exc
    shown = {a.reference: a for a in apps}
    if hide_for is not None:
        for a, p in recused:
            if p == hide_for.id:
                shown.pop(by_id[a].reference, None)
    return RoundResults(
        round=round_,
        rubric=rubric,
        scored=rubric.scored,
        result=result,
        applications=shown,
        panel_size=panel_size(round_.id),
    )


def visible_results(results: RoundResults) -> list[criteria.ApplicationResult]:
    """The application results a viewer may see, in rank order."""
    return [r for r in results.result.applications if r.reference in results.applications]


def can_see_results(round_: FundingRound, user: User) -> tuple[bool, str]:
    """Staff always; a panellist once every review of theirs is submitted, if the round allows."""
    if user.is_staff:
        return True, ""
    if not round_.panellists_see_results:
        return False, "In this round, results are shared by staff at the panel meeting."
    outstanding = outstanding_reviews(round_, user)
    if outstanding:
        plural = "application" if outstanding == 1 else "applications"
        return (
            False,
            f"You will see the results once you have submitted your scores for all "
            f"your applications. {outstanding} {plural} still to do.",
        )
    return True, ""


def outstanding_reviews(round_: FundingRound, user: User) -> int:
    """Eligible applications the panellist has neither submitted a review of nor is recused on."""
    submitted = db.select(Review.application_id).where(
        Review.panellist_id == user.id, Review.status == ReviewStatus.SUBMITTED
    )
    recused = db.select(Conflict.application_id).where(
        Conflict.panellist_id == user.id, Conflict.withdrawn_at.is_(None)
    )
    return int(
        db.session.execute(
            db.select(db.func.count())
            .select_from(Application)
            .where(
                Application.round_id == round_.id,
                Application.status == ApplicationStatus.ELIGIBLE,
                Application.id.not_in(submitted),
                Application.id.not_in(recused),
            )
        ).scalar_one()
    )


def fmt(value: Any, places: int = 2) -> str:
    """A figure for display: rounded, or an em dash when missing."""
    if value is None:
        return "–"
    return f"{value:.{places}f}"
