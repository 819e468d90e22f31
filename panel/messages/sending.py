"""Sending the outbox by SMTP, from the task queue's worker (never from a web request).

Each try takes the row in one conditional UPDATE (queued and due -> sending, attempts + 1) and
commits before it talks to the mail server, so two workers can never both send it. Success
marks it sent and forgets its link; a refusal or an unreachable server puts it back in the queue
for a later try, each wait longer than the one before (PANEL_MAIL_RETRY_SECONDS, doubled per
try), until PANEL_MAIL_ATTEMPTS tries have failed: then it is failed, on the staff's outbox page,
where they can send it again. Every try carries the row's own Message-ID.

A worker that dies mid-try leaves the row "sending"; the sweep (every minute) gives such a row
another try after PANEL_MAIL_STALE_SECONDS, with the same Message-ID, so a server that did get
the first try sees the same message twice at most, never a different one.

Logs name the message's id and kind, never its address, body or link.
"""

import logging
import smtplib
import socket
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from flask_mail import Connection, Mail
from flask_mail import Message as Mail_Message

from panel.extensions import db
from panel.messages.wording import LINK_MARK, as_html
from panel.models import Message, MessageStatus
from panel.models.types import utcnow
from panel.queue import crontab, later_batch, periodic, task

log = logging.getLogger(__name__)
mail = Mail()
DEFAULT_ATTEMPTS = 5
DEFAULT_RETRY_SECONDS = 60.0
DEFAULT_STALE_SECONDS = 600.0


class _TimedConnection(Connection):
    """Flask-Mail's connection, with a timeout: a mail server that hangs fails the try."""

    def configure_host(self) -> smtplib.SMTP | smtplib.SMTP_SSL:
        timeout = float(current_app.config.get("PANEL_MAIL_TIMEOUT", 30))
        state = self.mail
        host: smtplib.SMTP | smtplib.SMTP_SSL
        if state.use_ssl:
            host = smtplib.SMTP_SSL(state.server, state.port, timeout=timeout)
        else:
            host = smtplib.SMTP(state.server, state.port, timeout=timeout)
        if state.use_tls:
            host.starttls()
        if state.username and state.password:
            host.login(state.username, state.password)
        return host


def _setting(name: str, default: float) -> float:
    return float(current_app.config.get(name, default))


def send_later(message_id: int) -> None:
    """Send the message once the current transaction commits (with the others queued in the
    same transaction, in one task)."""
    later_batch(send_messages, message_id)


def due(now: object | None = None) -> sa.ColumnElement[bool]:
    """SQL: a queued message whose next try is due."""
    when = now or utcnow()
    return sa.and_(
        Message.status == MessageStatus.QUEUED,
        sa.or_(Message.next_attempt_at.is_(None), Message.next_attempt_at <= when),
    )


