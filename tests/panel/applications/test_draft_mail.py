"""Save and return by email: with a mail server set up, a saved draft's private link is emailed
(through the outbox, delivered by a real SMTP server) and the page says so; the emailed link
reopens the draft. Without a mail server the link is only shown on screen."""

import re
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import ApplicationDraft, FundingRound, Message
from tests.panel.applications.conftest import GOOD
from tests.panel.messages.conftest import (  # noqa: F401  (the real SMTP server's fixtures)
    Smtp,
    app_config,
    smtp,
    text_of,
    wait_until,
)


def _shown_link(page: str) -> str:
    found = re.search(r'id="draft-link">(http://localhost/apply/[^<]+)<', page)
    assert found, page
    return found.group(1)


def _sent(kind: str) -> bool:
    db.session.expire_all()
    status = db.session.execute(db.select(Message.status).where(Message.kind == kind)).scalar()
    db.session.commit()
    return status == "sent"


def test_a_saved_drafts_link_is_emailed_and_reopens_the_draft(
    app: Flask,
    client: FlaskClient,
    open_round: FundingRound,
    smtp: Smtp,  # noqa: F811
    queue_worker: Any,
) -> None:
    data = {**GOOD, "project_title": "Half typed", "action": "save"}
    page = client.post("/apply/spring", data=data).get_data(as_text=True)
    assert "Your draft is saved" in page and "We are also emailing this link" in page
    shown = _shown_link(page)
    [mail] = smtp.wait_for(1)
    assert mail["To"].addresses[0].addr_spec == GOOD["contact_email"]
    assert open_round.fund_name in mail["Subject"]
    assert shown in text_of(mail)
    # The outbox row forgot the link once it was sent; the draft keeps only its hash.
    wait_until(lambda: _sent("draft_link"))
    row = db.session.execute(db.select(Message)).scalar_one()
    assert row.kind == "draft_link" and row.link is None and shown not in row.body_text
    # The emailed link opens the draft in another browser.
    other = app.test_client()
    opened = other.get(urlsplit(shown).path)
    assert opened.status_code == 302
    form = other.get(opened.headers["Location"]).get_data(as_text=True)
    assert 'value="Half typed"' in form
    assert db.session.execute(db.select(ApplicationDraft.id)).scalar_one()


def test_a_bad_address_gets_no_email_but_the_link_on_screen(
    client: FlaskClient,
    open_round: FundingRound,
    smtp: Smtp,  # noqa: F811
    queue_worker: Any,
) -> None:
    data = {**GOOD, "contact_email": "not an address", "action": "save"}
    page = client.post("/apply/spring", data=data).get_data(as_text=True)
    assert _shown_link(page) and "We are also emailing" not in page
    assert db.session.execute(db.select(Message.id)).first() is None


def test_without_a_mail_server_the_link_is_only_shown(
    app: Flask, client: FlaskClient, open_round: FundingRound
) -> None:
    app.config["MAIL_SERVER"] = ""
    page = client.post("/apply/spring", data={**GOOD, "action": "save"}).get_data(as_text=True)
    assert _shown_link(page) and "We are also emailing" not in page
    assert db.session.execute(db.select(Message.id)).first() is None
