"""Reads of the ideas area that other areas use: the ideas a round responds to, for the round
page, the co-design board, the public application page and "You said, we did".

Nothing read here carries a note shared with staff only: `PublicIdea.why` is empty when the
author kept "why it matters" for staff.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from panel.extensions import db
from panel.models import (
    CriterionIdea,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaSupport,
    RoundIdea,
    User,
)


@dataclass(frozen=True)
class PublicIdea:
    """An idea as anyone may read it: never a private note, never its author's name."""

    id: int
    title: str
    where: str
    why: str  # "" when the author shared "why it matters" with staff only
    status: str
    status_label: str
    status_reason: str
    supporters: int
    created_at: datetime


def support_counts(idea_ids: list[int]) -> dict[int, int]:
    """How many people support each idea now."""
    rows = db.session.execute(
        db.select(IdeaSupport.idea_id, func.count())
        .where(IdeaSupport.idea_id.in_(idea_ids), IdeaSupport.withdrawn_at.is_(None))
        .group_by(IdeaSupport.idea_id)
    ).all()
    return {idea_id: n for idea_id, n in rows}


def comment_counts(idea_ids: list[int]) -> dict[int, int]:
    """How many comments each idea has (private and hidden ones included: they exist)."""
    rows = db.session.execute(
        db.select(IdeaComment.idea_id, func.count())
        .where(IdeaComment.idea_id.in_(idea_ids))
        .group_by(IdeaComment.idea_id)
    ).all()
    return {idea_id: n for idea_id, n in rows}


def public(idea: Idea, supporters: int) -> PublicIdea:
    """The idea as anyone may read it."""
    return PublicIdea(
        id=idea.id,
        title=idea.title,
        where=idea.where,
        why="" if idea.why_private else idea.why,
        status=idea.status,
        status_label=IdeaStatus(idea.status).label,
        status_reason=idea.status_reason or "",
        supporters=supporters,
        created_at=idea.created_at,
    )


def ideas_for_round(round_id: int) -> list[PublicIdea]:
    """The ideas a round responds to, in the order staff chose them, as anyone may read them
    (two queries)."""
    ideas = list(
        db.session.execute(
            db.select(Idea)
            .join(RoundIdea, RoundIdea.idea_id == Idea.id)
            .where(RoundIdea.round_id == round_id, RoundIdea.removed_at.is_(None))
            .order_by(RoundIdea.added_at, RoundIdea.id)
        ).scalars()
    )
    counts = support_counts([i.id for i in ideas])
    return [public(i, counts.get(i.id, 0)) for i in ideas]


def idea_in_round(round_id: int, idea_id: int) -> Idea | None:
    """The idea if the round responds to it (None otherwise)."""
    return db.session.execute(
        db.select(Idea)
        .join(RoundIdea, RoundIdea.idea_id == Idea.id)
        .where(
            RoundIdea.round_id == round_id,
            RoundIdea.idea_id == idea_id,
            RoundIdea.removed_at.is_(None),
        )
    ).scalar_one_or_none()


def ideas_of_criteria(criterion_ids: list[int]) -> dict[int, Idea]:
    """The idea each of these criteria started from, by criterion id (those that did)."""
    rows = db.session.execute(
        db.select(CriterionIdea.criterion_id, Idea)
        .join(Idea, CriterionIdea.idea_id == Idea.id)
        .where(CriterionIdea.criterion_id.in_(criterion_ids))
    ).all()
    return {criterion_id: idea for criterion_id, idea in rows}


@dataclass
class Board:
    """Every idea by its answer, with support and comment counts, in a fixed number of queries."""

    by_status: dict[str, list[Idea]]
    support_counts: dict[int, int]
    comment_counts: dict[int, int]
    my_supports: set[int]
    total: int


# The board's sections, in reading order.
BOARD_ORDER = (IdeaStatus.NEW, IdeaStatus.CONSIDERING, IdeaStatus.TAKEN, IdeaStatus.NOT_NOW)


def board(viewer: User) -> Board:
    """Every idea, newest first within its status."""
    ideas = list(
        db.session.execute(
            db.select(Idea)
            .options(selectinload(Idea.author))
            .order_by(Idea.created_at.desc(), Idea.id.desc())
        ).scalars()
    )
    ids = [i.id for i in ideas]
    mine = db.session.execute(
        db.select(IdeaSupport.idea_id).where(
            IdeaSupport.idea_id.in_(ids),
            IdeaSupport.user_id == viewer.id,
            IdeaSupport.withdrawn_at.is_(None),
        )
    ).scalars()
    by_status: dict[str, list[Idea]] = {str(s): [] for s in BOARD_ORDER}
    for idea in ideas:
        by_status[idea.status].append(idea)
    return Board(
        by_status=by_status,
        support_counts=support_counts(ids),
        comment_counts=comment_counts(ids),
        my_supports=set(mine),
        total=len(ideas),
    )


def choosable() -> list[Idea]:
    """The ideas staff may choose for a round: every idea, waiting and considered ones first."""
    order = {str(s): n for n, s in enumerate(BOARD_ORDER)}
    ideas = list(db.session.execute(db.select(Idea).order_by(Idea.id.desc())).scalars())
    return sorted(ideas, key=lambda i: order[i.status])


def comments_of(idea: Idea) -> list[IdeaComment]:
    """The idea's comments, oldest first, with their authors."""
    return list(
        db.session.execute(
            db.select(IdeaComment)
            .where(IdeaComment.idea_id == idea.id)
            .options(selectinload(IdeaComment.author))
            .order_by(IdeaComment.id)
        ).scalars()
    )
