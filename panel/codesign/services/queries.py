"""Reads of the codesign area: the board, lookups, supporters and versions, and the record."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from panel.codesign.services.rules import missing_parts
from panel.extensions import db
from panel.ideas.queries import PublicIdea, ideas_for_round, ideas_of_criteria
from panel.models import (
    Boundary,
    Criterion,
    CriterionComment,
    CriterionSupport,
    CriterionVersion,
    FundingRound,
    Idea,
    Rubric,
    RubricCriterion,
    User,
)

# ------------------------------------------------------------------ the board


@dataclass
class Board:
    """Everything the criteria board shows, loaded in a fixed number of queries."""

    fixed: list[Criterion]
    open: list[Criterion]
    removed: list[Criterion]
    boundaries: list[Boundary]
    support_counts: dict[int, int]
    comment_counts: dict[int, int]
    my_supports: set[int]
    incomplete: set[int]  # criteria still missing what it means or a level's description
    ideas: list[PublicIdea]  # the ideas the round responds to


def criteria_of(round_: FundingRound, *, archived: bool = False) -> list[Criterion]:
    """The round's criteria in the order they were proposed (the order ties are broken by)."""
    query = (
        db.select(Criterion)
        .where(Criterion.round_id == round_.id)
        .options(selectinload(Criterion.proposed_by))
        .order_by(Criterion.id)
    )
    if not archived:
        query = query.where(Criterion.archived_at.is_(None))
    return list(db.session.execute(query).scalars())


def support_counts(criterion_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        db.select(CriterionSupport.criterion_id, func.count())
        .where(
            CriterionSupport.criterion_id.in_(criterion_ids),
            CriterionSupport.withdrawn_at.is_(None),
        )
        .group_by(CriterionSupport.criterion_id)
    ).all()
    return {cid: n for cid, n in rows}


def comment_counts(criterion_ids: list[int]) -> dict[int, int]:
    rows = db.session.execute(
        db.select(CriterionComment.criterion_id, func.count())
        .where(CriterionComment.criterion_id.in_(criterion_ids))
        .group_by(CriterionComment.criterion_id)
    ).all()
    return {cid: n for cid, n in rows}


def board(round_: FundingRound, user: User) -> Board:
    """The round's criteria: fixed ones, open proposals, removed ones, and the boundaries."""
    everything = criteria_of(round_, archived=True)
    ids = [c.id for c in everything]
    mine = db.session.execute(
        db.select(CriterionSupport.criterion_id).where(
            CriterionSupport.criterion_id.in_(ids),
            CriterionSupport.user_id == user.id,
            CriterionSupport.withdrawn_at.is_(None),
        )
    ).scalars()
    live = [c for c in everything if c.archived_at is None]
    return Board(
        fixed=[c for c in live if c.fixed],
        open=[c for c in live if not c.fixed],
        removed=[c for c in everything if c.archived_at is not None],
        boundaries=boundaries(round_),
        support_counts=support_counts(ids),
        comment_counts=comment_counts(ids),
        my_supports=set(mine),
        incomplete={c.id for c in live if missing_parts(c, round_)},
        ideas=ideas_for_round(round_.id),
    )


# ------------------------------------------------------------------ lookups


def criterion_in(round_: FundingRound, criterion_id: int) -> Criterion | None:
    """The criterion if it belongs to the round (None otherwise, so the view 404s)."""
    criterion = db.session.get(Criterion, criterion_id)
    if criterion is None or criterion.round_id != round_.id:
        return None
    return criterion


def supporters(criterion_ids: list[int]) -> dict[int, list[User]]:
    """Who currently supports each criterion, by name."""
    rows = db.session.execute(
        db.select(CriterionSupport.criterion_id, User)
        .join(User, CriterionSupport.user_id == User.id)
        .where(
            CriterionSupport.criterion_id.in_(criterion_ids),
            CriterionSupport.withdrawn_at.is_(None),
        )
        .order_by(func.lower(User.display_name))
    ).all()
    out: dict[int, list[User]] = defaultdict(list)
    for cid, user in rows:
        out[cid].append(user)
    return out


