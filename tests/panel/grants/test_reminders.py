"""Overdue end-of-grant reports are reminded by email through the outbox: delivered by a real
SMTP server, at most once a week per grant, with a private report link that works."""

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.grants import reminders
from panel.models import Grant, GrantLink, Message
from panel.models.types import uk_today, utcnow
from tests.conftest import AuthActions
from tests.panel.grants.helpers import make_offer
from tests.panel.messages.conftest import (  # noqa: F401  (the real SMTP server's fixtures)
    Smtp,
    app_config,
    smtp,
    text_of,
    wait_until,
)
from tests.worlds import gen_awarded_round

LATE = date(2027, 9, 10)  # ten days after the report was due


def _accepted_offer(client: FlaskClient, staff: Any) -> tuple[Any, Grant]:
    world = gen_awarded_round(staff)
    AuthActions(client).login(staff)
    grant = make_offer(client, world["round"].id, world["apps"]["A"].id)
    grant.accepted_at, grant.accepted_name, grant.accepted_role = utcnow(), "Bea", "Chair"
    db.session.commit()
    return world, grant


def _sent(kind: str) -> bool:
    db.session.expire_all()
    status = db.session.execute(db.select(Message.status).where(Message.kind == kind)).scalar()
    db.session.commit()
    return status == "sent"


def test_an_overdue_report_is_reminded_once_a_week_with_a_working_link(
    app: Flask,
    client: FlaskClient,
    staff: Any,
    smtp: Smtp,  # noqa: F811
    queue_worker: Any,
) -> None:
    world, grant = _accepted_offer(client, staff)
    application = world["apps"]["A"]
    assert reminders.remind_overdue(today=date(2027, 8, 31)) == 0  # due today: not late yet
    assert reminders.remind_overdue(today=LATE) == 1
    db.session.commit()
    [mail] = smtp.wait_for(1)
    assert mail["To"].addresses[0].addr_spec == application.contact_email
    assert application.reference in mail["Subject"]
    body = text_of(mail)
    assert "31 August 2027" in body
    url = next(word for word in body.split() if "/grant/" in word)
    # The stored row keeps no link once sent, and the link is stored only hashed.
    wait_until(lambda: _sent("report_reminder"))
    row = db.session.execute(
        db.select(Message).where(Message.kind == "report_reminder")
    ).scalar_one()
    assert row.link is None and url not in row.body_text
    token = urlsplit(url).path.rsplit("/", 1)[-1]
    assert (
        db.session.execute(db.select(GrantLink).where(GrantLink.token_hash == token)).first()
        is None
    )
    # Within the week nothing more is queued; a week later one more reminder is.
    assert reminders.remind_overdue(today=LATE + timedelta(days=3)) == 0
    assert reminders.remind_overdue(today=LATE, now=utcnow() + timedelta(days=6)) == 0
    db.session.commit()
    AuthActions(client).logout()
    opened = client.get(urlsplit(url).path)
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/grant/report")
    page = client.get("/grant/report").get_data(as_text=True)
    assert "How many people took part" in page
    assert reminders.remind_overdue(today=LATE, now=utcnow() + timedelta(days=8)) == 1
    db.session.commit()
    assert len(smtp.wait_for(2)) == 2


def test_the_overdue_page_shows_when_each_group_was_last_reminded(
    app: Flask,
    client: FlaskClient,
    staff: Any,
    smtp: Smtp,  # noqa: F811
    queue_worker: Any,
) -> None:
    world, grant = _accepted_offer(client, staff)
    grant.report_due_on = uk_today() - timedelta(days=20)
    db.session.commit()
    page = client.get("/grants/overdue").get_data(as_text=True)
    assert "Not yet" in page and "reminded by email" in page
    assert reminders.remind_overdue() == 1
    db.session.commit()
    page = client.get("/grants/overdue").get_data(as_text=True)
    assert "Not yet" not in page and "Last reminded" in page


def test_no_reminders_without_a_mail_server(app: Flask, client: FlaskClient, staff: Any) -> None:
    app.config["MAIL_SERVER"] = ""
    _, grant = _accepted_offer(client, staff)
    grant.report_due_on = uk_today() - timedelta(days=20)
    db.session.commit()
    assert reminders.remind_overdue() == 0
    assert db.session.execute(db.select(GrantLink.id)).first() is None
    assert db.session.execute(db.select(Message.id)).first() is None
    page = client.get("/grants/overdue").get_data(as_text=True)
    assert "contact each group yourself" in page and "Not yet" in page
