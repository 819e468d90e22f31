"""The append-only audit log: who changed what, when, from what, to what."""

from datetime import datetime
from typing import Any

from sqlalchemy import DDL, JSON, ForeignKey, String, event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class AuditEvent(Model):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), default=None, index=True
    )
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[int | None] = mapped_column(default=None)
    action: Mapped[str] = mapped_column(String(60))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)

    actor: Mapped[User | None] = relationship()


# The log is append-only in the database itself, not only in the app. Migration 0001 creates the
# same triggers; this covers schemas made with create_all (tests and fresh installs' checks).
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER audit_event_no_{verb.lower()} BEFORE {verb} ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_POSTGRES_TRIGGERS = [
    "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
for _sql in _SQLITE_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in _POSTGRES_TRIGGERS:
    event.listen(AuditEvent.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
event.listen(
    AuditEvent.__table__,
    "before_drop",
    DDL("DROP FUNCTION IF EXISTS audit_event_append_only() CASCADE").execute_if(
        dialect="postgresql"
    ),
)