def versions_of(criterion_ids: list[int]) -> dict[int, list[CriterionVersion]]:
    rows = db.session.execute(
        db.select(CriterionVersion)
        .where(CriterionVersion.criterion_id.in_(criterion_ids))
        .options(selectinload(CriterionVersion.edited_by))
        .order_by(CriterionVersion.criterion_id, CriterionVersion.number)
    ).scalars()
    out: dict[int, list[CriterionVersion]] = defaultdict(list)
    for version in rows:
        out[version.criterion_id].append(version)
    return out


def comments_of(criterion: Criterion) -> list[CriterionComment]:
    return list(
        db.session.execute(
            db.select(CriterionComment)
            .where(CriterionComment.criterion_id == criterion.id)
            .options(selectinload(CriterionComment.author))
            .order_by(CriterionComment.id)
        ).scalars()
    )


def boundaries(round_: FundingRound) -> list[Boundary]:
    """The round's current non-negotiables, oldest first."""
    return list(
        db.session.execute(
            db.select(Boundary)
            .where(Boundary.round_id == round_.id, Boundary.archived_at.is_(None))
            .order_by(Boundary.id)
        ).scalars()
    )


# ------------------------------------------------------------------ the record


def rubrics_of(round_: FundingRound) -> list[Rubric]:
    """Every adopted version, newest first, with who adopted it."""
    return list(
        db.session.execute(
            db.select(Rubric)
            .where(Rubric.round_id == round_.id)
            .options(selectinload(Rubric.adopted_by), selectinload(Rubric.criteria))
            .order_by(Rubric.version.desc())
        ).scalars()
    )


@dataclass
class RecordEntry:
    """One adopted criterion and how it was agreed."""

    item: RubricCriterion
    criterion: Criterion | None
    source: Criterion | None
    versions: list[CriterionVersion]
    supporters: list[User]
    idea: Idea | None = None  # the idea it started from


def agreement_record(rubric: Rubric) -> list[RecordEntry]:
    """For every criterion of the rubric: who proposed it, its versions, supporters, and where
    it was copied from; loaded in a fixed number of queries."""
    items = list(rubric.criteria)
    ids = [i.criterion_id for i in items if i.criterion_id is not None]
    found = {
        c.id: c
        for c in db.session.execute(
            db.select(Criterion)
            .where(Criterion.id.in_(ids))
            .options(selectinload(Criterion.proposed_by))
        ).scalars()
    }
    source_ids = [c.copied_from_id for c in found.values() if c.copied_from_id is not None]
    sources = {
        c.id: c
        for c in db.session.execute(
            db.select(Criterion)
            .where(Criterion.id.in_(source_ids))
            .options(selectinload(Criterion.proposed_by))
        ).scalars()
    }
    source_rounds = {
        r.id: r
        for r in db.session.execute(
            db.select(FundingRound).where(
                FundingRound.id.in_([s.round_id for s in sources.values()])
            )
        ).scalars()
    }
    for s in sources.values():
        s.source_round = source_rounds.get(s.round_id)
    versions = versions_of(ids)
    backers = supporters(ids)
    ideas = ideas_of_criteria(ids)
    entries = []
    for item in items:
        criterion = found.get(item.criterion_id) if item.criterion_id else None
        source = (
            sources.get(criterion.copied_from_id)
            if criterion is not None and criterion.copied_from_id
            else None
        )
        entries.append(
            RecordEntry(
                item=item,
                criterion=criterion,
                source=source,
                versions=versions.get(item.criterion_id, []) if item.criterion_id else [],
                supporters=backers.get(item.criterion_id, []) if item.criterion_id else [],
                idea=ideas.get(item.criterion_id) if item.criterion_id else None,
            )
        )
    return entries
