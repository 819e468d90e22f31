"""What staff do with the outbox: read it, send a failed or held message again, and mark a
letter posted or a call made."""

from dataclasses import dataclass

from panel.audit import record
from panel.extensions import db
from panel.messages.outbox import MessageError, mail_configured, wording_for
from panel.messages.sending import send_later
from panel.messages.wording import KINDS, LINK_MARK, fill, single_line
from panel.models import FundingRound, Message, MessageStatus, MessageWording, User
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


def round_wordings(round_: FundingRound) -> dict[str, tuple[str, str, bool]]:
    """Each kind's subject and text for the round, and whether the round has its own."""
    own = {
        w.kind: w
        for w in db.session.execute(
            db.select(MessageWording).where(MessageWording.round_id == round_.id)
        ).scalars()
    }
    return {
        kind: (own[kind].subject, own[kind].text, True)
        if kind in own
        else (usual.subject, usual.text, False)
        for kind, usual in KINDS.items()
    }


def save_wording(
    *, round_: FundingRound, kind: str, subject: str, text: str, actor: User
) -> MessageWording:
    """Set the round's wording of one kind of message (staff only). A kind that carries a
    password link must keep its $link."""
    if kind not in KINDS:
        raise MessageError("There is no such kind of message.")
    subject, text = single_line(subject), text.replace("\r\n", "\n").strip()
    if not subject or not text:
        raise MessageError("Enter a subject and the message.")
    if KINDS[kind].has_link and "$link" not in text:
        raise MessageError("Keep $link in the message: it is where the person's link goes.")
    before_subject, before_text = wording_for(round_.id, kind)
    row = db.session.execute(
        db.select(MessageWording).where(
            MessageWording.round_id == round_.id, MessageWording.kind == kind
        )
    ).scalar_one_or_none()
    if row is None:
        row = MessageWording(round_id=round_.id, kind=kind, subject=subject, text=text)
        db.session.add(row)
    row.subject, row.text, row.updated_by_id, row.updated_at = subject, text, actor.id, utcnow()
    db.session.flush()
    record(
        actor=actor,
        action="message.wording_changed",
        object_type="round",
        object_id=round_.id,
        round_id=round_.id,
        before={"kind": kind, "subject": before_subject, "text": before_text},
        after={"kind": kind, "subject": subject, "text": text},
    )
    return row


def preview(subject: str, text: str, values: dict[str, str]) -> tuple[str, str]:
    """A subject and text filled with sample values, the link shown as a made-up one."""
    sample = {**values, "link": LINK_MARK}
    filled = fill(text, sample).replace(LINK_MARK, "https://panel.example.org/set-password/...")
    return single_line(fill(subject, sample)), filled
