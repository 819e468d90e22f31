"""The outbox with a real SMTP server (aiosmtpd on loopback) and a real queue worker (SqliteHuey).

Done when: an invited resident receives the email, follows the link and sets a password; an
SMTP outage delays but loses and duplicates nothing; a message that fails every try is shown
failed to staff, who send it again; no name or subject can add a header; logs never carry a
body or a link.
"""

import logging
import re
import time
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.messages import sending
from panel.messages.outbox import NO_MAIL_SERVER, queue_message, to_user
from panel.models import Message, PanelRole, User
from panel.rounds import services as rounds
from tests.conftest import AuthActions
from tests.factories import gen_round, gen_staff, gen_user
from tests.panel.messages.conftest import Smtp, text_of, wait_until

LINK = re.compile(r"http://localhost/set-password/[A-Za-z0-9_\-]+")


def _message(message_id: int) -> Message:
    """The row as it is now, read in a transaction that ends at once (the worker must write)."""
    db.session.commit()
    found = db.session.get(Message, message_id)
    assert found is not None
    db.session.expunge(found)
    db.session.commit()
    return found


def test_an_invited_resident_gets_the_email_follows_the_link_and_sets_a_password(
    app: Flask, client: FlaskClient, smtp: Smtp, queue_worker: Any, caplog: Any
) -> None:
    """Items 66 and 72: staff add a resident; the worker emails the invitation through the
    real SMTP server; its single-use link (the same one staff see to copy, as before) lets the
    resident choose a password and sign in; the row is sent and forgets the link; no log line
    carries the link or the body."""
    caplog.set_level(logging.DEBUG)
    staff = gen_staff()
    AuthActions(client).login(staff)
    page = client.post(
        "/people/new",
        data={"display_name": "Rowan Resident", "email": "rowan@example.org", "role": "resident"},
    )
    shown = LINK.search(page.get_data(as_text=True))
    assert shown is not None  # the copy-by-hand fallback stays
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "Rowan Resident <rowan@example.org>"
    assert "invited" in mail["Subject"]
    emailed = LINK.search(text_of(mail))
    assert emailed is not None and emailed.group(0) == shown.group(0)
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and f'href="{shown.group(0)}"' in str(html.get_content())

    resident = app.test_client()
    opened = resident.get(emailed.group(0).removeprefix("http://localhost"))
    assert opened.status_code == 302
    done = resident.post(
        "/set-password",
        data={"password": "a long new passphrase", "confirm": "a long new passphrase"},
    )
    assert done.status_code == 302
    assert resident.get("/").status_code == 200
    user = db.session.execute(db.select(User).where(User.email == "rowan@example.org")).scalar_one()
    assert user.password_hash
    row = db.session.execute(db.select(Message).where(Message.recipient_id == user.id)).scalar_one()
    wait_until(lambda: _message(row.id).status == "sent")
    sent = _message(row.id)
    assert sent.link is None and sent.attempts == 1 and sent.sent_at is not None
    assert mail["Message-ID"] == sent.message_id
    token = emailed.group(0).rsplit("/", 1)[1]
    ours = [r for r in caplog.records if r.name.startswith(("panel", "huey", "flask"))]
    assert any("sent" in r.getMessage() for r in ours)  # the control: sending is logged
    logged = "\n".join(r.getMessage() for r in ours)
    assert token not in logged and "Rowan Resident" not in logged and "invited" not in logged


