"""People before and around their account: "Join in" requests, each person's record of how to
reach them and what they need (staff only, erasable), and their agreement to the code of conduct.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class ContactWay(StrEnum):
    EMAIL = "email"
    PHONE = "phone"
    TEXT = "text"
    IN_PERSON = "in_person"
    LETTER = "letter"


CONTACT_WAY_LABELS = {
    ContactWay.EMAIL: "Email",
    ContactWay.PHONE: "A phone call",
    ContactWay.TEXT: "A text message",
    ContactWay.IN_PERSON: "In person, at the office or a meeting",
    ContactWay.LETTER: "A letter by post",
}
_WAYS_SQL = ", ".join(f"'{w.value}'" for w in ContactWay)


class JoinStatus(StrEnum):
    NEW = "new"
    INVITED = "invited"
    DECLINED = "declined"


class JoinRequest(Model):
    """A resident asked to take part through the public "Join in" page. Only staff see it.

    Once staff invite the person (their details move to the account's `PersonDetails`) or
    decline, the personal fields are emptied and `erased_at` says when."""

    __tablename__ = "join_request"
    __table_args__ = (
        CheckConstraint("status IN ('new', 'invited', 'declined')", name="status_known"),
        CheckConstraint(f"preferred_contact IN ('', {_WAYS_SQL})", name="contact_way_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    preferred_contact: Mapped[str] = mapped_column(String(20), default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[str] = mapped_column(String(20), default=JoinStatus.NEW, index=True)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    handled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)


class JoinAttempt(Model):
    """One "Join in" form sent from an address, counted by the rate limit."""

    __tablename__ = "join_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class PersonDetails(Model):
    """How to reach a person and what they need: staff only (and the person), erasable."""

    __tablename__ = "person_details"
    __table_args__ = (
        CheckConstraint(f"preferred_contact IN ('', {_WAYS_SQL})", name="contact_way_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    phone: Mapped[str] = mapped_column(String(40), default="")
    preferred_contact: Mapped[str] = mapped_column(String(20), default="")
    access_needs: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[str] = mapped_column(String(200), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    @property
    def is_empty(self) -> bool:
        return not (self.phone or self.preferred_contact or self.access_needs or self.languages)


class ConductAgreement(Model):
    """A person agreed to the panel's code of conduct and confidentiality, on this date.

    `conduct_version` is the wording they agreed to (`Fund.conduct_version`); `on_paper` marks an
    agreement staff recorded from a signed paper copy."""

    __tablename__ = "conduct_agreement"
    __table_args__ = (CheckConstraint("conduct_version >= 0", name="version_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        ForeignKey("user_account.id", ondelete="CASCADE"), unique=True
    )
    agreed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    conduct_version: Mapped[int] = mapped_column(default=0)
    on_paper: Mapped[bool] = mapped_column(default=False)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    user: Mapped[User] = relationship(foreign_keys=[user_id])
