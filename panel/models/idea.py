"""Ideas for the fund (co-initiation): what residents would like it to support, across rounds.

Residents post ideas, support them and comment; staff answer each with a status everyone sees;
a round lists the ideas it responds to (`RoundIdea`), and a proposed criterion may start from one.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class IdeaStatus(StrEnum):
    NEW = "new"
    CONSIDERING = "considering"
    TAKEN = "taken"
    NOT_NOW = "not_now"

    @property
    def label(self) -> str:
        return IDEA_STATUS_LABELS[self]


IDEA_STATUS_LABELS = {
    IdeaStatus.NEW: "Waiting for an answer",
    IdeaStatus.CONSIDERING: "Under consideration",
    IdeaStatus.TAKEN: "Taken into a round",
    IdeaStatus.NOT_NOW: "Not now",
}
_STATUS_SQL = ", ".join(f"'{s.value}'" for s in IdeaStatus)


class Idea(Model):
    __tablename__ = "idea"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_known"),
        CheckConstraint(
            "status <> 'not_now' OR (status_reason IS NOT NULL AND status_reason <> '')",
            name="not_now_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(120))
    why: Mapped[str] = mapped_column(Text)
    # True: "why it matters" is shared with staff only (the author and staff read it).
    why_private: Mapped[bool] = mapped_column(default=False)
    where: Mapped[str] = mapped_column(String(200), default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), default=IdeaStatus.NEW, index=True)
    # Staff's words to everyone about the status (needed for "not now").
    status_reason: Mapped[str | None] = mapped_column(Text, default=None)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    answered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )

    author: Mapped[User] = relationship(foreign_keys=[author_id])

    @property
    def current_status(self) -> IdeaStatus:
        return IdeaStatus(self.status)


class IdeaSupport(Model):
    """One person's support for an idea; withdrawing keeps the row (withdrawn_at)."""

    __tablename__ = "idea_support"
    __table_args__ = (UniqueConstraint("idea_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class IdeaComment(Model):
    """A comment on an idea. Private: only its author and staff read it. Hidden by staff: the
    text is gone from here (the audit log keeps it) and the author sees the reason."""

    __tablename__ = "idea_comment"
    __table_args__ = (
        CheckConstraint(
            "hidden_at IS NULL OR (hidden_reason IS NOT NULL AND hidden_reason <> '')",
            name="hidden_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    private: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Hidden by staff (the audit log says who, and keeps the words).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    hidden_reason: Mapped[str | None] = mapped_column(Text, default=None)

    author: Mapped[User] = relationship()


class RoundIdea(Model):
    """A round responds to an idea: staff chose it when they created or changed the round.
    Taking it out keeps the row (removed_at) for the history."""

    __tablename__ = "round_idea"
    __table_args__ = (UniqueConstraint("round_id", "idea_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    added_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class CriterionIdea(Model):
    """A proposed criterion started from an idea; the record of how criteria were agreed says so."""

    __tablename__ = "criterion_idea"

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), unique=True
    )
    idea_id: Mapped[int] = mapped_column(ForeignKey("idea.id", ondelete="CASCADE"), index=True)
