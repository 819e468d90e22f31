"""Panel meetings: when and where, and who came (the attendance register)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow
from panel.models.user import User


class Attendance(StrEnum):
    IN_PERSON = "in_person"
    PHONE = "phone"
    APOLOGIES = "apologies"

    @property
    def label(self) -> str:
        return ATTENDANCE_LABELS[self]

    @property
    def present(self) -> bool:
        """In person or by phone: counts towards the quorum and the involvement record."""
        return self is not Attendance.APOLOGIES


ATTENDANCE_LABELS = {
    Attendance.IN_PERSON: "Present in person",
    Attendance.PHONE: "Present by phone or online",
    Attendance.APOLOGIES: "Sent apologies",
}


class PanelMeeting(Model):
    """A meeting of a round's panel: its date, its place (or by phone / online), its quorum."""

    __tablename__ = "panel_meeting"
    __table_args__ = (
        CheckConstraint("remote OR place <> ''", name="has_a_place"),
        CheckConstraint("length_minutes >= 15 AND length_minutes <= 720", name="length_range"),
        CheckConstraint("quorum >= 1", name="quorum_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True
    )
    held_on: Mapped[date] = mapped_column()
    place: Mapped[str] = mapped_column(String(200), default="")
    remote: Mapped[bool] = mapped_column(default=False)
    length_minutes: Mapped[int] = mapped_column(default=120)
    quorum: Mapped[int] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    attendance: Mapped[list["MeetingAttendance"]] = relationship(
        back_populates="meeting", order_by="MeetingAttendance.id"
    )

    @property
    def where(self) -> str:
        """The place in words: "Community Room, Beeston", "By phone / online", or both."""
        if self.remote and self.place:
            return f"{self.place}, or by phone / online"
        return self.place or "By phone / online"


class MeetingAttendance(Model):
    """One panel member's line in a meeting's register."""

    __tablename__ = "meeting_attendance"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        CheckConstraint("status IN ('in_person', 'phone', 'apologies')", name="status_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("panel_meeting.id", ondelete="RESTRICT"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="RESTRICT"))
    status: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[PanelMeeting] = relationship(back_populates="attendance")
    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def attendance(self) -> Attendance:
        return Attendance(self.status)
