"""What is open at the round's stage, and who may do what to a criterion: each rule says why not."""

from panel.codesign.services.errors import Closed, NotAllowed
from panel.extensions import db
from panel.models import (
    Criterion,
    CriterionKind,
    FundingRound,
    PanelRole,
    Review,
    ReviewStatus,
    Stage,
    User,
)
from panel.notes import may_read
from panel.panels import membership

FIXED_PREFIX = "Fixed by staff:"


# ------------------------------------------------------------------ the rubric lock


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


# ------------------------------------------------------------------ "why it matters"


def may_read_why(criterion: Criterion, user: User) -> bool:
    """Whether the person may read the criterion's "why it matters" (`panel.notes.may_read`)."""
    return may_read(author_id=criterion.proposed_by_id, private=criterion.why_private, viewer=user)


def owns_why(criterion: Criterion, user: User) -> bool:
    """The proposer and staff choose whether "why it matters" is shared with staff only."""
    return user.is_staff or criterion.proposed_by_id == user.id


# ------------------------------------------------------------------ a complete criterion


def missing_parts(criterion: Criterion, round_: FundingRound) -> list[str]:
    """What is still to write before the criterion can be shortlisted or adopted: what it means
    and, for a scored one, what each level of the round's scale looks like. A proposal may be
    posted with a title and why it matters only; anyone on the panel completes it later."""
    missing = []
    if not (criterion.description or "").strip():
        missing.append("what it means")
    if criterion.kind == CriterionKind.SCORED:
        written = criterion.descriptors or {}
        missing += [
            f"what a {level} looks like"
            for level in round_.scale_levels
            if not str(written.get(str(level), "")).strip()
        ]
    return missing


def incomplete(criterion: Criterion, round_: FundingRound) -> str | None:
    """Why the criterion cannot be shortlisted or adopted yet (None when it is complete)."""
    missing = missing_parts(criterion, round_)
    if not missing:
        return None
    if len(missing) > 3:
        listed = f"{', '.join(missing[:2])} and {len(missing) - 2} more"
    elif len(missing) > 1:
        listed = f"{', '.join(missing[:-1])} and {missing[-1]}"
    else:
        listed = missing[0]
    return f"“{criterion.title}” still needs {listed}. Anyone on the panel can write it."


def require_open(round_: FundingRound) -> None:
    """Refuse (Closed) unless the discussion is open: the services' form of `discussion_closed`."""
    reason = discussion_closed(round_)
    if reason:
        raise Closed(reason)


def require_staff_open(round_: FundingRound, actor: User) -> None:
    """Refuse unless the actor is staff and staff changes are still open."""
    if not actor.is_staff:
        raise NotAllowed("Only staff can do this.")
    reason = staff_changes_closed(round_)
    if reason:
        raise Closed(reason)
