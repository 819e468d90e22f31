"""Panel meetings: their date, place and quorum, and the attendance register.

Who came feeds the involvement record: each member present (in person or by phone) gets an entry
for the meeting's length, which they can correct; a change to apologies takes it away again.
The quorum is the number of members who must be present; the agenda shows whether it was met.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete

from panel.audit import changes, record
from panel.coproduction.services.entries import EARLIEST
from panel.coproduction.services.errors import CoproductionError
from panel.extensions import db
from panel.fund import times
from panel.models import (
    ActivityKind,
    Attendance,
    CoproStage,
    FundingRound,
    InvolvementEntry,
    MeetingAttendance,
    PanelMeeting,
    RoundMember,
    User,
)
from panel.models.types import utcnow

MAX_PLACE = 200
SHORTEST, LONGEST = 15, 720  # a meeting's length in minutes: a quarter of an hour to 12 hours


@dataclass(frozen=True)
class MeetingDetails:
    """What staff type about a meeting."""

    held_on: date | None
    place: str
    remote: bool
    length_minutes: int | None
    quorum: int | None


def panel_members(round_: FundingRound) -> list[User]:
    """The round's current panel, by name: the people a register lists."""
    return list(
        db.session.execute(
            db.select(User)
            .join(RoundMember, RoundMember.user_id == User.id)
            .where(RoundMember.round_id == round_.id, RoundMember.removed_at.is_(None))
            .order_by(db.func.lower(User.display_name))
        ).scalars()
    )


def default_quorum(round_: FundingRound) -> int:
    """More than half the current panel (at least 1)."""
    return len(panel_members(round_)) // 2 + 1


def default_length() -> int:
    """A new meeting's length until staff say: the fund's usual time for the panel meeting
    (`panel.fund.times`), within the lengths a meeting may have."""
    return min(max(times.minutes_for(str(ActivityKind.MEETING)), SHORTEST), LONGEST)


def _check(details: MeetingDetails) -> tuple[date, str, int, int]:
    if details.held_on is None:
        raise CoproductionError("Enter the date of the meeting", field="held_on")
    if details.held_on < EARLIEST:
        raise CoproductionError("Enter a date in 2000 or later", field="held_on")
    place = details.place.strip()
    if not place and not details.remote:
        raise CoproductionError(
            "Enter where the meeting is, or choose by phone / online", field="place"
        )
    if len(place) > MAX_PLACE:
        raise CoproductionError(f"Keep the place under {MAX_PLACE} characters", field="place")
    length = details.length_minutes
    if length is None or not SHORTEST <= length <= LONGEST:
        raise CoproductionError(
            "Enter how long the meeting lasts: from 15 minutes to 12 hours", field="hours"
        )
    if details.quorum is None or details.quorum < 1:
        raise CoproductionError("Enter how many members must be present: 1 or more", field="quorum")
    return details.held_on, place, length, details.quorum


def _snapshot(meeting: PanelMeeting) -> dict[str, object]:
    return {
        "held_on": meeting.held_on.isoformat(),
        "place": meeting.place,
        "remote": meeting.remote,
        "length_minutes": meeting.length_minutes,
        "quorum": meeting.quorum,
    }


def create_meeting(*, round_: FundingRound, details: MeetingDetails, actor: User) -> PanelMeeting:
    """Staff set up a panel meeting of the round."""
    held_on, place, length, quorum = _check(details)
    meeting = PanelMeeting(
        round_id=round_.id,
        held_on=held_on,
        place=place,
        remote=details.remote,
        length_minutes=length,
        quorum=quorum,
        created_by_id=actor.id,
    )
    db.session.add(meeting)
    db.session.flush()
    record(
        actor=actor,
        action="meeting.created",
        object_type="panel_meeting",
        object_id=meeting.id,
        round_id=round_.id,
        after=_snapshot(meeting),
    )
    return meeting


def update_meeting(*, meeting: PanelMeeting, details: MeetingDetails, actor: User) -> bool:
    """Change a meeting's details; members' entries not corrected follow a new length."""
    held_on, place, length, quorum = _check(details)
    before = _snapshot(meeting)
    meeting.held_on, meeting.place, meeting.remote = held_on, place, details.remote
    meeting.length_minutes, meeting.quorum = length, quorum
    old, new = changes(before, _snapshot(meeting))
    if not new:
        return False
    for entry in _entries(meeting):
        entry.happened_on = held_on
        if entry.standard:
            entry.minutes = length
        entry.updated_at = utcnow()
    record(
        actor=actor,
        action="meeting.updated",
        object_type="panel_meeting",
        object_id=meeting.id,
        round_id=meeting.round_id,
        before=old,
        after=new,
    )
    db.session.flush()
    return True


def _entries(meeting: PanelMeeting) -> list[InvolvementEntry]:
    return list(
        db.session.execute(
            db.select(InvolvementEntry)
            .join(MeetingAttendance, InvolvementEntry.attendance_id == MeetingAttendance.id)
            .where(MeetingAttendance.meeting_id == meeting.id)
        ).scalars()
    )


