"""Staff tools: fix and unfix, the shortlist, non-negotiables, and copying from another round."""

from panel.audit import record
from panel.codesign.services.errors import Invalid, NotAllowed
from panel.codesign.services.proposals import add_version, wording_of
from panel.codesign.services.rules import (
    FIXED_PREFIX,
    incomplete,
    require_open,
    require_staff_open,
)
from panel.extensions import db
from panel.models import (
    Boundary,
    Criterion,
    FundingRound,
    Rubric,
    RubricCriterion,
    User,
)
from panel.models.types import utcnow
from panel.rubrics import current_rubric

# ------------------------------------------------------------------ fixing and the shortlist


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
    require_staff_open(round_, actor)
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
    require_staff_open(round_, actor)
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
    """Staff put a complete criterion on the shortlist (weights and adoption use it) or take it
    off; one still missing what it means or a level's description is refused (`incomplete`)."""
    round_ = db.session.get(FundingRound, criterion.round_id)
    assert round_ is not None
    require_staff_open(round_, actor)
    if criterion.archived_at is not None and shortlisted:
        raise NotAllowed("This proposal was removed from the discussion.")
    if shortlisted and (reason := incomplete(criterion, round_)):
        raise NotAllowed(f"It cannot go on the shortlist yet: {reason}")
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


# ------------------------------------------------------------------ non-negotiables (boundaries)


def add_boundary(*, round_: FundingRound, title: str, reason: str, actor: User) -> Boundary:
    """Staff record a non-negotiable of the round that is not a criterion, with its reason."""
    require_staff_open(round_, actor)
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
    require_staff_open(round_, actor)
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
    require_staff_open(round_, actor)
    require_open(round_)
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
            # A reason shared with staff only stays with its own round.
            why="" if getattr(item, "why_private", False) else item.why,
            kind=item.kind,
            descriptors={k: v for k, v in descriptors.items() if v},
            version=1,
            proposed_by_id=actor.id,
            copied_from_id=item.criterion_id if isinstance(item, RubricCriterion) else item.id,
        )
        db.session.add(criterion)
        db.session.flush()
        add_version(criterion, actor)
        record(
            actor=actor,
            action="criterion.proposed",
            object_type="criterion",
            object_id=criterion.id,
            round_id=round_.id,
            after=dict(wording_of(criterion), copied_from_id=criterion.copied_from_id),
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
