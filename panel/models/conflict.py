"""Declared conflicts of interest: a recused panellist has no review of that application."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class ConflictKind(StrEnum):
    MEMBER = "member"
    FAMILY = "family"
    NEIGHBOUR = "neighbour"
    HELPED = "helped"
    OTHER = "other"


CONFLICT_KIND_LABELS = {
    ConflictKind.MEMBER: "I am a member, trustee or volunteer of the group",
    ConflictKind.FAMILY: "A family member or close friend is involved",
    ConflictKind.NEIGHBOUR: "A neighbour or landlord relationship",
    ConflictKind.HELPED: "I helped write the application",
    ConflictKind.OTHER: "Something else",
}


class Conflict(Model):
    __tablename__ = "conflict"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('member', 'family', 'neighbour', 'helped', 'other')", name="kind_known"
        ),
        CheckConstraint(
            "withdrawn_at IS NULL OR (withdrawn_reason IS NOT NULL AND withdrawn_reason <> '')",
            name="withdrawal_has_reason",
        ),
        # At most one standing declaration per panellist and application.
        Index(
            "uq_conflict_standing",
            "application_id",
            "panellist_id",
            unique=True,
            sqlite_where=text("withdrawn_at IS NULL"),
            postgresql_where=text("withdrawn_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="RESTRICT"))
    panellist_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    declared_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    withdrawn_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    withdrawn_reason: Mapped[str | None] = mapped_column(Text, default=None)

    panellist: Mapped[User] = relationship(foreign_keys=[panellist_id])
    declared_by: Mapped[User] = relationship(foreign_keys=[declared_by_id])

    @property
    def kind_label(self) -> str:
        return CONFLICT_KIND_LABELS[ConflictKind(self.kind)]
