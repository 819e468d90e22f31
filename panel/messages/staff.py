"""What staff do with the outbox: read it, send a failed or held message again, and mark a
letter posted or a call made."""

from dataclasses import dataclass

from panel.audit import record
from panel.extensions import db
from panel.messages.outbox import MessageError, mail_configured
from panel.messages.sending import send_later
from panel.models import Message, MessageStatus, User
from panel.models.types import utcnow

RESENDABLE = (MessageStatus.FAILED, MessageStatus.HELD)


@dataclass(frozen=True)
class Outbox:
    """The outbox as staff read it: email, the print queue and the call list."""

    emails: list[Message]
    letters: list[Message]
    calls: list[Message]
    mail_configured: bool


def outbox(*, limit: int = 200) -> Outbox:
    """The latest messages of each way, newest first (the letters and calls still to do first)."""

    def latest(*statuses: str, done: bool = False) -> list[Message]:
        query = db.select(Message).where(Message.status.in_(statuses))
        return list(db.session.execute(query.order_by(Message.id.desc()).limit(limit)).scalars())

    emails = latest(
        *(
            s
            for s in MessageStatus
            if s not in (MessageStatus.TO_PRINT, MessageStatus.TO_CALL, MessageStatus.DONE)
        )
    )
    emails = [m for m in emails if m.channel == "email"]
    return Outbox(
        emails=emails,
        letters=latest(MessageStatus.TO_PRINT),
        calls=latest(MessageStatus.TO_CALL),
        mail_configured=mail_configured(),
    )


def resend(*, message: Message, actor: User) -> None:
    """Queue a failed or held email again, with a fresh set of tries (staff only)."""
    if message.status not in RESENDABLE:
        raise MessageError("Only a message that was not sent can be sent again.")
    if not mail_configured():
        raise MessageError(
            "No mail server is set up, so it cannot be sent. Pass the message on by hand."
        )
    if not message.to_address:
        raise MessageError("We have no email address for this person.")
    before = message.status
    message.status, message.attempts, message.next_attempt_at = MessageStatus.QUEUED, 0, None
    record(
        actor=actor,
        action="message.resent",
        object_type="message",
        object_id=message.id,
        round_id=message.round_id,
        before={"status": before},
        after={"status": message.status},
    )
    db.session.flush()
    send_later(message.id)


def mark_done(*, message: Message, actor: User) -> None:
    """A letter was printed and posted, or the call was made (staff only)."""
    if message.status not in (MessageStatus.TO_PRINT, MessageStatus.TO_CALL):
        raise MessageError("This message is not waiting to be printed or phoned.")
    before = message.status
    message.status, message.sent_at, message.link = MessageStatus.DONE, utcnow(), None
    record(
        actor=actor,
        action="message.done_by_hand",
        object_type="message",
        object_id=message.id,
        round_id=message.round_id,
        before={"status": before},
        after={"status": message.status},
    )
