"""Staff time: who among staff spent how long supporting a round, at which stage, on what."""

from datetime import date

from panel.audit import record
from panel.coproduction.services.entries import check_day, check_minutes, check_note
from panel.coproduction.services.errors import CoproductionError
from panel.extensions import db
from panel.models import CoproStage, FundingRound, StaffTime, User
from panel.models.involvement import MAX_STAFF_MINUTES


def record_staff_time(
    *,
    round_: FundingRound,
    staff_member: User,
    stage: CoproStage | None,
    minutes: int | None,
    worked_on: date | None,
    note: str,
    actor: User,
) -> StaffTime:
    """Staff record time spent on a round (their own, or a colleague's)."""
    if not actor.is_staff:
        raise CoproductionError("Only staff record staff time.")
    if not staff_member.is_staff:
        raise CoproductionError("Choose a member of staff", field="staff_id")
    if stage is None:
        raise CoproductionError("Choose which part of the round it was for", field="stage")
    day = check_day(worked_on, field="worked_on", what="the work was done")
    length = check_minutes(minutes, most=MAX_STAFF_MINUTES)
    text = check_note(note)
    if not text:
        raise CoproductionError("Say what the time was spent on", field="note")
    row = StaffTime(
        staff_id=staff_member.id,
        round_id=round_.id,
        stage=str(stage),
        worked_on=day,
        minutes=length,
        note=text,
        recorded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    record(
        actor=actor,
        action="staff_time.recorded",
        object_type="staff_time",
        object_id=row.id,
        round_id=round_.id,
        after={
            "staff_id": staff_member.id,
            "stage": row.stage,
            "minutes": length,
            "worked_on": day.isoformat(),
        },
    )
    return row


def staff_time_of(round_: FundingRound) -> list[tuple[StaffTime, str]]:
    """The round's staff time, newest first, each with the staff member's name (or "Erased")."""
    rows = db.session.execute(
        db.select(StaffTime, User.display_name)
        .outerjoin(User, StaffTime.staff_id == User.id)
        .where(StaffTime.round_id == round_.id)
        .order_by(StaffTime.worked_on.desc(), StaffTime.id.desc())
    ).all()
    return [(row, name or "Erased") for row, name in rows]


def staff_members() -> list[User]:
    """Active staff, by name: who staff time can be recorded for."""
    return list(
        db.session.execute(
            db.select(User)
            .where(User.role == "staff", User.active.is_(True))
            .order_by(db.func.lower(User.display_name))
        ).scalars()
    )
