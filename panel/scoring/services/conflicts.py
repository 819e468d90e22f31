"""Conflicts of interest: declaring one (a panellist, or staff for them) and withdrawing a
mistaken one (staff, with a reason).

A standing declaration recuses the panellist. Nothing is deleted: a review they already have
stays in the database but is set aside (not counted, not shown to others) while it stands.
"""

from typing import Any

from sqlalchemy.exc import IntegrityError

from panel.audit import record
from panel.extensions import db
from panel.models import Application, Conflict, ConflictKind, FundingRound, User
from panel.models.types import utcnow
from panel.scoring.services.errors import ConflictError, NotFound
from panel.scoring.services.lookups import (
    check_scorable,
    find_review,
    panel_member,
    standing_conflict,
)
from panel.scoring.services.rules import (
    DECIDED_TEXT,
    conflict_refusal,
    staff_acting_for,
    withdrawals_open,
)

ALREADY_DECLARED_TEXT = "A conflict of interest is already declared on this application."


def declare_conflict(
    *,
    round_: FundingRound,
    application: Application,
    panellist: User,
    kind: ConflictKind,
    note: str,
    actor: User,
) -> Conflict:
    """Record that the panellist has a conflict on the application (themselves, or staff for them).

    Nothing is deleted: a review they already have stays in the database but is set aside
    (not counted, not shown to others) while the declaration stands.
    """
    staff_acting_for(actor=actor, panellist=panellist)
    refused = conflict_refusal(round_)
    if refused:
        raise ConflictError(refused)
    panel_member(round_, panellist)
    check_scorable(round_, application)
    if standing_conflict(application_id=application.id, panellist_id=panellist.id):
        raise ConflictError(ALREADY_DECLARED_TEXT)
    review = find_review(application_id=application.id, panellist_id=panellist.id)
    conflict = Conflict(
        round_id=round_.id,
        application_id=application.id,
        panellist_id=panellist.id,
        kind=kind,
        note=note,
        declared_by_id=actor.id,
        declared_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(conflict)
            db.session.flush()
    except IntegrityError:
        raise ConflictError(ALREADY_DECLARED_TEXT) from None
    after: dict[str, Any] = {
        "application_id": application.id,
        "reference": application.reference,
        "panellist_id": panellist.id,
        "kind": str(kind),
        "note": note,
    }
    if review is not None:
        after["review_set_aside"] = {"review_id": review.id, "status": review.status}
    record(
        actor=actor,
        action="conflict.declared",
        object_type="conflict",
        object_id=conflict.id,
        round_id=round_.id,
        after=after,
    )
    return conflict


def withdraw_conflict(*, conflict: Conflict, reason: str, actor: User) -> None:
    """Staff withdraw a mistaken declaration, with a reason; the panellist can score it again."""
    if not actor.is_staff:
        raise NotFound("Only staff can withdraw a declaration.")
    if conflict.withdrawn_at is not None:
        raise ConflictError("This declaration has already been withdrawn.")
    reason = reason.strip()
    if not reason:
        raise ConflictError("Enter why this declaration is being withdrawn")
    round_ = db.session.get(FundingRound, conflict.round_id)
    if round_ is None or not withdrawals_open(round_):
        raise ConflictError(DECIDED_TEXT)
    conflict.withdrawn_at = utcnow()
    conflict.withdrawn_by_id = actor.id
    conflict.withdrawn_reason = reason
    record(
        actor=actor,
        action="conflict.withdrawn",
        object_type="conflict",
        object_id=conflict.id,
        round_id=conflict.round_id,
        before={"withdrawn": False},
        after={
            "withdrawn": True,
            "reason": reason,
            "application_id": conflict.application_id,
            "panellist_id": conflict.panellist_id,
        },
    )


def conflicts_register(round_: FundingRound) -> list[Conflict]:
    """Every declaration in the round, standing and withdrawn, newest first."""
    return list(
        db.session.execute(
            db.select(Conflict)
            .where(Conflict.round_id == round_.id)
            .order_by(Conflict.declared_at.desc(), Conflict.id.desc())
        ).scalars()
    )
