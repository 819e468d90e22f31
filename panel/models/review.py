"""A panellist's review of one application: a score per adopted scored criterion."""

from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class ReviewStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


# A review's scores kept on its row as well as in its Score rows (issue 20, target 4): one byte
# per scored criterion of the review's rubric, in the rubric's order, the score itself or
# NO_SCORE where there is none (scales run within 0..10). The results read every submitted
# review of a round at a worker's first view; reading these bytes is one scan of the round's
# reviews instead of one index lookup per review into 170,000 score rows (PostgreSQL: about
# 70 ms of a 150 ms budget at 500 x 30 x 12). The bytes count only while score_pack_version
# equals version: every change to a review's scores bumps its version (the results' memory
# relies on that already), so a writer that changes scores without remaking the bytes leaves
# them stale, and the results then read that review's Score rows instead.
NO_SCORE = 255


def pack_scores(values: Iterable[int | None]) -> bytes:
    """A review's scores in rubric order as bytes: the score, or NO_SCORE where there is none."""
    return bytes(NO_SCORE if value is None else value for value in values)


class Review(Model):
    __tablename__ = "review"
    __table_args__ = (
        # One review per panellist per application.
        UniqueConstraint("application_id", "panellist_id"),
        CheckConstraint("status IN ('draft', 'submitted')", name="status_known"),
        CheckConstraint("status = 'draft' OR submitted_at IS NOT NULL", name="submitted_has_time"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[int] = mapped_column(
        ForeignKey("application.id", ondelete="RESTRICT"), index=True
    )
    panellist_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    rubric_id: Mapped[int] = mapped_column(ForeignKey("rubric.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.DRAFT)
    overall_comment: Mapped[str] = mapped_column(Text, default="")
    # Bumped by every save: a form from an older version is stale (a clear message, no overwrite).
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The scores as bytes (pack_scores), made at score_pack_version: see NO_SCORE above.
    score_pack: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    score_pack_version: Mapped[int | None] = mapped_column(default=None)
    # Scores changed after first submission (during scoring or at the panel meeting).
    revised: Mapped[bool] = mapped_column(default=False)
    # Staff who typed in a paper or phone review for the panellist.
    entered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )

    panellist: Mapped[User] = relationship(foreign_keys=[panellist_id])
    entered_by: Mapped[User | None] = relationship(foreign_keys=[entered_by_id])
    scores: Mapped[list["Score"]] = relationship(back_populates="review", order_by="Score.id")


class Score(Model):
    __tablename__ = "score"
    __table_args__ = (
        # One score per review per criterion.
        UniqueConstraint("review_id", "rubric_criterion_id"),
        # Scales run within 0..10; the service checks the round's own scale.
        CheckConstraint("value IS NULL OR (value >= 0 AND value <= 10)", name="value_range"),
        # A review's scores straight from the index, never the table's rows (which carry the
        # comments): the results read every submitted review's scores on a worker's first view
        # (issue 20; 59 -> 46 ms at 500 x 30 x 12 on SQLite). It also serves every lookup by
        # review, so there is no index on review_id alone.
        Index("ix_score_review_values", "review_id", "rubric_criterion_id", "value"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    rubric_criterion_id: Mapped[int] = mapped_column(
        ForeignKey("rubric_criterion.id", ondelete="RESTRICT")
    )
    # None while a draft has no score for this criterion yet: never 0.
    value: Mapped[int | None] = mapped_column(default=None)
    comment: Mapped[str] = mapped_column(Text, default="")

    review: Mapped[Review] = relationship(back_populates="scores")
