"""The outbox: every message to a person is a row first, written in the same transaction as the
action that causes it, then sent by the task queue (panel/messages/)."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    LETTER = "letter"
    PHONE = "phone"


class MessageStatus(StrEnum):
    QUEUED = "queued"  # waiting for the queue (or for its next try after a failure)
    SENDING = "sending"  # a worker has taken it and is talking to the mail server
    SENT = "sent"
    FAILED = "failed"  # every try failed: staff may resend it
    HELD = "held"  # no mail server is set up: staff pass it on by hand
    TO_PRINT = "to_print"  # the person prefers a letter
    TO_CALL = "to_call"  # the person prefers a phone call
    DONE = "done"  # staff printed and posted the letter, or made the call


MESSAGE_STATUS_LABELS = {
    MessageStatus.QUEUED: "Waiting to be sent",
    MessageStatus.SENDING: "Being sent",
    MessageStatus.SENT: "Sent",
    MessageStatus.FAILED: "Not sent: the mail server refused it or could not be reached",
    MessageStatus.HELD: "Not sent: no mail server is set up",
    MessageStatus.TO_PRINT: "To print and post",
    MessageStatus.TO_CALL: "To phone",
    MessageStatus.DONE: "Done by hand",
}
_STATUS_SQL = ", ".join(f"'{s.value}'" for s in MessageStatus)
_CHANNEL_SQL = ", ".join(f"'{c.value}'" for c in Channel)


class Message(Model):
    __tablename__ = "message"
    __table_args__ = (
        CheckConstraint(f"status IN ({_STATUS_SQL})", name="status_known"),
        CheckConstraint(f"channel IN ({_CHANNEL_SQL})", name="channel_known"),
        CheckConstraint("attempts >= 0", name="attempts_not_negative"),
        CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name="sent_when"),
        Index("ix_message_status_due", "status", "next_attempt_at"),
        Index("ix_message_recipient_kind", "recipient_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(10), default=Channel.EMAIL)
    recipient_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_round.id", ondelete="CASCADE"), default=None, index=True
    )
    application_id: Mapped[int | None] = mapped_column(
        ForeignKey("application.id", ondelete="CASCADE"), default=None, index=True
    )
    to_name: Mapped[str] = mapped_column(String(120), default="")
    to_address: Mapped[str] = mapped_column(String(254), default="")
    subject: Mapped[str] = mapped_column(String(200))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    # A single-use link the message carries (an invitation, a password reset): kept apart from
    # the bodies, which hold a placeholder, and forgotten once the message has gone.
    link: Mapped[str | None] = mapped_column(Text, default=None)
    status: Mapped[str] = mapped_column(String(10), default=MessageStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    # The same Message-ID on every try: a receiving server that got a try we could not confirm
    # sees the retry as the same message.
    message_id: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )

    @property
    def status_label(self) -> str:
        return MESSAGE_STATUS_LABELS[MessageStatus(self.status)]


class MessageWording(Model):
    """A round's own wording for one kind of message (panel/messages/wording.py has the usual
    wording): staff edit it on the round's Messages page."""

    __tablename__ = "message_wording"
    __table_args__ = (UniqueConstraint("round_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("funding_round.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    subject: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None
    )
