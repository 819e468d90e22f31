"""Writing the audit log. Services call `record` inside the same transaction as the change.

A higher area that must react to what people do (the involvement record counts a resident's
ideas, proposals, comments and reviews) registers a listener with `on_record`; it is called with
each new row, in the same transaction, so this module never imports the areas above it.
"""

from collections.abc import Callable, Iterable
from typing import Any

import sqlalchemy as sa

from panel.extensions import db
from panel.models import AuditEvent, User

Listener = Callable[[AuditEvent, User | None], None]
_listeners: list[Listener] = []


def on_record(listener: Listener) -> Listener:
    """Call `listener(event, actor)` for every audit row added from now on (once, however often
    it is registered)."""
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def _row(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    round_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "actor_id": actor.id if actor is not None else None,
        "round_id": round_id,
        "object_type": object_type,
        "object_id": object_id,
        "action": action,
        "before": before,
        "after": after,
    }


def record(
    *,
    actor: User | None,
    action: str,
    object_type: str,
    object_id: int | None = None,
    round_id: int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Add one audit row to the session; it commits (or rolls back) with the change it describes."""
    event = AuditEvent(
        **_row(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            round_id=round_id,
            before=before,
            after=after,
        )
    )
    db.session.add(event)
    for listener in _listeners:
        listener(event, actor)
    return event


def record_many(events: Iterable[dict[str, Any]]) -> None:
    """Insert many audit rows at once (each given as `record`'s arguments), in the current
    transaction: an import's 2,000 rows in one statement instead of 2,000. The `on_record`
    listeners are not called: use it only for staff's bulk work, which no listener counts."""
    rows = [_row(**event) for event in events]
    if rows:
        db.session.execute(sa.insert(AuditEvent), rows)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values differ, for a compact before/after pair."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
