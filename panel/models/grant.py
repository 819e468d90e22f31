"""After the award: the grant offer, the group's acceptance, payments, the end-of-grant report
with its photos, and the private links a group uses (no account) to accept and to report."""

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.application import Application
from panel.models.types import UTCDateTime, utcnow


class GrantTerms(Model):
    """A round's standard grant conditions (each offer starts from them) and whether its
    "What we funded" page is public."""

    __tablename__ = "grant_terms"
    __table_args__ = (CheckConstraint("version >= 1", name="version_positive"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), primary_key=True
    )
    conditions: Mapped[str] = mapped_column(Text, default="")
    funded_published: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Grant(Model):
    """The offer made for one confirmed award, and its acceptance by the group."""

    __tablename__ = "grant_offer"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("version >= 1", name="version_positive"),
        CheckConstraint(
            "planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start",
            name="planned_in_order",
        ),
        CheckConstraint(
            "accepted_at IS NULL OR (accepted_name <> '' AND accepted_role <> '')",
            name="accepted_by_someone",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    application_id: Mapped[int] = mapped_column(ForeignKey("application.id", ondelete="RESTRICT"))
    decision_id: Mapped[int] = mapped_column(ForeignKey("decision.id", ondelete="RESTRICT"))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    conditions: Mapped[str] = mapped_column(Text, default="")
    planned_start: Mapped[date | None] = mapped_column(Date, default=None)
    planned_end: Mapped[date | None] = mapped_column(Date, default=None)
    report_due_on: Mapped[date] = mapped_column(Date)
    offered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    offered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    accepted_name: Mapped[str] = mapped_column(String(120), default="")
    accepted_role: Mapped[str] = mapped_column(String(120), default="")
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    version: Mapped[int] = mapped_column(default=1)

    application: Mapped[Application] = relationship()


class GrantPayment(Model):
    """One payment of a grant, as staff record it."""

    __tablename__ = "grant_payment"
    __table_args__ = (CheckConstraint("amount_pence > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("grant_offer.id", ondelete="CASCADE"), index=True
    )
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str] = mapped_column(String(60), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ReportStatus:
    SUBMITTED = "submitted"
    MORE_NEEDED = "more_needed"
    ACCEPTED = "accepted"


class GrantReport(Model):
    """The group's end-of-grant report and staff's review of it (one per grant; asking for more
    lets the group send it again through a new link)."""

    __tablename__ = "grant_report"
    __table_args__ = (
        UniqueConstraint("grant_id"),
        CheckConstraint("status IN ('submitted', 'more_needed', 'accepted')", name="status_known"),
        CheckConstraint("people_count >= 0", name="people_not_negative"),
        CheckConstraint("spent_pence >= 0", name="spent_not_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(ForeignKey("grant_offer.id", ondelete="CASCADE"))
    what_happened: Mapped[str] = mapped_column(Text, default="")
    people_count: Mapped[int] = mapped_column(default=0)
    story: Mapped[str] = mapped_column(Text, default="")
    differently: Mapped[str] = mapped_column(Text, default="")
    spending: Mapped[str] = mapped_column(Text, default="")
    spent_pence: Mapped[int] = mapped_column(BigInteger, default=0)
    status: Mapped[str] = mapped_column(String(12), default=ReportStatus.SUBMITTED)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    review_note: Mapped[str] = mapped_column(Text, default="")
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    reviewed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    version: Mapped[int] = mapped_column(default=1)

    photos: Mapped[list["GrantPhoto"]] = relationship(order_by="GrantPhoto.id")


class GrantPhoto(Model):
    """A photo sent with a report: a PNG or JPEG checked by its content, kept in the database."""

    __tablename__ = "grant_photo"
    __table_args__ = (
        CheckConstraint("content_type IN ('image/png', 'image/jpeg')", name="type_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(
        ForeignKey("grant_report.id", ondelete="CASCADE"), index=True
    )
    content_type: Mapped[str] = mapped_column(String(20))
    size: Mapped[int] = mapped_column()
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class GrantLink(Model):
    """A private link for a group: to accept one offer, or to send one report. Only the
    SHA-256 of its token is kept; it works once, and not after it expires."""

    __tablename__ = "grant_link"
    __table_args__ = (CheckConstraint("purpose IN ('accept', 'report')", name="purpose_known"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    grant_id: Mapped[int] = mapped_column(
        ForeignKey("grant_offer.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
