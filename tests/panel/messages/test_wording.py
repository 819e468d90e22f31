"""Staff change what a round's messages say; the next message of that kind says it."""

from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import MessageWording
from panel.models.types import utcnow
from panel.scoring import reminders
from tests.conftest import AuthActions
from tests.factories import gen_staff
from tests.panel.messages.conftest import Smtp, text_of
from tests.worlds import gen_scoring_world


def test_a_rounds_own_reminder_wording_is_what_panellists_receive(
    app: Flask, client: FlaskClient, smtp: Smtp, queue_worker: Any
) -> None:
    staff = gen_staff()
    world = gen_scoring_world(
        staff, panellists=1, applications=1, scoring_deadline=utcnow() + timedelta(days=9)
    )
    AuthActions(client).login(staff)
    url = f"/rounds/{world.round.id}/messages/reminder"
    form = client.get(url).get_data(as_text=True)
    assert "Reminder: reviews for $round are due by $deadline" in form
    saved = client.post(
        url,
        data={"subject": "Nearly there, $name", "text": "Hi $name,\n\n$left to go for $round."},
    )
    assert saved.status_code == 302
    listing = client.get(f"/rounds/{world.round.id}/messages").get_data(as_text=True)
    assert "Nearly there, $name" in listing and "own wording" in listing
    reminders.remind(round_=world.round, actor=staff)
    db.session.commit()
    [mail] = smtp.wait_for(1)
    name = world.panellists[0].display_name
    assert mail["Subject"] == f"Nearly there, {name}"
    assert f"1 review to go for {world.round.name}." in text_of(mail)


def test_an_invitation_must_keep_its_link(app: Flask, client: FlaskClient) -> None:
    staff = gen_staff()
    world = gen_scoring_world(staff, panellists=1, applications=1)
    AuthActions(client).login(staff)
    refused = client.post(
        f"/rounds/{world.round.id}/messages/invitation",
        data={"subject": "Join us", "text": "Hello $name, come along."},
    )
    assert refused.status_code == 400 and "Keep $link" in refused.get_data(as_text=True)
    assert db.session.execute(db.select(MessageWording)).first() is None
    assert client.get(f"/rounds/{world.round.id}/messages/nonsense").status_code == 404
