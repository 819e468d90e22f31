""" "Forgot your password?" by email (items 70 and 71), with a real SMTP server and worker."""

import re
import time
from datetime import timedelta
from typing import Any

from flask import Flask

from panel.auth.services import RESET_SENT
from panel.extensions import db
from panel.models import PasswordLink
from tests.conftest import AuthActions
from tests.factories import gen_user
from tests.panel.messages.conftest import Smtp, text_of

LINK = re.compile(r"http://localhost/set-password/[A-Za-z0-9_\-]+")
NEW = "a brand new passphrase"


def _ask(app: Flask, email: str) -> str:
    page = app.test_client().post("/forgot-password", data={"email": email})
    assert page.status_code == 200
    return page.get_data(as_text=True)


def test_a_resident_resets_their_password_by_email_and_every_session_ends(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    """Item 70: the same answer whether or not the address has an account; the email's link
    works once, for an hour; choosing the password ends the account's other sessions."""
    person = gen_user(name="Forgetful Fran")
    email = person.email
    db.session.commit()  # the test holds no transaction while the worker writes (SQLite)
    elsewhere = app.test_client()
    AuthActions(elsewhere).login(email)
    assert elsewhere.get("/").status_code == 200
    known = _ask(app, email.upper())
    unknown = _ask(app, "nobody@example.org")
    assert RESET_SENT in known
    assert known.replace(email.upper(), "") == unknown.replace("nobody@example.org", "")
    [mail] = smtp.wait_for(1)
    assert mail["To"].addresses[0].addr_spec == email
    link = LINK.search(text_of(mail))
    assert link is not None
    issued = db.session.execute(db.select(PasswordLink)).scalar_one()
    assert issued.expires_at - issued.created_at == timedelta(hours=1)
    db.session.commit()
    path = link.group(0).removeprefix("http://localhost")
    browser = app.test_client()
    assert browser.get(path).status_code == 302
    done = browser.post("/set-password", data={"password": NEW, "confirm": NEW})
    assert done.status_code == 302
    assert elsewhere.get("/").status_code == 302  # signed out everywhere else
    assert app.test_client().get(path).status_code == 410  # used once
    assert AuthActions(app.test_client()).login(email, NEW).status_code == 302


def test_asking_again_and_again_sends_at_most_three_links_an_hour(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    """Item 71: rate-limited per account; the answer never changes."""
    email = gen_user().email
    db.session.commit()
    for _ in range(5):
        assert RESET_SENT in _ask(app, email)
    smtp.wait_for(3)
    time.sleep(0.5)
    assert len(smtp.received) == 3


def test_without_a_mail_server_the_page_says_to_ask_staff(app: Flask) -> None:
    app.config["MAIL_SERVER"] = ""
    page = app.test_client().get("/forgot-password").get_data(as_text=True)
    assert "Ask a member of staff" in page and "Email me a link" not in page
    person = gen_user()
    app.test_client().post("/forgot-password", data={"email": person.email})
    assert db.session.execute(db.select(PasswordLink)).first() is None