def _claim(message_id: int) -> Message | None:
    """Take the message for one try (committed), if it is queued and due: the row as taken
    (detached, to be read after the commit), or None."""
    taken = db.session.execute(
        sa.update(Message)
        .where(Message.id == message_id, due())
        .values(
            status=MessageStatus.SENDING, attempts=Message.attempts + 1, next_attempt_at=utcnow()
        )
        .returning(Message)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    if taken is not None:
        db.session.expunge(taken)
    db.session.commit()
    return taken


def mail_message(message: Message) -> Mail_Message:
    """The email for a row: its bodies with the link put in, its own Message-ID."""
    link = message.link or ""
    email = Mail_Message(
        subject=message.subject,
        recipients=[(message.to_name, message.to_address)]
        if message.to_name
        else [message.to_address],
        body=message.body_text.replace(LINK_MARK, link),
        html=as_html(message.body_text, link) if link else message.body_html,
        sender=current_app.config.get("MAIL_DEFAULT_SENDER"),
    )
    email.msgId = message.message_id
    return email


def deliver(message: Message, connection: Connection | None = None) -> None:
    """Hand one email to the mail server (a new connection unless one is given)."""
    email = mail_message(message)
    if connection is not None:
        connection.send(email)
        return
    with _TimedConnection(current_app.extensions["mail"]) as fresh:
        fresh.send(email)


def describe(exc: BaseException) -> str:
    """A failure in words for staff, without any part of the message."""
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"The mail server refused it (code {exc.smtp_code})."
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "The mail server refused the address."
    if isinstance(exc, (ConnectionError, socket.timeout, smtplib.SMTPServerDisconnected, OSError)):
        return "The mail server could not be reached."
    return f"Sending failed ({type(exc).__name__})."


def try_once(message_id: int, connection: Connection | None = None) -> str:
    """One try at sending the message; returns its status afterwards ("" if not taken)."""
    message = _claim(message_id)
    if message is None:
        return ""
    try:
        deliver(message, connection)
    except Exception as exc:
        db.session.rollback()
        return _failed(message_id, exc)
    db.session.execute(
        sa.update(Message)
        .where(Message.id == message_id, Message.status == MessageStatus.SENDING)
        .values(status=MessageStatus.SENT, sent_at=utcnow(), last_error=None, link=None)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    log.info("message %s (%s) sent", message_id, message.kind)
    return MessageStatus.SENT


def _failed(message_id: int, exc: BaseException) -> str:
    message = db.session.get(Message, message_id)
    assert message is not None
    text = describe(exc)
    attempts = message.attempts
    if attempts >= int(_setting("PANEL_MAIL_ATTEMPTS", DEFAULT_ATTEMPTS)):
        message.status, message.last_error = MessageStatus.FAILED, text
        db.session.commit()
        log.warning("message %s (%s) failed after %s tries", message_id, message.kind, attempts)
        return MessageStatus.FAILED
    wait = _setting("PANEL_MAIL_RETRY_SECONDS", DEFAULT_RETRY_SECONDS) * 2 ** (attempts - 1)
    message.status, message.last_error = MessageStatus.QUEUED, text
    message.next_attempt_at = utcnow() + timedelta(seconds=wait)
    db.session.commit()
    log.info(
        "message %s (%s): try %s failed, next in %.0f s", message_id, message.kind, attempts, wait
    )
    send_message.schedule((message_id,), delay=wait)
    return MessageStatus.QUEUED


@task()
def send_message(message_id: int) -> str:
    """The queue's task: one try at sending a message."""
    return try_once(message_id)


@task(retries=3, retry_delay=10)
def send_messages(message_ids: list[int]) -> int:
    """The queue's task for many messages: one try at each, over one connection while the
    mail server answers; returns how many were sent. If the task itself fails (the database
    was busy), huey runs it again: messages already taken are skipped."""
    sent = 0
    connection: Connection | None = None
    try:
        for message_id in message_ids:
            if connection is None:
                connection = _open()
            status = try_once(message_id, connection)
            sent += status == MessageStatus.SENT
            if status in (MessageStatus.QUEUED, MessageStatus.FAILED) and connection is not None:
                _close(connection)
                connection = None
    finally:
        if connection is not None:
            _close(connection)
    return sent


def _open() -> Connection | None:
    """A connection to the mail server, or None when it cannot be reached now (each message's
    own try then records the failure)."""
    connection = _TimedConnection(current_app.extensions["mail"])
    try:
        connection.__enter__()
    except Exception:
        return None
    return connection


def _close(connection: Connection) -> None:
    try:
        if connection.host is not None:
            connection.host.quit()
    except Exception:  # already gone: nothing to close
        log.debug("mail connection already closed")


def sweep() -> int:
    """Queue every message that is due but whose task was lost, and give a stale try (its
    worker died) another; returns how many were queued."""
    now = utcnow()
    stale = now - timedelta(seconds=_setting("PANEL_MAIL_STALE_SECONDS", DEFAULT_STALE_SECONDS))
    db.session.execute(
        sa.update(Message)
        .where(Message.status == MessageStatus.SENDING, Message.next_attempt_at < stale)
        .values(status=MessageStatus.QUEUED)
        .execution_options(synchronize_session=False)
    )
    ids = list(db.session.execute(db.select(Message.id).where(due(now)).limit(1000)).scalars())
    for message_id in ids:
        send_later(message_id)
    db.session.commit()
    return len(ids)


@periodic(crontab(minute="*"))
def sweep_outbox() -> int:
    """Every minute: nothing due stays unsent because a queued task was lost."""
    return sweep()