def test_an_smtp_outage_delays_but_loses_and_duplicates_nothing(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    """Item 67: with the mail server stopped, a message is tried, fails and waits (its error in
    plain words); once the server is back, it arrives exactly once, with the row's Message-ID."""
    staff = gen_staff()
    people = [gen_user(name=f"Panellist {n}") for n in range(3)]
    round_ = gen_round(created_by=staff)
    smtp.stop()
    for person in people:
        rounds.add_member(round_=round_, user=person, role=PanelRole.PANELLIST, actor=staff)
    db.session.commit()
    rows = list(db.session.execute(db.select(Message).order_by(Message.id)).scalars())
    assert len(rows) == 3
    wait_until(lambda: all(_message(r.id).attempts >= 1 for r in rows))
    waiting = [_message(r.id) for r in rows]
    assert {m.status for m in waiting} <= {"queued", "sending"}
    assert any(m.last_error == "The mail server could not be reached." for m in waiting)
    assert smtp.received == []
    smtp.start()
    received = smtp.wait_for(3)
    wait_until(lambda: all(_message(r.id).status == "sent" for r in rows))
    time.sleep(1.0)  # any duplicate would have arrived by now (tries are 0.3 s apart)
    received = smtp.received
    assert len(received) == 3
    assert sorted(m["Message-ID"] for m in received) == sorted(r.message_id for r in rows)
    assert sorted(str(m["To"]) for m in received) == sorted(
        f"{p.display_name} <{p.email}>" for p in people
    )


def test_a_message_that_fails_every_try_is_shown_failed_and_staff_send_it_again(
    app: Flask, client: FlaskClient, smtp: Smtp, queue_worker: Any
) -> None:
    """Item 67: after the last try (3 here) the message is failed on the staff's outbox page,
    with the reason; "Send again" once the server is back delivers it."""
    staff = gen_staff()
    person = gen_user(name="Fay Failed")
    smtp.stop()
    message = queue_message(
        kind="panel_added", to=to_user(person), values={"round": "Spring"}, actor=staff
    )
    db.session.commit()
    wait_until(lambda: _message(message.id).status == "failed", timeout=30)
    failed = _message(message.id)
    assert failed.attempts == 3 and failed.last_error == "The mail server could not be reached."
    AuthActions(client).login(staff)
    page = client.get("/outbox").get_data(as_text=True)
    assert "Fay Failed" in page and "Send again" in page and "could not be reached" in page
    smtp.start()
    client.post(f"/outbox/{message.id}/resend")
    [mail] = smtp.wait_for(1)
    assert mail["To"] == f"Fay Failed <{person.email}>"
    wait_until(lambda: _message(message.id).status == "sent")


def test_names_and_subjects_cannot_add_headers(app: Flask, smtp: Smtp, queue_worker: Any) -> None:
    """Item 68: a name holding line breaks and a header, in the recipient and in the subject,
    reaches the mail server as one line: no Bcc, one recipient."""
    staff = gen_staff()
    sly = gen_user(name="Sly\r\nBcc: thief@example.com")
    round_ = gen_round(created_by=staff, name="Round\nBcc: thief@example.com")
    rounds.add_member(round_=round_, user=sly, role=PanelRole.PANELLIST, actor=staff)
    db.session.commit()
    [mail] = smtp.wait_for(1)
    assert mail["Bcc"] is None
    assert "\n" not in mail["Subject"] and "\n" not in str(mail["To"])
    assert smtp.handler.envelopes == [[sly.email]]


def test_with_no_mail_server_messages_wait_for_staff_with_the_link_to_pass_on(
    app: Flask, client: FlaskClient
) -> None:
    """Item 66: without a mail server nothing breaks: the invitation is kept as "not sent: no
    mail server is set up", and staff find its words and its link on the outbox."""
    app.config["MAIL_SERVER"] = ""
    staff = gen_staff()
    AuthActions(client).login(staff)
    page = client.post(
        "/people/new",
        data={"display_name": "Hal Held", "email": "hal@example.org", "role": "resident"},
    ).get_data(as_text=True)
    link = LINK.search(page)
    assert link is not None
    row = db.session.execute(db.select(Message).where(Message.to_name == "Hal Held")).scalar_one()
    assert (row.status, row.last_error) == ("held", NO_MAIL_SERVER)
    outbox = client.get("/outbox").get_data(as_text=True)
    assert "Not sent: no mail server is set up" in outbox and "Hal Held" in outbox
    detail = client.get(f"/outbox/{row.id}").get_data(as_text=True)
    assert link.group(0) in detail


def test_two_workers_never_send_one_message_twice(app: Flask, smtp: Smtp) -> None:
    """Item 67: the same message handed to the sender twice (a lost task found again by the
    sweep, a second worker) is sent once: the second try finds it already taken."""
    person = gen_user()
    message = queue_message(kind="panel_added", to=to_user(person), values={}, actor=None)
    db.session.commit()
    assert sending.try_once(message.id) == "sent"
    assert sending.try_once(message.id) == ""
    assert sending.sweep() == 0
    assert len(smtp.wait_for(1)) == 1
    time.sleep(0.3)
    assert len(smtp.received) == 1


def test_the_outbox_is_for_staff_only(app: Flask, client: FlaskClient) -> None:
    """Item 72: a resident gets 404 from every outbox page and action; staff get them."""
    resident = gen_user()
    message = queue_message(kind="panel_added", to=to_user(resident), values={}, actor=None)
    db.session.commit()
    pages = ["/outbox", f"/outbox/{message.id}", "/outbox/letters", "/outbox/kinds"]
    AuthActions(client).login(resident)
    for url in pages:
        assert client.get(url).status_code == 404, url
    assert client.post(f"/outbox/{message.id}/resend").status_code == 404
    AuthActions(client).logout()
    AuthActions(client).login(gen_staff())
    for url in pages:
        assert client.get(url).status_code == 200, url
