"""Reminders (panel/scoring/reminders.py), delivered through a real SMTP server by a real
worker: exactly one automatic reminder before the deadline to a panellist who is behind, none
to one who is done; the coverage page's button, and at most one reminder a person a day."""

import time
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import FundingRound, Message
from panel.models.types import utcnow
from panel.scoring import reminders
from tests.conftest import AuthActions
from tests.factories import gen_review, gen_staff
from tests.panel.messages.conftest import Smtp, text_of
from tests.worlds import ScoringWorld, gen_scoring_world


def _world(days_left: float) -> ScoringWorld:
    staff = gen_staff()
    world = gen_scoring_world(
        staff,
        panellists=2,
        applications=2,
        scoring_deadline=utcnow() + timedelta(days=days_left),
    )
    done = world.panellists[0]
    for application in world.applications:
        gen_review(application, done, scores=[3, 3, 3])
    return world


def _reminders() -> int:
    found = db.session.execute(
        db.select(db.func.count(Message.id)).where(Message.kind == "reminder")
    ).scalar_one()
    db.session.commit()
    return int(found)


def test_a_panellist_who_is_behind_gets_exactly_one_automatic_reminder(
    app: Flask, smtp: Smtp, queue_worker: Any
) -> None:
    world = _world(days_left=2)
    behind = world.panellists[1]
    assert reminders.remind_automatically() == 1
    db.session.commit()
    [mail] = smtp.wait_for(1)
    assert mail["To"].addresses[0].addr_spec == behind.email
    assert "2 reviews" in text_of(mail)
    # The worker's timetable runs again, that day and the next: no second automatic reminder.
    assert reminders.remind_automatically() == 0
    assert reminders.remind_automatically(now=utcnow() + timedelta(days=1, minutes=5)) == 0
    db.session.commit()
    time.sleep(0.5)
    assert len(smtp.received) == 1 and _reminders() == 1


def test_no_automatic_reminder_before_the_reminder_days_or_after_the_deadline(app: Flask) -> None:
    world = _world(days_left=5)
    assert reminders.remind_automatically() == 0  # 3 days before: not yet
    round_ = db.session.get(FundingRound, world.round.id)
    assert round_ is not None
    round_.reminder_days = 6
    db.session.commit()
    assert reminders.remind_automatically() == 1  # this round reminds 6 days before
    assert reminders.remind_automatically(now=utcnow() + timedelta(days=6)) == 0  # past


def test_the_coverage_page_says_who_is_behind_and_reminds_them_once_a_day(
    app: Flask, client: FlaskClient, smtp: Smtp, queue_worker: Any
) -> None:
    world = _world(days_left=10)
    behind = world.panellists[1]
    AuthActions(client).login(world.staff)
    url = f"/rounds/{world.round.id}/coverage"
    page = client.get(url).get_data(as_text=True)
    section = page[page.index('id="reminders"') :]
    assert behind.display_name in section and "Never" in section
    assert world.panellists[0].display_name not in section.split("Scoring on paper")[0]
    assert "Remind those who are behind (1)" in section
    client.post(f"{url}/remind")
    [mail] = smtp.wait_for(1)
    assert mail["To"].addresses[0].addr_spec == behind.email
    page = client.get(url).get_data(as_text=True)
    section = page[page.index('id="reminders"') :]
    assert "No: reminded in the last day" in section and "Never" not in section
    assert "Remind those who are behind" not in section
    client.post(f"{url}/remind")  # a second press the same day reminds nobody
    time.sleep(0.5)
    assert len(smtp.received) == 1 and _reminders() == 1
