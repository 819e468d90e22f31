"""Proposing, editing and removing criteria; comments and supports. Every edit is a new version."""

from dataclasses import dataclass, field
from typing import Any

from panel.audit import changes, record
from panel.codesign.services.errors import CodesignError, Invalid, NotAllowed, StaleEdit
from panel.codesign.services.rules import (
    may_edit,
    may_read_why,
    may_remove,
    owns_why,
    require_open,
)
from panel.extensions import db
from panel.ideas.queries import idea_in_round
from panel.models import (
    Criterion,
    CriterionComment,
    CriterionIdea,
    CriterionKind,
    CriterionSupport,
    CriterionVersion,
    FundingRound,
    Idea,
    RubricCriterion,
    User,
)
from panel.models.types import utcnow

# ------------------------------------------------------------------ proposing and editing


@dataclass(frozen=True)
class Wording:
    """What a criterion says: the parts every version keeps. `why_private`: "why it matters" is
    shared with staff only."""

    title: str
    description: str
    why: str
    kind: str
    descriptors: dict[str, str] = field(default_factory=dict)
    why_private: bool = False


def level_name(level: int) -> str:
    return f"a {level}" if level != 8 else "an 8"


def check_wording(round_: FundingRound, wording: Wording, *, proposing: bool = False) -> Wording:
    """Refuse an empty or long title, an unknown kind, or (when proposing) no reason why it
    matters; keep only the descriptors of the round's scale. What it means and the level
    descriptors may come later: `rules.missing_parts` says what a criterion still needs before
    it can be shortlisted and adopted."""
    problems: list[tuple[str, str]] = []
    if not wording.title.strip():
        problems.append(("title", "Enter a short title for the criterion"))
    elif len(wording.title.strip()) > 120:
        problems.append(("title", "Keep the title to 120 characters or fewer"))
    if proposing and not wording.why.strip():
        problems.append(("why", "Enter why it matters"))
    if wording.kind not in (CriterionKind.SCORED, CriterionKind.ELIGIBILITY):
        problems.append(
            ("kind", "Choose whether the panel scores it or it is a pass or fail check")
        )
    descriptors = {
        str(level): (wording.descriptors.get(str(level)) or "").strip()
        for level in round_.scale_levels
    }
    if problems:
        raise Invalid(problems)
    return Wording(
        title=wording.title.strip(),
        description=wording.description.strip(),
        why=wording.why.strip(),
        kind=str(wording.kind),
        descriptors={k: v for k, v in descriptors.items() if v},
        why_private=bool(wording.why_private),
    )


def wording_of(criterion: Criterion) -> dict[str, Any]:
    """What the criterion says now, as the audit record keeps it."""
    return {
        "title": criterion.title,
        "description": criterion.description,
        "why": criterion.why,
        "why_private": criterion.why_private,
        "kind": criterion.kind,
        "descriptors": dict(criterion.descriptors or {}),
    }


def add_version(criterion: Criterion, actor: User) -> CriterionVersion:
    """Keep the criterion's current wording as its numbered version (the history)."""
    version = CriterionVersion(
        criterion_id=criterion.id,
        number=criterion.version,
        title=criterion.title,
        description=criterion.description,
        why=criterion.why,
        why_private=criterion.why_private,
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
    idea: Idea | None = None,
) -> Criterion:
    """Any member proposes a criterion while the round is in Co-design, with a title and why it
    matters at least; it starts at version 1. It may start from an idea the round responds to."""
    require_open(round_)
    clean = check_wording(round_, wording, proposing=True)
    if idea is not None and idea_in_round(round_.id, idea.id) is None:
        raise Invalid([("idea", "This round does not respond to that idea")])
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
        why_private=clean.why_private,
        kind=clean.kind,
        descriptors=clean.descriptors,
        version=1,
        proposed_by_id=actor.id,
        copied_from_id=source_id,
    )
    db.session.add(criterion)
    db.session.flush()
    if idea is not None:
        db.session.add(CriterionIdea(criterion_id=criterion.id, idea_id=idea.id))
    add_version(criterion, actor)
    after = wording_of(criterion)
    if source_id is not None:
        after["copied_from_id"] = source_id
    if idea is not None:
        after["idea_id"] = idea.id
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
    Anyone on the panel may complete a proposal (what it means, what each score looks like);
    "why it matters" and whether it is shared with staff only stay as they are unless the
    proposer or staff change them.

    Returns False when nothing changed (no new version is made)."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    require_open(round_)
    refusal = may_edit(criterion, actor)
    if refusal:
        raise NotAllowed(refusal)
    if expected_version != criterion.version:
        raise StaleEdit(criterion)
    clean = check_wording(round_, wording)
    before = wording_of(criterion)
    criterion.title = clean.title
    criterion.description = clean.description
    if owns_why(criterion, actor):
        criterion.why, criterion.why_private = clean.why, clean.why_private
    elif may_read_why(criterion, actor):  # a reason shared with everyone: anyone may reword it
        criterion.why = clean.why
    criterion.kind = clean.kind
    criterion.descriptors = clean.descriptors
    old, new = changes(before, wording_of(criterion))
    if not new:
        return False
    criterion.version += 1
    add_version(criterion, actor)
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


def removal_needs_reason(criterion: Criterion, actor: User) -> bool:
    """Staff removing a resident's proposal say why; a proposer withdrawing their own need not."""
    return actor.is_staff and criterion.proposed_by_id != actor.id


def remove(*, criterion: Criterion, actor: User, reason: str = "") -> None:
    """Archive a proposal (never delete): residents their own, staff any with a reason everyone
    on the panel reads; never a fixed one."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    require_open(round_)
    refusal = may_remove(criterion, actor)
    if refusal:
        raise NotAllowed(refusal)
    text = reason.strip()
    if not text and removal_needs_reason(criterion, actor):
        raise Invalid([("reason", "Enter why this proposal is being removed")])
    criterion.archived_at = utcnow()
    criterion.archived_by_id = actor.id
    criterion.removed_reason = text or None
    record(
        actor=actor,
        action="criterion.removed",
        object_type="criterion",
        object_id=criterion.id,
        round_id=criterion.round_id,
        before={"title": criterion.title, "shortlisted": criterion.shortlisted},
        after={"archived": True, "removed_reason": criterion.removed_reason},
    )


# ------------------------------------------------------------------ discussing and supporting


def add_comment(
    *, criterion: Criterion, body: str, actor: User, private: bool = False
) -> CriterionComment:
    """Anyone in the round comments on any criterion, fixed or not, at any stage; for everyone
    on the panel, or for staff only (`private`)."""
    text = body.strip()
    if not text:
        raise Invalid([("body", "Enter your comment")])
    if len(text) > 5000:
        raise Invalid([("body", "Keep your comment under 5,000 characters")])
    comment = CriterionComment(
        criterion_id=criterion.id, author_id=actor.id, body=text, private=bool(private)
    )
    db.session.add(comment)
    db.session.flush()
    record(
        actor=actor,
        action="criterion.commented",
        object_type="criterion_comment",
        object_id=comment.id,
        round_id=criterion.round_id,
        after={"criterion_id": criterion.id, "body": text, "private": comment.private},
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
    require_open(round_)
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
    require_open(round_)
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