def register_of(meeting: PanelMeeting) -> dict[int, MeetingAttendance]:
    """The meeting's register so far, by member."""
    return {a.user_id: a for a in meeting.attendance}


def register_people(meeting: PanelMeeting, round_: FundingRound) -> list[User]:
    """Who the register lists: the current panel, and anyone already marked who has left it."""
    people = panel_members(round_)
    known = {p.id for p in people}
    people += [a.user for a in meeting.attendance if a.user_id not in known]
    return people


def save_register(
    *,
    meeting: PanelMeeting,
    round_: FundingRound,
    marks: dict[int, Attendance | None],
    actor: User,
) -> int:
    """Record who came. `marks` gives each listed member's line; None leaves it as it is (a line
    once recorded is changed, never removed: the register is part of the meeting's record).

    A member newly present gets an involvement entry for the meeting's length; one no longer
    present loses it. Returns how many lines changed.
    """
    listed = {p.id: p for p in register_people(meeting, round_)}
    if set(marks) - set(listed):
        raise CoproductionError("The panel has changed. Reload the page and try again.")
    existing = register_of(meeting)
    changed: dict[str, str] = {}
    for user_id, mark in marks.items():
        line = existing.get(user_id)
        old = Attendance(line.status) if line is not None else None
        if mark is None or old == mark:
            continue
        changed[str(user_id)] = str(mark)
        if line is None:
            line = MeetingAttendance(meeting_id=meeting.id, user_id=user_id, status=str(mark))
            db.session.add(line)
        line.status = str(mark)
        line.recorded_by_id = actor.id
        line.recorded_at = utcnow()
        db.session.flush()
        if mark.present and not (old is not None and old.present):
            db.session.add(
                InvolvementEntry(
                    person_id=user_id,
                    round_id=meeting.round_id,
                    stage=str(CoproStage.MEETING),
                    kind=str(ActivityKind.MEETING),
                    happened_on=meeting.held_on,
                    minutes=meeting.length_minutes,
                    standard=True,
                    attendance_id=line.id,
                    recorded_by_id=actor.id,
                )
            )
        elif not mark.present:
            _drop_entry(line)
    if not changed:
        return 0
    db.session.flush()
    db.session.expire(meeting, ["attendance"])
    record(
        actor=actor,
        action="meeting.register_saved",
        object_type="panel_meeting",
        object_id=meeting.id,
        round_id=meeting.round_id,
        after={"changed": changed, **attendance_counts(meeting)},
    )
    return len(changed)


def _drop_entry(line: MeetingAttendance) -> None:
    """A member no longer present: the entry the register made for them goes (it was only ever
    a copy of their line, which stays)."""
    db.session.execute(
        delete(InvolvementEntry)
        .where(InvolvementEntry.attendance_id == line.id)
        .execution_options(synchronize_session="fetch")
    )


def attendance_counts(meeting: PanelMeeting) -> dict[str, int]:
    """How many members are marked each way."""
    counts = {str(a): 0 for a in Attendance}
    for line in meeting.attendance:
        counts[line.status] += 1
    return counts


def meetings_of(round_: FundingRound) -> list[PanelMeeting]:
    """The round's meetings, latest first."""
    return list(
        db.session.execute(
            db.select(PanelMeeting)
            .where(PanelMeeting.round_id == round_.id)
            .order_by(PanelMeeting.held_on.desc(), PanelMeeting.id.desc())
        ).scalars()
    )


@dataclass(frozen=True)
class MeetingSummary:
    """What the agenda says about the meeting: when, where, who came, and the quorum."""

    meeting: PanelMeeting
    in_person: int
    phone: int
    apologies: int
    taken: bool

    @property
    def present(self) -> int:
        return self.in_person + self.phone

    @property
    def quorate(self) -> bool:
        return self.present >= self.meeting.quorum

    @property
    def sentence(self) -> str:
        """The quorum in words, for everyone on the panel."""
        quorum = self.meeting.quorum
        if not self.taken:
            return (
                f"The register has not been taken yet. {quorum} "
                f"{'member needs' if quorum == 1 else 'members need'} to be present."
            )
        came = f"{self.present} {'member' if self.present == 1 else 'members'} present"
        detail = f" ({self.in_person} in person, {self.phone} by phone or online)"
        apologies = f", {self.apologies} sent apologies" if self.apologies else ""
        verdict = (
            f"The meeting is quorate (at least {quorum} needed)."
            if self.quorate
            else f"The meeting is not quorate: {quorum} needed."
        )
        return f"{came}{detail}{apologies}. {verdict}"


def meeting_summary(round_: FundingRound) -> MeetingSummary | None:
    """The round's latest meeting with its register and quorum, or None before any is set up."""
    found = meetings_of(round_)
    if not found:
        return None
    meeting = found[0]
    counts = attendance_counts(meeting)
    return MeetingSummary(
        meeting=meeting,
        in_person=counts[Attendance.IN_PERSON],
        phone=counts[Attendance.PHONE],
        apologies=counts[Attendance.APOLOGIES],
        taken=bool(meeting.attendance),
    )
