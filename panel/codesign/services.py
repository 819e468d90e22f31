"""Co-design writes and queries: the round's criteria, their history, weights and the rubric.

Policy in one place:
- Proposing, editing, removing, supporting and sharing weights are open while the round is in
  Co-design. Comments stay open at every stage.
- Staff fix a criterion with a plain-words reason that everyone sees; residents cannot edit or
  remove a fixed criterion, and nobody removes one until staff unfix it.
- Staff, or the round's chair, adopt the criteria as a new rubric version, in Co-design and
  later, until any review has been submitted (`rubric_locked`) or scoring has closed.
- Nothing is deleted: removed proposals and boundaries are archived; supports are withdrawn.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import selectinload

from criteria.errors import ScoringError
from criteria.weights import Spread, check_shares, points, proposed_weights, spread
from panel.audit import changes, record
from panel.extensions import db
from panel.models import (
    Boundary,
    Criterion,
    CriterionComment,
    CriterionKind,
    CriterionSupport,
    CriterionVersion,
    FundingRound,
    PanelRole,
    Review,
    ReviewStatus,
    Rubric,
    RubricCriterion,
    Stage,
    User,
    WeightShare,
)
from panel.models.types import utcnow
from panel.panels import membership
from panel.rounds.services import stage_check
from panel.rubrics import current_rubric

FIXED_PREFIX = "Fixed by staff:"


class CodesignError(ValueError):
    """A refusal with a message fit to show on the page; `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class Closed(CodesignError):
    """The action is not open at the round's stage (or the rubric is locked)."""


class NotAllowed(CodesignError):
    """The person may see the criterion but not do this to it (e.g. a resident and a fixed one)."""


class StaleEdit(CodesignError):
    """The edit form was made from an older version: nothing was saved."""

    def __init__(self, criterion: Criterion) -> None:
        super().__init__(
            "Someone else changed this criterion while you were editing it. Nothing has been "
            "overwritten: compare the two versions below."
        )
        self.criterion = criterion


class Invalid(CodesignError):
    """Bad input; `problems` lists (field key, message) pairs for the form."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__(problems[0][1])
        self.problems = problems


# ------------------------------------------------------------------ the rubric in force

# `current_rubric` (imported above) is the one read of the rubric in force; it lives in
# panel.rubrics so every area may use it without importing codesign.


def rubric_locked(round_: FundingRound) -> bool:
    """True once any review of the round has been submitted: the rubric can no longer change."""
    return (
        db.session.execute(
            db.select(Review.id)
            .where(Review.round_id == round_.id, Review.status == ReviewStatus.SUBMITTED)
            .limit(1)
        ).first()
        is not None
    )


# ------------------------------------------------------------------ what is open, and why not


def discussion_closed(round_: FundingRound) -> str | None:
    """Why proposing, editing, supporting and sharing weights are closed, or None when open."""
    if round_.current_stage is Stage.CODESIGN:
        return None
    return (
        f"The round has moved on to {round_.current_stage.label}, so proposals, changes, "
        "support and weights are closed. You can still comment on any criterion."
    )


def adoption_closed(round_: FundingRound) -> str | None:
    """Why the criteria can no longer be adopted, or None while they can."""
    if round_.current_stage.position > Stage.SCORING.position:
        return "Scoring has closed, so the adopted criteria can no longer change."
    if rubric_locked(round_):
        return (
            "A panellist has submitted a review, so the adopted criteria can no longer change: "
            "every review must be scored against the same criteria."
        )
    return None


def staff_changes_closed(round_: FundingRound) -> str | None:
    """Why staff can no longer fix, shortlist or set boundaries, or None while they can."""
    return adoption_closed(round_)


def may_adopt(round_: FundingRound, user: User) -> bool:
    """Staff, or the chair of this round's panel."""
    if user.is_staff:
        return True
    member = membership(round_, user)
    return member is not None and member.role == PanelRole.CHAIR


def may_edit(criterion: Criterion, user: User) -> str | None:
    """Why this person cannot edit the criterion's wording (None when they can)."""
    if criterion.archived_at is not None:
        return "This proposal was removed from the discussion, so it cannot be changed."
    if criterion.fixed and not user.is_staff:
        return (
            "Staff have fixed this criterion, so residents cannot change it. "
            f"{FIXED_PREFIX} {criterion.fixed_reason} You can still comment on it."
        )
    return None


def may_remove(criterion: Criterion, user: User) -> str | None:
    """Why this person cannot remove the proposal (None when they can)."""
    if criterion.archived_at is not None:
        return "This proposal has already been removed from the discussion."
    if criterion.fixed:
        if user.is_staff:
            return "This criterion is fixed. Open it for discussion again before removing it."
        return (
            "Staff have fixed this criterion, so it cannot be removed. "
            f"{FIXED_PREFIX} {criterion.fixed_reason} You can still comment on it."
        )
    if not user.is_staff and criterion.proposed_by_id != user.id:
        return "Only the person who proposed this criterion, or staff, can remove it."
    return None


def _require_open(round_: FundingRound) -> None:
    reason = discussion_closed(round_)
    if reason:
        raise Closed(reason)


def _require_staff_open(round_: FundingRound, actor: User) -> None:
    if not actor.is_staff:
        raise NotAllowed("Only staff can do this.")
    reason = staff_changes_closed(round_)
    if reason:
        raise Closed(reason)


# ------------------------------------------------------------------ proposing and editing


@dataclass(frozen=True)
class Wording:
    """What a criterion says: the parts every version keeps."""

    title: str
    description: str
    why: str
    kind: str
    descriptors: dict[str, str] = field(default_factory=dict)


def level_name(level: int) -> str:
    return f"a {level}" if level != 8 else "an 8"


def check_wording(round_: FundingRound, wording: Wording) -> Wording:
    """Refuse an empty title or description, an unknown kind, or a scored criterion missing a
    descriptor for any level of the round's scale; keep only the scale's levels."""
    problems: list[tuple[str, str]] = []
    if not wording.title.strip():
        problems.append(("title", "Enter a short title for the criterion"))
    elif len(wording.title) > 120:
        problems.append(("title", "Keep the title to 120 characters or fewer"))
    if not wording.description.strip():
        problems.append(("description", "Enter what this criterion means, in plain words"))
    if wording.kind not in (CriterionKind.SCORED, CriterionKind.ELIGIBILITY):
        problems.append(
            ("kind", "Choose whether the panel scores it or it is a pass or fail check")
        )
    descriptors = {
        str(level): (wording.descriptors.get(str(level)) or "").strip()
        for level in round_.scale_levels
    }
    if wording.kind == CriterionKind.SCORED:
        for level in round_.scale_levels:
            if not descriptors[str(level)]:
                problems.append((f"level_{level}", f"Describe what {level_name(level)} looks like"))
    if problems:
        raise Invalid(problems)
    return Wording(
        title=wording.title.strip(),
        description=wording.description.strip(),
        why=wording.why.strip(),
        kind=str(wording.kind),
        descriptors={k: v for k, v in descriptors.items() if v},
    )


def _wording_of(criterion: Criterion) -> dict[str, Any]:
    return {
        "title": criterion.title,
        "description": criterion.description,
        "why": criterion.why,
        "kind": criterion.kind,
        "descriptors": dict(criterion.descriptors or {}),
    }


def _add_version(criterion: Criterion, actor: User) -> CriterionVersion:
    version = CriterionVersion(
        criterion_id=criterion.id,
        number=criterion.version,
        title=criterion.title,
        description=criterion.description,
        why=criterion.why,
        kind=criterion.kind,
        descriptors=dict(criterion.descriptors or {}),
        edited_by_id=actor.id,
    )
    db.session.add(version)
    return version


def propose(
    *,
    round_: FundingRound,
    wording: Wording,
    actor: User,
    copied_from: Criterion | RubricCriterion | None = None,
) -> Criterion:
    """Any member proposes a criterion while the round is in Co-design; it starts at version 1."""
    _require_open(round_)
    clean = check_wording(round_, wording)
    source_id = None
    if isinstance(copied_from, Criterion):
        source_id = copied_from.id
    elif isinstance(copied_from, RubricCriterion):
        source_id = copied_from.criterion_id
    criterion = Criterion(
        round_id=round_.id,
        title=clean.title,
        description=clean.description,
        why=clean.why,
        kind=clean.kind,
        descriptors=clean.descriptors,
        version=1,
        proposed_by_id=actor.id,
        copied_from_id=source_id,
    )
    db.session.add(criterion)
    db.session.flush()
    _add_version(criterion, actor)
    after = _wording_of(criterion)
    if source_id is not None:
        after["copied_from_id"] = source_id
    record(
        actor=actor,
        action="criterion.proposed",
        object_type="criterion",
        object_id=criterion.id,
        round_id=round_.id,
        after=after,
    )
    return criterion


def edit(*, criterion: Criterion, wording: Wording, expected_version: int, actor: User) -> bool:
    """Change the wording as a new version; a stale form (older version) is refused, never merged.

    Returns False when nothing changed (no new version is made)."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    _require_open(round_)
    refusal = may_edit(criterion, actor)
    if refusal:
        raise NotAllowed(refusal)
    if expected_version != criterion.version:
        raise StaleEdit(criterion)
    clean = check_wording(round_, wording)
    before = _wording_of(criterion)
    criterion.title = clean.title
    criterion.description = clean.description
    criterion.why = clean.why
    criterion.kind = clean.kind
    criterion.descriptors = clean.descriptors
    old, new = changes(before, _wording_of(criterion))
    if not new:
        return False
    criterion.version += 1
    _add_version(criterion, actor)
    record(
        actor=actor,
        action="criterion.edited",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        before=dict(old, version=criterion.version - 1),
        after=dict(new, version=criterion.version),
    )
    return True


def remove(*, criterion: Criterion, actor: User) -> None:
    """Archive a proposal (never delete): residents their own, staff any; never a fixed one."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    _require_open(round_)
    refusal = may_remove(criterion, actor)
    if refusal:
        raise NotAllowed(refusal)
    criterion.archived_at = utcnow()
    criterion.archived_by_id = actor.id
    record(
        actor=actor,
        action="criterion.removed",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        before={"title": criterion.title, "shortlisted": criterion.shortlisted},
        after={"archived": True},
    )


# ------------------------------------------------------------------ discussing and supporting


def add_comment(*, criterion: Criterion, body: str, actor: User) -> CriterionComment:
    """Anyone in the round comments on any criterion, fixed or not, at any stage."""
    text = body.strip()
    if not text:
        raise Invalid([("body", "Enter your comment")])
    if len(text) > 5000:
        raise Invalid([("body", "Keep your comment under 5,000 characters")])
    comment = CriterionComment(criterion_id=criterion.id, author_id=actor.id, body=text)
    db.session.add(comment)
    db.session.flush()
    record(
        actor=actor,
        action="criterion.commented",
        object_type="criterion_comment",
        object_id=comment.id,
        round_id=criterion.round_id,
        after={"criterion_id": criterion.id, "body": text},
    )
    return comment


def _support_row(criterion: Criterion, user: User) -> CriterionSupport | None:
    return db.session.execute(
        db.select(CriterionSupport).where(
            CriterionSupport.criterion_id == criterion.id, CriterionSupport.user_id == user.id
        )
    ).scalar_one_or_none()


def supports(criterion: Criterion, user: User) -> bool:
    """True if the person currently supports the criterion."""
    row = _support_row(criterion, user)
    return row is not None and row.withdrawn_at is None


def support(*, criterion: Criterion, actor: User) -> None:
    """Support a criterion once (again after withdrawing); a second support is refused."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    _require_open(round_)
    if criterion.archived_at is not None:
        raise NotAllowed("This proposal was removed from the discussion.")
    row = _support_row(criterion, actor)
    if row is not None and row.withdrawn_at is None:
        raise CodesignError("You already support this criterion.")
    if row is None:
        row = CriterionSupport(criterion_id=criterion.id, user_id=actor.id)
        db.session.add(row)
    else:
        row.withdrawn_at = None
        row.created_at = utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="criterion.supported",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        after={"supported": True},
    )


def withdraw_support(*, criterion: Criterion, actor: User) -> None:
    """Withdraw one's support; the row stays with the time it was withdrawn."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    _require_open(round_)
    row = _support_row(criterion, actor)
    if row is None or row.withdrawn_at is not None:
        raise CodesignError("You do not support this criterion at the moment.")
    row.withdrawn_at = utcnow()
    record(
        actor=actor,
        action="criterion.support_withdrawn",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        before={"supported": True},
        after={"supported": False},
    )


# ------------------------------------------------------------------ boundaries (staff)


def _clean_reason(reason: str, what: str) -> str:
    text = reason.strip()
    if text.lower().startswith(FIXED_PREFIX.lower()):
        text = text[len(FIXED_PREFIX) :].strip()
    if not text:
        raise Invalid([("reason", f"Enter {what}")])
    return text


def fix(*, criterion: Criterion, reason: str, actor: User) -> None:
    """Staff fix a criterion with a plain-words reason everyone sees; residents can then only
    comment on it."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    _require_staff_open(round_, actor)
    if criterion.archived_at is not None:
        raise NotAllowed("This proposal was removed from the discussion, so it cannot be fixed.")
    text = _clean_reason(reason, "why this criterion is fixed")
    before = {"fixed": criterion.fixed, "fixed_reason": criterion.fixed_reason}
    criterion.fixed = True
    criterion.fixed_reason = text
    criterion.fixed_by_id = actor.id
    record(
        actor=actor,
        action="criterion.fixed",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        before=before,
        after={"fixed": True, "fixed_reason": text},
    )


def unfix(*, criterion: Criterion, reason: str, actor: User) -> None:
    """Staff open a fixed criterion for discussion again, saying why."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    _require_staff_open(round_, actor)
    text = _clean_reason(reason, "why this criterion is open for discussion again")
    before = {"fixed": criterion.fixed, "fixed_reason": criterion.fixed_reason}
    criterion.fixed = False
    criterion.fixed_reason = None
    criterion.fixed_by_id = None
    record(
        actor=actor,
        action="criterion.unfixed",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        before=before,
        after={"fixed": False, "reason": text},
    )


def set_shortlisted(*, criterion: Criterion, shortlisted: bool, actor: User) -> None:
    """Staff put a criterion on the shortlist (weights and adoption use it) or take it off."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    _require_staff_open(round_, actor)
    if criterion.archived_at is not None and shortlisted:
        raise NotAllowed("This proposal was removed from the discussion.")
    if criterion.shortlisted == shortlisted:
        return
    criterion.shortlisted = shortlisted
    record(
        actor=actor,
        action="criterion.shortlisted" if shortlisted else "criterion.unshortlisted",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        before={"shortlisted": not shortlisted},
        after={"shortlisted": shortlisted},
    )


def add_boundary(*, round_: FundingRound, title: str, reason: str, actor: User) -> Boundary:
    """Staff record a non-negotiable of the round that is not a criterion, with its reason."""
    _require_staff_open(round_, actor)
    problems = []
    if not title.strip():
        problems.append(("title", "Enter what is fixed"))
    elif len(title.strip()) > 200:
        problems.append(("title", "Keep it to 200 characters or fewer"))
    if not reason.strip():
        problems.append(("reason", "Enter why it is fixed, or who set it"))
    if problems:
        raise Invalid(problems)
    boundary = Boundary(
        round_id=round_.id, title=title.strip(), reason=reason.strip(), created_by_id=actor.id
    )
    db.session.add(boundary)
    db.session.flush()
    record(
        actor=actor,
        action="boundary.added",
        object_type="boundary",
        object_id=boundary.id,
        round_id=round_.id,
        after={"title": boundary.title, "reason": boundary.reason},
    )
    return boundary


def remove_boundary(*, boundary: Boundary, reason: str, actor: User) -> None:
    """Staff take a non-negotiable away (archived, never deleted), saying why."""
    round_ = db.session.get(FundingRound, boundary.round_id)
    assert round_ is not None
    _require_staff_open(round_, actor)
    if not reason.strip():
        raise Invalid([("reason", "Enter why this is no longer fixed")])
    if boundary.archived_at is not None:
        return
    boundary.archived_at = utcnow()
    record(
        actor=actor,
        action="boundary.removed",
        object_type="boundary",
        object_id=boundary.id,
        round_id=boundary.round_id,
        before={"title": boundary.title, "reason": boundary.reason},
        after={"archived": True, "why_removed": reason.strip()},
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


# ------------------------------------------------------------------ starting from another round

COPY_ADOPTED = "adopted"
COPY_PROPOSALS = "proposals"


def rounds_to_copy_from(round_: FundingRound) -> list[FundingRound]:
    """Other rounds that have criteria to copy: an adopted rubric or live proposals."""
    with_rubric = db.select(Rubric.round_id)
    with_proposals = db.select(Criterion.round_id).where(Criterion.archived_at.is_(None))
    return list(
        db.session.execute(
            db.select(FundingRound)
            .where(
                FundingRound.id != round_.id,
                FundingRound.id.in_(with_rubric) | FundingRound.id.in_(with_proposals),
            )
            .order_by(FundingRound.created_at.desc(), FundingRound.id.desc())
        ).scalars()
    )


def copy_criteria(
    *, round_: FundingRound, source: FundingRound, what: str, actor: User
) -> list[Criterion]:
    """Staff start from another round: copy its adopted criteria (or its live proposals) into
    this round as new proposals, open for discussion, each pointing to where it came from."""
    _require_staff_open(round_, actor)
    _require_open(round_)
    if source.id == round_.id:
        raise Invalid([("source", "Choose a different round to copy from")])
    items: list[Criterion | RubricCriterion]
    if what == COPY_ADOPTED:
        rubric = current_rubric(source)
        if rubric is None:
            raise Invalid([("what", f"{source.name} has not adopted its criteria yet")])
        items = list(rubric.criteria)
    elif what == COPY_PROPOSALS:
        items = list(
            db.session.execute(
                db.select(Criterion)
                .where(Criterion.round_id == source.id, Criterion.archived_at.is_(None))
                .order_by(Criterion.id)
            ).scalars()
        )
    else:
        raise Invalid([("what", "Choose what to copy")])
    if not items:
        raise Invalid([("what", f"{source.name} has no criteria of that kind to copy")])
    copies = []
    for item in items:
        descriptors = {
            str(level): (item.descriptors or {}).get(str(level), "")
            for level in round_.scale_levels
        }
        criterion = Criterion(
            round_id=round_.id,
            title=item.title,
            description=item.description,
            why=item.why,
            kind=item.kind,
            descriptors={k: v for k, v in descriptors.items() if v},
            version=1,
            proposed_by_id=actor.id,
            copied_from_id=item.criterion_id if isinstance(item, RubricCriterion) else item.id,
        )
        db.session.add(criterion)
        db.session.flush()
        _add_version(criterion, actor)
        record(
            actor=actor,
            action="criterion.proposed",
            object_type="criterion",
            object_id=criterion.id,
            round_id=round_.id,
            after=dict(_wording_of(criterion), copied_from_id=criterion.copied_from_id),
        )
        copies.append(criterion)
    record(
        actor=actor,
        action="criteria.copied",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        after={
            "from_round_id": source.id,
            "from_round": source.name,
            "what": what,
            "criteria": [c.id for c in copies],
        },
    )
    return copies


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
    )


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


# ------------------------------------------------------------------ weights


def weighable(round_: FundingRound) -> list[Criterion]:
    """The criteria members share weights among: shortlisted, scored, not removed, in order."""
    return [
        c
        for c in criteria_of(round_)
        if c.shortlisted and c.kind == CriterionKind.SCORED and c.archived_at is None
    ]


@dataclass
class WeightSummary:
    """The members' shares over the current shortlist, and the weights they propose."""

    criteria: list[Criterion]
    members: int
    spreads: dict[int, Spread]
    proposed: dict[int, int]
    # Shares of a member whose saved set no longer matches the shortlist are left out.
    left_out: int = 0

    def proposed_for(self, criterion_id: int) -> int | None:
        return self.proposed.get(criterion_id)


def _all_shares(round_: FundingRound, criterion_ids: list[int]) -> dict[int, dict[int, int]]:
    rows = db.session.execute(
        db.select(WeightShare.user_id, WeightShare.criterion_id, WeightShare.points).where(
            WeightShare.round_id == round_.id, WeightShare.criterion_id.in_(criterion_ids)
        )
    ).all()
    by_user: dict[int, dict[int, int]] = defaultdict(dict)
    for user_id, criterion_id, value in rows:
        by_user[user_id][criterion_id] = value
    return by_user


def weight_summary(round_: FundingRound) -> WeightSummary:
    """Count a member only if their saved shares cover exactly the current shortlist and add up
    to 100; propose the mean share of each, rounded by largest remainder (ties by criterion
    order)."""
    criteria = weighable(round_)
    ids = [c.id for c in criteria]
    complete: list[list[int]] = []
    left_out = 0
    for shares in _all_shares(round_, ids).values():
        row = [shares.get(cid) for cid in ids]
        if all(v is not None for v in row) and sum(v or 0 for v in row) == 100:
            complete.append([v or 0 for v in row])
        else:
            left_out += 1
    if not criteria or not complete:
        return WeightSummary(
            criteria=criteria, members=0, spreads={}, proposed={}, left_out=left_out
        )
    weights = proposed_weights(complete)
    return WeightSummary(
        criteria=criteria,
        members=len(complete),
        spreads={cid: spread([m[i] for m in complete]) for i, cid in enumerate(ids)},
        proposed=dict(zip(ids, weights, strict=True)),
        left_out=left_out,
    )


def my_shares(round_: FundingRound, user: User) -> dict[int, int]:
    """The person's saved shares for the current shortlist (criterion id -> points)."""
    ids = [c.id for c in weighable(round_)]
    return _all_shares(round_, ids).get(user.id, {})


def share_weights(*, round_: FundingRound, shares: dict[int, int], actor: User) -> None:
    """A member shares 100 points among the shortlisted scored criteria (whole numbers, 0 or
    more, not all 0); sharing again replaces their earlier shares."""
    _require_open(round_)
    criteria = weighable(round_)
    if not criteria:
        raise Closed("There are no shortlisted scored criteria to share points among yet.")
    ids = [c.id for c in criteria]
    if set(shares) != set(ids):
        raise Invalid([("form", "The shortlist has changed. Check the criteria and try again.")])
    values = [shares[cid] for cid in ids]
    try:
        check_shares(values)
    except ScoringError as exc:
        message = str(exc).replace("The shares add up", "Your shares add up")
        raise Invalid([("form", message)]) from exc
    existing = {
        row.criterion_id: row
        for row in db.session.execute(
            db.select(WeightShare).where(
                WeightShare.user_id == actor.id, WeightShare.criterion_id.in_(ids)
            )
        ).scalars()
    }
    before = {str(cid): row.points for cid, row in existing.items()}
    now = utcnow()
    for cid in ids:
        row = existing.get(cid)
        if row is None:
            db.session.add(
                WeightShare(
                    round_id=round_.id,
                    criterion_id=cid,
                    user_id=actor.id,
                    points=shares[cid],
                    updated_at=now,
                )
            )
        else:
            row.points = shares[cid]
            row.updated_at = now
    db.session.flush()
    record(
        actor=actor,
        action="weights.shared",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before=before or None,
        after={str(cid): shares[cid] for cid in ids},
    )


# ------------------------------------------------------------------ adoption


def candidates(round_: FundingRound) -> list[Criterion]:
    """The criteria that can be adopted: shortlisted or fixed, and not removed."""
    return [c for c in criteria_of(round_) if c.shortlisted or c.fixed]


@dataclass(frozen=True)
class Choice:
    """One criterion as the adopter chose it: its place in the order, weight and reason."""

    criterion: Criterion
    position: int
    weight: int = 0
    reason: str = ""


def _spread_record(value: Spread | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "members": value.members,
        "lowest": value.lowest,
        "median": points(value.median),
        "highest": value.highest,
        "mean": points(value.mean),
    }


def adopt(*, round_: FundingRound, choices: list[Choice], note: str, actor: User) -> Rubric:
    """Staff or the chair freeze the chosen criteria as the next rubric version. Scored weights
    must be whole, add up to 100 with at least one above 0; any change from the proposed weight
    needs a reason. Refused once a review is submitted or scoring has closed."""
    if not may_adopt(round_, actor):
        raise NotAllowed("Only staff or the panel's chair can adopt the criteria.")
    reason = adoption_closed(round_)
    if reason:
        raise Closed(reason)
    summary = weight_summary(round_)
    problems: list[tuple[str, str]] = []
    if not choices:
        problems.append(("form", "Choose at least one criterion to adopt"))
    for choice in choices:
        c = choice.criterion
        if c.round_id != round_.id or c.archived_at is not None:
            problems.append(("form", "One of the criteria is no longer in this round's discussion"))
            continue
        if c.kind != CriterionKind.SCORED:
            continue
        if choice.weight < 0 or choice.weight > 100:
            problems.append((f"weight_{c.id}", f"Enter a weight from 0 to 100 for {c.title}"))
        proposed = summary.proposed_for(c.id)
        if choice.weight != proposed and not choice.reason.strip():
            if proposed is None:
                problems.append(
                    (f"reason_{c.id}", f"Say why {c.title} has this weight: no weight was proposed")
                )
            else:
                problems.append(
                    (
                        f"reason_{c.id}",
                        f"Say why you changed the weight of {c.title} from {proposed}",
                    )
                )
    scored = [ch for ch in choices if ch.criterion.kind == CriterionKind.SCORED]
    if choices and not scored:
        problems.append(("form", "Choose at least one scored criterion"))
    elif scored and all(ch.weight == 0 for ch in scored):
        problems.append(("form", "Give at least one scored criterion a weight above 0"))
    elif scored and sum(ch.weight for ch in scored) != 100:
        total = sum(ch.weight for ch in scored)
        problems.append(("form", f"The weights add up to {total}. They must add up to 100"))
    if problems:
        raise Invalid(problems)

    latest = db.session.execute(
        db.select(func.max(Rubric.version)).where(Rubric.round_id == round_.id)
    ).scalar()
    rubric = Rubric(
        round_id=round_.id, version=(latest or 0) + 1, adopted_by_id=actor.id, note=note.strip()
    )
    db.session.add(rubric)
    db.session.flush()
    ordered = sorted(enumerate(choices), key=lambda pair: (pair[1].position, pair[0]))
    adopted = []
    for position, (_, choice) in enumerate(ordered, start=1):
        c = choice.criterion
        scored_one = c.kind == CriterionKind.SCORED
        proposed = summary.proposed_for(c.id) if scored_one else None
        weight = choice.weight if scored_one else 0
        changed = scored_one and weight != proposed
        item = RubricCriterion(
            rubric_id=rubric.id,
            criterion_id=c.id,
            position=position,
            title=c.title,
            description=c.description,
            why=c.why,
            kind=c.kind,
            weight=weight,
            proposed_weight=proposed,
            weight_reason=choice.reason.strip() if changed else None,
            descriptors=dict(c.descriptors or {}),
            fixed_reason=c.fixed_reason if c.fixed else None,
            shares=_spread_record(summary.spreads.get(c.id)) if scored_one else None,
        )
        db.session.add(item)
        adopted.append(
            {
                "criterion_id": c.id,
                "title": c.title,
                "kind": c.kind,
                "weight": weight,
                "proposed_weight": proposed,
                "weight_reason": item.weight_reason,
            }
        )
    db.session.flush()
    record(
        actor=actor,
        action="rubric.adopted",
        object_type="rubric",
        object_id=rubric.id,
        round_id=round_.id,
        after={
            "version": rubric.version,
            "criteria": adopted,
            "members_sharing_weights": summary.members,
            "note": rubric.note,
        },
    )
    db.session.expire(rubric, ["criteria"])
    return rubric


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


# ------------------------------------------------------------------ the record


@dataclass
class RecordEntry:
    """One adopted criterion and how it was agreed."""

    item: RubricCriterion
    criterion: Criterion | None
    source: Criterion | None
    versions: list[CriterionVersion]
    supporters: list[User]


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
        s.source_round = source_rounds.get(s.round_id)  # type: ignore[attr-defined]
    versions = versions_of(ids)
    backers = supporters(ids)
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
            )
        )
    return entries


# ------------------------------------------------------------------ stage checks


@stage_check(Stage.ELIGIBILITY)
def _adopted_before_eligibility(round_: FundingRound) -> str | None:
    if current_rubric(round_) is None:
        return (
            "Adopt the criteria before the eligibility check: staff check each application "
            "against the adopted eligibility criteria."
        )
    return None


@stage_check(Stage.SCORING)
def _adopted_before_scoring(round_: FundingRound) -> str | None:
    rubric = current_rubric(round_)
    if rubric is None:
        return "Adopt the criteria before scoring opens."
    if not any(c.weight > 0 for c in rubric.scored):
        return (
            "The adopted criteria need at least one scored criterion with a weight above 0 "
            "before scoring opens."
        )
    return None
