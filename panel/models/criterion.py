"""Criteria as the panel co-designs them: proposals, their versions, comments, supports, weights.

A criterion here is a living proposal. Adopting a set copies it into a frozen rubric
(`panel.models.rubric`), which is what scoring uses.
"""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class CriterionKind(StrEnum):
    SCORED = "scored"
    ELIGIBILITY = "eligibility"


class Criterion(Model):
    __tablename__ = "criterion"
    __table_args__ = (
        CheckConstraint("kind IN ('scored', 'eligibility')", name="kind_known"),
        CheckConstraint(
            "fixed = false OR (fixed_reason IS NOT NULL AND fixed_reason <> '')",
            name="fixed_has_reason",
        ),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")
    # True: "why it matters" is shared with staff only (the proposer and staff read it).
    why_private: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(20), default=CriterionKind.SCORED)
    # What each level of the round's scale looks like: {"0": "...", "1": "...", ...}.
    descriptors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # Bumped by every edit: a form carrying an older number is stale (409, never overwrite).
    version: Mapped[int] = mapped_column(default=1)
    proposed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    shortlisted: Mapped[bool] = mapped_column(default=False)
    fixed: Mapped[bool] = mapped_column(default=False)
    fixed_reason: Mapped[str | None] = mapped_column(Text, default=None)
    fixed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    copied_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("criterion.id", ondelete="SET NULL"), default=None
    )
    # Removed from discussion; never deleted.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Why staff took a resident's proposal out of the discussion: everyone on the panel sees it.
    removed_reason: Mapped[str | None] = mapped_column(Text, default=None)
    archived_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )

    proposed_by: Mapped[User] = relationship(foreign_keys=[proposed_by_id])
    fixed_by: Mapped[User | None] = relationship(foreign_keys=[fixed_by_id])
    versions: Mapped[list["CriterionVersion"]] = relationship(
        back_populates="criterion", order_by="CriterionVersion.number"
    )
    comments: Mapped[list["CriterionComment"]] = relationship(
        back_populates="criterion", order_by="CriterionComment.id"
    )


class CriterionVersion(Model):
    """The wording of a criterion as it stood after each edit (number 1 is the proposal)."""

    __tablename__ = "criterion_version"
    __table_args__ = (UniqueConstraint("criterion_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    number: Mapped[int] = mapped_column()
    title: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")
    why_private: Mapped[bool] = mapped_column(default=False)
    kind: Mapped[str] = mapped_column(String(20))
    descriptors: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    edited_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    criterion: Mapped[Criterion] = relationship(back_populates="versions")
    edited_by: Mapped[User] = relationship()


class CriterionComment(Model):
    """A comment on a criterion. Private: only its author and staff read it. Hidden by staff:
    the text is gone from here (the audit log keeps it) and the author sees the reason."""

    __tablename__ = "criterion_comment"
    __table_args__ = (
        CheckConstraint(
            "hidden_at IS NULL OR (hidden_reason IS NOT NULL AND hidden_reason <> '')",
            name="hidden_has_reason",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(
        ForeignKey("criterion.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text)
    private: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Hidden by staff (the audit log says who, and keeps the words).
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    hidden_reason: Mapped[str | None] = mapped_column(Text, default=None)

    criterion: Mapped[Criterion] = relationship(back_populates="comments")
    author: Mapped[User] = relationship()


class CriterionSupport(Model):
    """One member's support for a criterion; withdrawing keeps the row (withdrawn_at)."""

    __tablename__ = "criterion_support"
    __table_args__ = (UniqueConstraint("criterion_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)

    user: Mapped[User] = relationship()


class WeightShare(Model):
    """The points (out of 100) one member gives one shortlisted scored criterion."""

    __tablename__ = "weight_share"
    __table_args__ = (
        UniqueConstraint("criterion_id", "user_id"),
        CheckConstraint("points >= 0 AND points <= 100", name="points_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    criterion_id: Mapped[int] = mapped_column(ForeignKey("criterion.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    points: Mapped[int] = mapped_column()
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Boundary(Model):
    """A non-negotiable of the round that is not a criterion (e.g. the award range)."""

    __tablename__ = "boundary"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
