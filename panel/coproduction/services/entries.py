"""The involvement record's entries that people type: off-screen activity, and corrections.

A resident adds and corrects their own entries; staff add and correct anyone's. Audit rows hold
kinds, dates and minutes, never the notes (personal data the person can have erased).
"""

from datetime import date

from panel.audit import record
from panel.coproduction.services.errors import CoproductionError
from panel.extensions import db
from panel.models import (
    OFFSCREEN_KINDS,
    ActivityKind,
    CoproStage,
    FundingRound,
    InvolvementEntry,
    Role,
    User,
)
from panel.models.involvement import MAX_ENTRY_MINUTES
from panel.models.types import uk_today, utcnow
from panel.panels import membership

MAX_NOTE = 2000
EARLIEST = date(2000, 1, 1)


def check_day(day: date | None, *, field: str, what: str) -> date:
    """A date that has happened: today or earlier (and not before 2000)."""
    if day is None:
        raise CoproductionError(f"Enter the date {what}", field=field)
    if day > uk_today():
        raise CoproductionError(f"The date {what} must be today or in the past", field=field)
    if day < EARLIEST:
        raise CoproductionError("Enter a date in 2000 or later", field=field)
    return day


def check_note(note: str, *, field: str = "note") -> str:
    """A note of at most MAX_NOTE characters, trimmed."""
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise CoproductionError(f"Keep the note under {MAX_NOTE:,} characters", field=field)
    return text


def check_person_and_round(*, person: User, round_: FundingRound | None, actor: User) -> None:
    """Residents act for themselves, on rounds they are on; staff for any resident, any round."""
    if person.role != Role.RESIDENT:
        raise CoproductionError(
            "Only residents have an involvement record. Record staff time on the round instead."
        )
    if not actor.is_staff:
        if actor.id != person.id:
            raise CoproductionError("You can only add to your own record.")
        if round_ is not None and membership(round_, actor) is None:
            raise CoproductionError("Choose a round you are on the panel of.", field="round_id")


def check_minutes(minutes: int | None, *, most: int = MAX_ENTRY_MINUTES) -> int:
    """A whole number of minutes from 1 to `most`."""
    if minutes is None or minutes < 1:
        raise CoproductionError("Enter how long it took, in hours and minutes", field="hours")
    if minutes > most:
        raise CoproductionError(
            f"Enter {most // 60} hours or less: add a longer stretch as more than one entry",
            field="hours",
        )
    return minutes


def add_offscreen(
    *,
    person: User,
    kind: ActivityKind,
    happened_on: date | None,
    minutes: int | None,
    note: str,
    round_: FundingRound | None,
    stage: CoproStage | None,
    actor: User,
) -> InvolvementEntry:
    """Record something that happened off-screen: a workshop, training, a visit, a call, travel."""
    check_person_and_round(person=person, round_=round_, actor=actor)
    if kind not in OFFSCREEN_KINDS:
        raise CoproductionError("Choose what it was", field="kind")
    day = check_day(happened_on, field="happened_on", what="it happened")
    length = check_minutes(minutes)
    text = check_note(note)
    if round_ is not None and stage is None:
        raise CoproductionError("Choose which part of the round it was for", field="stage")
    entry = InvolvementEntry(
        person_id=person.id,
        round_id=round_.id if round_ is not None else None,
        stage=str(stage) if round_ is not None and stage is not None else None,
        kind=str(kind),
        happened_on=day,
        minutes=length,
        standard=False,
        note=text,
        recorded_by_id=actor.id,
    )
    db.session.add(entry)
    db.session.flush()
    record(
        actor=actor,
        action="involvement.added",
        object_type="involvement_entry",
        object_id=entry.id,
        round_id=entry.round_id,
        after={
            "person_id": person.id,
            "kind": entry.kind,
            "stage": entry.stage,
            "happened_on": day.isoformat(),
            "minutes": length,
        },
    )
    return entry


def may_correct(entry: InvolvementEntry, user: User) -> bool:
    """Staff correct anyone's entry; a resident only their own."""
    return user.is_staff or (entry.person_id is not None and entry.person_id == user.id)


def correct(*, entry: InvolvementEntry, minutes: int | None, actor: User) -> bool:
    """Change how long an entry took (the resident knows best). False when nothing changed."""
    if not may_correct(entry, actor):
        raise CoproductionError("You can only change your own record.")
    length = check_minutes(minutes)
    if length == entry.minutes:
        return False
    before = entry.minutes
    entry.minutes = length
    entry.standard = False
    entry.updated_at = utcnow()
    record(
        actor=actor,
        action="involvement.corrected",
        object_type="involvement_entry",
        object_id=entry.id,
        round_id=entry.round_id,
        before={"minutes": before},
        after={"minutes": length, "person_id": entry.person_id},
    )
    db.session.flush()
    return True
