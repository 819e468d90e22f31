"""Queueing a message: the one service every area calls to tell someone something.

`queue_message` writes the message's row in the caller's transaction (it flushes, never
commits): the message exists exactly when the action that caused it does. Once that transaction
commits, the row is handed to the task queue (panel.queue.later), whose worker sends it by SMTP
(panel/messages/sending.py). How the message travels follows the person's preferred way:

- email, when the person has an address and no other preference: sent by the queue, or, when no
  mail server is set up, kept as "not sent: no mail server is set up" for staff to pass on;
- a letter: it waits in the print queue (one letter a page);
- a phone call (or a text): it waits on the call list.

Bodies never carry a single-use link: the link is kept in its own column, put in when the email
is sent, and forgotten once it has gone. Nothing here logs a body or a link.
"""

import secrets
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app

from panel.extensions import db
from panel.messages.sending import send_later
from panel.messages.wording import KINDS, LINK_MARK, as_html, fill, single_line
from panel.models import (
    Channel,
    ContactWay,
    Message,
    MessageStatus,
    MessageWording,
    PersonDetails,
    User,
)
from panel.models.types import utcnow
from panel.text import plain_name

NO_MAIL_SERVER = "not sent: no mail server is set up"
NO_ADDRESS = "not sent: we have no email address for them"


class MessageError(ValueError):
    """A message that cannot be queued, with a message fit to show."""


@dataclass(frozen=True)
class To:
    """Who a message goes to: an account, or an applicant's contact details."""

    name: str
    email: str
    user: User | None = None


def mail_configured() -> bool:
    """Whether a mail server is set up (PANEL_MAIL_SERVER)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def new_message_id() -> str:
    """A Message-ID that no other message has, kept for every try of this one."""
    base = str(current_app.config.get("PANEL_BASE_URL", "http://localhost"))
    host = base.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0] or "localhost"
    return f"<{secrets.token_hex(16)}@{single_line(host, 100)}>"


def channel_for(to: To, kind: str) -> Channel:
    """How the message travels: a link goes by email; otherwise the person's preferred way."""
    if to.user is not None and not KINDS[kind].has_link:
        details = db.session.execute(
            db.select(PersonDetails).where(PersonDetails.user_id == to.user.id)
        ).scalar_one_or_none()
        way = details.preferred_contact if details is not None else ""
        if way == ContactWay.LETTER:
            return Channel.LETTER
        if way in (ContactWay.PHONE, ContactWay.TEXT):
            return Channel.PHONE
    if not to.email and not KINDS[kind].has_link:
        return Channel.LETTER
    return Channel.EMAIL


def queue_message(
    *,
    kind: str,
    to: To,
    values: dict[str, str],
    actor: User | None,
    round_id: int | None = None,
    application_id: int | None = None,
    link: str | None = None,
    wording: tuple[str, str] | None = None,
) -> Message:
    """Write one message to the outbox in the caller's transaction, to be sent after it commits.

    `values` fill the kind's wording (`wording` replaces it: a round's own subject and text);
    `link` is a single-use link, kept apart from the bodies. Returns the row (flushed)."""
    row = message_row(
        kind=kind,
        to=to,
        values=values,
        actor=actor,
        round_id=round_id,
        application_id=application_id,
        link=link,
        wording=wording or wording_for(round_id, kind),
    )
    message = Message(**row)
    db.session.add(message)
    db.session.flush()
    if message.status == MessageStatus.QUEUED:
        send_later(message.id)
    return message


def message_row(
    *,
    kind: str,
    to: To,
    values: dict[str, str],
    actor: User | None,
    round_id: int | None,
    application_id: int | None,
    link: str | None,
    wording: tuple[str, str],
) -> dict[str, Any]:
    """The columns of one message: its wording filled in, how it travels, its status."""
    if kind not in KINDS:
        raise MessageError(f"There is no kind of message called {kind!r}.")
    subject_wording, text_wording = wording
    name = single_line(plain_name(to.name), 120)
    filled = {**values, "name": name, "link": LINK_MARK}
    text = fill(text_wording, filled)
    channel = channel_for(to, kind)
    status, error = MessageStatus.QUEUED, None
    if channel == Channel.LETTER:
        status = MessageStatus.TO_PRINT
    elif channel == Channel.PHONE:
        status = MessageStatus.TO_CALL
    elif not to.email:
        status, error = MessageStatus.HELD, NO_ADDRESS
    elif not mail_configured():
        status, error = MessageStatus.HELD, NO_MAIL_SERVER
    return {
        "kind": kind,
        "channel": channel,
        "recipient_id": to.user.id if to.user is not None else None,
        "round_id": round_id,
        "application_id": application_id,
        "to_name": name,
        "to_address": single_line(to.email, 254),
        "subject": single_line(fill(subject_wording, filled)),
        "body_text": text,
        "body_html": as_html(text),
        "link": link,
        "status": status,
        "attempts": 0,
        "last_error": error,
        "message_id": new_message_id(),
        "created_at": utcnow(),
        "created_by_id": actor.id if actor is not None else None,
    }


def queue_many(
    *, kind: str, round_id: int, actor: User | None, items: list[tuple[To, int, dict[str, str]]]
) -> int:
    """Queue one kind of message to many people at once (an import's acknowledgements): one
    INSERT for them all, in the caller's transaction. `items` are (to, application id, values).
    Returns how many were written."""
    wording = wording_for(round_id, kind)
    rows = [
        message_row(
            kind=kind,
            to=to,
            values=values,
            actor=actor,
            round_id=round_id,
            application_id=application_id,
            link=None,
            wording=wording,
        )
        for to, application_id, values in items
    ]
    if not rows:
        return 0
    ids = db.session.execute(sa.insert(Message).returning(Message.id, Message.status), rows).all()
    for message_id, status in ids:
        if status == MessageStatus.QUEUED:
            send_later(message_id)
    return len(rows)


def wording_for(round_id: int | None, kind: str) -> tuple[str, str]:
    """The subject and text of a kind of message: the round's own, or the usual."""
    if round_id is not None:
        own = db.session.execute(
            db.select(MessageWording).where(
                MessageWording.round_id == round_id, MessageWording.kind == kind
            )
        ).scalar_one_or_none()
        if own is not None:
            return own.subject, own.text
    return KINDS[kind].subject, KINDS[kind].text


def to_user(user: User) -> To:
    """An account as a message's recipient."""
    return To(name=user.display_name, email=user.email, user=user)
