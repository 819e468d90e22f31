"""Reminding panellists who are behind with their reviews, by hand and automatically.

A panellist is behind when they have not submitted a review of every eligible application they
have no conflict with. Staff press "Remind those who are behind" on the coverage page, and the
worker's periodic task (panel/tasks.py) sends one automatic reminder per panellist and round,
`reminder_days` days (default 3) before the scoring deadline. Nobody gets more than one
reminder a day, whichever way it was sent (the outbox keeps them: panel/messages).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from panel.audit import record
from panel.extensions import db
from panel.messages.outbox import queue_message, to_user
from panel.messages.triggers import round_values
from panel.models import FundingRound, Message, Stage, User
from panel.models.types import UTCDateTime, utcnow
from panel.scoring.services import progress
from panel.scoring.services.rules import scoring_open

KIND = "reminder"
ONCE_A_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Behind:
    """A panellist who is behind, how many reviews they have left, and their reminders."""

    user: User
    left: int
    last_reminded: datetime | None
    will_get: bool  # a reminder sent now would go to them (none in the last day)


def _last_reminders(round_id: int, user_ids: list[int]) -> dict[int, tuple[Any, Any]]:
    """Per person: when they were last reminded in this round, and anywhere (one query)."""
    if not user_ids:
        return {}
    in_round = sa.case((Message.round_id == round_id, Message.created_at))
    rows = db.session.execute(
        db.select(
            Message.recipient_id,
            sa.type_coerce(sa.func.max(in_round), UTCDateTime()),
            sa.type_coerce(sa.func.max(Message.created_at), UTCDateTime()),
        )
        .where(Message.kind == KIND, Message.recipient_id.in_(user_ids))
        .group_by(Message.recipient_id)
    ).all()
    return {user_id: (here, anywhere) for user_id, here, anywhere in rows}


def behind(
    round_: FundingRound, now: datetime | None = None, cover: progress.Coverage | None = None
) -> list[Behind]:
    """The round's panellists who have reviews left, with when each was last reminded."""
    cover = cover or progress.coverage(round_)
    left = {}
    for person in cover.panellists:
        counts = cover.progress(person.id)
        if counts.to_score - counts.submitted > 0:
            left[person.id] = counts.to_score - counts.submitted
    last = _last_reminders(round_.id, list(left))
    moment = now or utcnow()
    found = []
    for person in cover.panellists:
        if person.id not in left:
            continue
        here, anywhere = last.get(person.id, (None, None))
        found.append(
            Behind(
                user=person,
                left=left[person.id],
                last_reminded=here,
                will_get=anywhere is None or anywhere <= moment - ONCE_A_DAY,
            )
        )
    return found


def _queue(round_: FundingRound, due: list[Behind], actor: User | None) -> None:
    values = round_values(round_)
    for item in due:
        words = f"{item.left} review{'' if item.left == 1 else 's'}"
        queue_message(
            kind=KIND,
            to=to_user(item.user),
            values={**values, "left": words},
            actor=actor,
            round_id=round_.id,
        )
    if due:
        record(
            actor=actor,
            action="scoring.reminded",
            object_type="round",
            object_id=round_.id,
            round_id=round_.id,
            after={"user_ids": [b.user.id for b in due], "automatic": actor is None},
        )


def remind(*, round_: FundingRound, actor: User, now: datetime | None = None) -> list[User]:
    """Queue a reminder to each panellist who is behind and was not reminded in the last day
    (staff only); returns who will get one."""
    if not scoring_open(round_):
        raise ReminderError("Reminders can only be sent while scoring is open.")
    due = [b for b in behind(round_, now) if b.will_get]
    _queue(round_, due, actor)
    return [b.user for b in due]


class ReminderError(ValueError):
    """A reminder that cannot be sent, with a message fit to show."""


def automatic_due(now: datetime | None = None) -> list[FundingRound]:
    """Rounds at Scoring whose deadline is within their reminder days and not yet passed."""
    moment = now or utcnow()
    rounds = db.session.execute(
        db.select(FundingRound).where(
            FundingRound.stage == Stage.SCORING,
            FundingRound.scoring_deadline.is_not(None),
            FundingRound.scoring_deadline > moment,
            FundingRound.reminder_days > 0,
        )
    ).scalars()
    return [
        r
        for r in rounds
        if r.scoring_deadline is not None
        and r.scoring_deadline - timedelta(days=r.reminder_days) <= moment
    ]


def remind_automatically(now: datetime | None = None) -> int:
    """The worker's periodic task: one automatic reminder per panellist who is behind, per
    round, in the round's reminder days before its deadline; returns how many were queued."""
    queued = 0
    for round_ in automatic_due(now):
        already = set(
            db.session.execute(
                db.select(Message.recipient_id).where(
                    Message.kind == KIND,
                    Message.round_id == round_.id,
                    Message.created_by_id.is_(None),
                )
            ).scalars()
        )
        due = [b for b in behind(round_, now) if b.will_get and b.user.id not in already]
        _queue(round_, due, None)
        queued += len(due)
    return queued
