"""The panel meeting's record: notes, decisions with reasons, lottery draws, and export jobs."""

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class Outcome(StrEnum):
    FUND = "fund"
    PART = "part"
    RESERVE = "reserve"
    DECLINE = "decline"


OUTCOME_LABELS = {
    Outcome.FUND: "Fund in full",
    Outcome.PART: "Fund in part",
    Outcome.RESERVE: "Reserve list",
    Outcome.DECLINE: "Decline",
}


class Recommendation(StrEnum):
    """What the panel recommended, kept apart from what staff decided."""

    RECOMMEND = "recommend"
    DO_NOT_RECOMMEND = "do_not_recommend"
    RESERVE = "reserve"


RECOMMENDATION_LABELS = {
    Recommendation.RECOMMEND: "Recommend",
    Recommendation.DO_NOT_RECOMMEND: "Do not recommend",
    Recommendation.RESERVE: "Reserve",
}


class QuorumResolution(StrEnum):
    """How an application the panel did not score enough was settled before Decided."""

    SCORED_AT_MEETING = "scored_at_meeting"
    WITHOUT_SCORE = "without_score"


QUORUM_RESOLUTION_LABELS = {
    QuorumResolution.SCORED_AT_MEETING: "Scored at the meeting",
    QuorumResolution.WITHOUT_SCORE: "Decided without a panel score",
}


class Decision(Model):
    """What was decided for one application, and why (in words written for the applicant)."""

    __tablename__ = "decision"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("outcome IN ('fund', 'part', 'reserve', 'decline')", name="outcome_known"),
        CheckConstraint("status IN ('draft', 'confirmed')", name="status_known"),
        CheckConstraint("amount_awarded_pence >= 0", name="amount_not_negative"),
        CheckConstraint(
            "outcome IN ('fund', 'part') OR amount_awarded_pence = 0", name="no_award_unless_funded"
        ),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint("status = 'draft' OR reason <> ''", name="confirmed_has_reason"),
        CheckConstraint(
            "panel_recommendation IS NULL OR panel_recommendation IN "
            "('recommend', 'do_not_recommend', 'reserve')",
            name="recommendation_known",
        ),
        CheckConstraint(
            "quorum_resolution IS NULL OR quorum_resolution IN "
            "('scored_at_meeting', 'without_score')",
            name="resolution_known",
        ),
        CheckConstraint(
            "quorum_resolution IS NULL OR quorum_note <> ''", name="resolution_has_note"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="RESTRICT"))
    outcome: Mapped[str] = mapped_column(String(10))
    amount_awarded_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    reason: Mapped[str] = mapped_column(Text, default="")
    # Drafts come from "Suggest allocation" or a half-finished meeting; staff confirm them.
    status: Mapped[str] = mapped_column(String(10), default="draft")
    suggested: Mapped[bool] = mapped_column(default=False)
    version: Mapped[int] = mapped_column(default=1)
    decided_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The panel's own recommendation and the chair's note, beside (never instead of) the
    # decision staff record; both go into the exports.
    panel_recommendation: Mapped[str | None] = mapped_column(String(20), default=None)
    chair_note: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Set only for an application below the quorum: how it was settled, and why.
    quorum_resolution: Mapped[str | None] = mapped_column(String(20), default=None)
    quorum_note: Mapped[str] = mapped_column(Text, default="", server_default="")

    decided_by: Mapped[User] = relationship()

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[Outcome(self.outcome)]

    @property
    def recommendation_label(self) -> str:
        if self.panel_recommendation is None:
            return ""
        return RECOMMENDATION_LABELS[Recommendation(self.panel_recommendation)]


class FeedbackComment(Model):
    """Staff's review of one panel comment before it may reach the applicant: included as
    written, included as edited, or left out. The panellist's words stay in their review and the
    audit; only what is included here goes into the feedback export."""

    __tablename__ = "feedback_comment"
    __table_args__ = (
        # One review per comment: "overall", or "c<rubric criterion id>" for a criterion's.
        UniqueConstraint("review_id", "part"),
        CheckConstraint("status IN ('include', 'leave_out')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="RESTRICT"))
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"))
    part: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class MeetingNote(Model):
    """The panel meeting's note on one application."""

    __tablename__ = "meeting_note"
    __table_args__ = (UniqueConstraint("application_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="RESTRICT"))
    body: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LotteryDraw(Model):
    """A seeded draw among the applications tied at the funding line; the seed is recorded first
    so anyone can repeat it. Every draw is kept: the latest is the one in force, and each one
    after the first says why the lots were drawn again."""

    __tablename__ = "lottery_draw"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    seed: Mapped[str] = mapped_column(String(200))
    references: Mapped[list[Any]] = mapped_column(JSON)
    order: Mapped[list[Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="", server_default="")
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    drawn_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    drawn_by: Mapped[User] = relationship()


class ExportJob(Model):
    """A long export made in the background; its state lives here so any worker can serve it."""

    __tablename__ = "export_job"
    __table_args__ = (
        CheckConstraint(
            "status IN ('queued', 'running', 'done', 'failed', 'deleted')", name="status_known"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    format: Mapped[str] = mapped_column(String(20))
    anonymise: Mapped[bool] = mapped_column(default=False)
    # queued -> running -> done (the file kept here) or failed; a done job's file is deleted
    # (status "deleted") when an applicant's personal data in the round is erased.
    status: Mapped[str] = mapped_column(String(10), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    filename: Mapped[str | None] = mapped_column(String(200), default=None)
    content: Mapped[bytes | None] = mapped_column(LargeBinary, default=None, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # Written every few seconds by whatever runs the job, in short transactions of its own: a
    # job queued or running that has not been heard from for a minute is dead (its worker was
    # killed, restarted or lost its database), whatever ran it (panel.results.exports.liveness).
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
