"""Reads the rest of scoring builds on: a review, a standing conflict, the reviews that count.

"Counted" is decided here once: a review counts when it is submitted and its panellist has no
standing conflict on its application. Every count, queue and figure (and the results area)
builds on `counted_reviews` or `is_counted`, so a recusal is a missing cell everywhere.
"""

from typing import Any

from sqlalchemy import ColumnElement, and_, exists

from panel.applications.queries import eligible_application, is_eligible_in_round
from panel.extensions import db
from panel.models import (
    Application,
    Conflict,
    FundingRound,
    Review,
    ReviewStatus,
    RoundMember,
    Score,
    User,
)
from panel.panels import membership
from panel.scoring.services.errors import NotFound

NOT_SCORABLE_TEXT = "That application is not one of this round's applications to score."


# ----------------------------------------------------------------------- conflicts


def conflict_stands() -> ColumnElement[bool]:
    """SQL condition on `Conflict`: the declaration stands (it has not been withdrawn)."""
    return Conflict.withdrawn_at.is_(None)


def standing_conflict(*, application_id: int, panellist_id: int) -> Conflict | None:
    """The panellist's standing (not withdrawn) declaration on the application, if any."""
    return db.session.execute(
        db.select(Conflict).where(
            Conflict.application_id == application_id,
            Conflict.panellist_id == panellist_id,
            conflict_stands(),
        )
    ).scalar_one_or_none()


def standing_conflicts_on(application: Application) -> dict[int, Conflict]:
    """The standing declarations on the application, by panellist id: one query."""
    rows = db.session.execute(
        db.select(Conflict).where(Conflict.application_id == application.id, conflict_stands())
    ).scalars()
    return {c.panellist_id: c for c in rows}


def not_set_aside() -> Any:
    """SQL condition: the review's panellist has no standing conflict on its application."""
    return ~exists().where(
        Conflict.application_id == Review.application_id,
        Conflict.panellist_id == Review.panellist_id,
        conflict_stands(),
    )


# ------------------------------------------------------------------------- reviews


def find_review(*, application_id: int, panellist_id: int) -> Review | None:
    """The panellist's review of the application, whatever its status."""
    return db.session.execute(
        db.select(Review).where(
            Review.application_id == application_id, Review.panellist_id == panellist_id
        )
    ).scalar_one_or_none()


def reviews_of(application: Application) -> dict[int, Review]:
    """Every review of the application, whatever its status or conflicts, by panellist id."""
    rows = db.session.execute(
        db.select(Review).where(Review.application_id == application.id)
    ).scalars()
    return {r.panellist_id: r for r in rows}


def is_counted() -> ColumnElement[bool]:
    """SQL condition on `Review`: it counts (submitted, and not set aside by a conflict)."""
    return and_(Review.status == ReviewStatus.SUBMITTED, not_set_aside())


def counted_reviews(round_: FundingRound) -> Any:
    """A select of the round's reviews that count: submitted and not set aside by a conflict.

    The results area should build its figures from this, so a recusal is a missing cell.
    """
    return db.select(Review).where(Review.round_id == round_.id, is_counted())


def scores_by_criterion(review: Review | None) -> dict[int, Score]:
    """The review's scores keyed by rubric criterion id (empty without a review)."""
    return {s.rubric_criterion_id: s for s in review.scores} if review else {}


# ------------------------------------------------------------ applications and people


def check_scorable(round_: FundingRound, application: Application) -> None:
    """NotFound unless the application is one of the round's eligible applications."""
    if not is_eligible_in_round(application, round_.id):
        raise NotFound(NOT_SCORABLE_TEXT)


def scorable_application(round_: FundingRound, application_id: int) -> Application:
    """An eligible application of this round, or NotFound."""
    application = eligible_application(round_.id, application_id)
    if application is None:
        raise NotFound(NOT_SCORABLE_TEXT)
    return application


def panel_member(round_: FundingRound, user: User) -> RoundMember:
    """The user's current membership of the round's panel, or NotFound."""
    member: RoundMember | None = membership(round_, user)
    if member is None:
        raise NotFound("That person is not on this round's panel.")
    return member


def applications_by_id(ids: set[int]) -> dict[int, Application]:
    """The applications with these ids, by id: one query (none for no ids)."""
    if not ids:
        return {}
    rows = db.session.execute(db.select(Application).where(Application.id.in_(ids))).scalars()
    return {a.id: a for a in rows}


def users_by_id(ids: set[int]) -> dict[int, User]:
    """The people with these ids, by id: one query (none for no ids)."""
    if not ids:
        return {}
    return {u.id: u for u in db.session.execute(db.select(User).where(User.id.in_(ids))).scalars()}
