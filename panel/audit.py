"""Writing the audit log. Services call `record` inside the same transaction as the change.

A higher area that must react to what people do (the involvement record counts a resident's
proposals, comments and reviews) registers a listener with `on_record`; it is called with each
new row, in the same transaction, so this module never imports the areas above it.
"""

from collections.abc import Callable
from typing import Any

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
        actor_id=actor.id if actor is not None else None,
        round_id=round_id,
        object_type=object_type,
        object_id=object_id,
        action=action,
        before=before,
        after=after,
    )
    db.session.add(event)
    for listener in _listeners:
        listener(event, actor)
    return event


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keep only the keys whose values differ, for a compact before/after pair."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}
