"""The worker's timetable: huey periodic tasks, run by `flask --app panel worker`.

Importing this module registers every task the worker runs: the outbox's sender and sweep
(panel/messages/sending.py), background exports (panel/results/exports/jobs.py), and the
periodic tasks below. Each periodic task commits its own work.
"""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from panel.extensions import db
from panel.grants import reminders as report_reminders
from panel.messages import sending  # noqa: F401  (registers the outbox's tasks)
from panel.models import ExportJob, PasswordLink
from panel.models.types import utcnow
from panel.queue import crontab, periodic
from panel.results.exports import jobs, liveness
from panel.scoring import reminders

OLD_EXPORT_TEXT = (
    "This file was deleted {days} days after it was made, as the fund keeps exports only that "
    "long. Start the export again to make a new one."
)
__all__ = [
    "clear_expired_links",
    "clear_old_exports",
    "fail_dead_exports",
    "jobs",
    "remind",
    "remind_overdue_reports",
]


@periodic(crontab(minute="*/15"))
def remind() -> int:
    """Every quarter of an hour: the automatic reminders that are due."""
    queued = reminders.remind_automatically()
    db.session.commit()
    return queued


@periodic(crontab(hour="9", minute="30"))
def remind_overdue_reports() -> int:
    """Every day: a reminder to each group whose end-of-grant report is overdue (at most one a
    week per grant), when a mail server is set up."""
    queued = report_reminders.remind_overdue()
    db.session.commit()
    return queued


def forget_expired_links() -> int:
    """Delete password links that expired (or were used) more than a day ago."""
    cutoff = utcnow() - timedelta(days=1)
    gone = db.session.execute(
        sa.delete(PasswordLink).where(
            sa.or_(PasswordLink.expires_at < cutoff, PasswordLink.used_at < cutoff)
        )
    )
    db.session.commit()
    return int(getattr(gone, "rowcount", 0) or 0)


@periodic(crontab(minute="7"))
def clear_expired_links() -> int:
    """Every hour: expired and used password links go."""
    return forget_expired_links()


def delete_old_exports() -> int:
    """Delete the files of finished exports older than PANEL_EXPORT_KEEP_DAYS (default 7)."""
    days = int(current_app.config.get("PANEL_EXPORT_KEEP_DAYS", 7))
    gone = db.session.execute(
        sa.update(ExportJob)
        .where(ExportJob.status == "done", ExportJob.finished_at < utcnow() - timedelta(days=days))
        .values(status="deleted", content=None, error=OLD_EXPORT_TEXT.format(days=days))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return int(getattr(gone, "rowcount", 0) or 0)


@periodic(crontab(minute="17"))
def clear_old_exports() -> int:
    """Every hour: old export files go."""
    return delete_old_exports()


def record_dead_exports() -> int:
    """Record as failed every unfinished export whose worker has not been heard from."""
    now = utcnow()
    ids = list(db.session.execute(db.select(ExportJob.id).where(liveness.dead(now))).scalars())
    failed = sum(liveness.fail_if_dead(job_id) for job_id in ids)
    db.session.commit()
    return failed


@periodic(crontab(minute="*"))
def fail_dead_exports() -> int:
    """Every minute: an export whose worker died is recorded failed, with the plain message."""
    return record_dead_exports()
