"""Reminding a group, by email, that its end-of-grant report is overdue (a periodic task).

Each overdue report (`reports.overdue_reports`) gets one reminder to the group's contact, at
most once every REMIND_EVERY per grant. The reminder is the outbox's own row (kind
"report_reminder", the grant's application): it is the record of when the group was last
reminded, read back here and on the staff's overdue page, so nothing else needs storing.

Each reminder carries a new private report link (`links.issue_link`, purpose "report":
single-purpose, stored hashed, expiring); as with any new link, the earlier unused one stops
working. Reminders go only when a mail server is set up: otherwise staff contact the group from
the overdue page, and no link they handed out is replaced behind their back. A group whose
personal data was erased, or with no email address, is not reminded.
"""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from panel.extensions import db
from panel.grants.links import issue_link
from panel.grants.reports import overdue_reports
from panel.messages.outbox import mail_configured, queue_message
from panel.messages.triggers import application_values, to_applicant
from panel.models import Message
from panel.models.types import uk_date, uk_datetime, utcnow

KIND = "report_reminder"
REMIND_EVERY = timedelta(days=7)


def last_reminded(application_ids: Iterable[int]) -> dict[int, datetime]:
    """When each application's group was last sent a report reminder (one query)."""
    ids = list(application_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        db.select(Message.application_id, sa.func.max(Message.created_at))
        .where(Message.kind == KIND, Message.application_id.in_(ids))
        .group_by(Message.application_id)
    ).all()
    return {app_id: when for app_id, when in rows if app_id is not None}


def remind_overdue(*, today: date | None = None, now: datetime | None = None) -> int:
    """Queue a reminder for each overdue report not reminded in the last week (policy: the
    worker's daily task; flushes, the task commits); how many were queued."""
    if not mail_configured():
        return 0
    moment = now or utcnow()
    overdue = overdue_reports(today)
    last = last_reminded(o.application.id for o in overdue)
    queued = 0
    for o in overdue:
        application = o.application
        if application.personal_data_erased_at is not None or not application.contact_email:
            continue
        when = last.get(application.id)
        if when is not None and when > moment - REMIND_EVERY:
            continue
        issued = issue_link(grant=o.grant, purpose="report", actor=None)
        queue_message(
            kind=KIND,
            to=to_applicant(application),
            values={
                **application_values(application, o.round_),
                "due": uk_date(o.grant.report_due_on),
                "expires": uk_datetime(issued.link.expires_at),
            },
            actor=None,
            round_id=o.round_.id,
            application_id=application.id,
            link=issued.url,
        )
        queued += 1
    return queued
