"""Panel meetings: date, place and quorum; the register feeds the involvement record and the
quorum shown on the meeting agenda."""

from typing import Any

import pytest
from flask import Flask

from panel.coproduction.services import meetings
from panel.coproduction.services.errors import CoproductionError
from panel.extensions import db
from panel.models import Attendance, AuditEvent, InvolvementEntry, User
from panel.models.types import uk_today
from tests.factories import gen_meeting
from tests.worlds import gen_worked_round


def meeting_entries() -> list[tuple[int | None, int, bool]]:
    db.session.expire_all()
    return [
        (e.person_id, e.minutes, e.standard)
        for e in db.session.execute(
            db.select(InvolvementEntry)
            .where(InvolvementEntry.kind == "panel_meeting")
            .order_by(InvolvementEntry.person_id)
        ).scalars()
    ]


def details(**values: Any) -> meetings.MeetingDetails:
    fields: dict[str, Any] = {
        "held_on": uk_today(),
        "place": "Beeston Hub",
        "remote": False,
        "length_minutes": 120,
        "quorum": 3,
    }
    return meetings.MeetingDetails(**{**fields, **values})


def test_the_register_adds_the_meeting_to_each_present_members_record(
    app: Flask, staff: User
) -> None:
    worked = gen_worked_round(staff)
    round_, panel = worked["round"], worked["panel"]
    meeting = meetings.create_meeting(round_=round_, details=details(), actor=staff)
    changed = meetings.save_register(
        meeting=meeting,
        round_=round_,
        marks={
            panel[0].id: Attendance.IN_PERSON,
            panel[1].id: Attendance.PHONE,
            panel[2].id: Attendance.APOLOGIES,
            panel[3].id: None,
        },
        actor=staff,
    )
    db.session.commit()
    assert changed == 3
    assert meeting_entries() == [(panel[0].id, 120, True), (panel[1].id, 120, True)]
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "meeting.register_saved")
    ).scalar_one()
    assert event.after is not None
    assert (event.after["in_person"], event.after["phone"], event.after["apologies"]) == (1, 1, 1)

    # Panellist 2 did not really come; panellist 4 did after all; the meeting ran longer.
    meetings.save_register(
        meeting=meeting,
        round_=round_,
        marks={panel[1].id: Attendance.APOLOGIES, panel[3].id: Attendance.IN_PERSON},
        actor=staff,
    )
    meetings.update_meeting(meeting=meeting, details=details(length_minutes=150), actor=staff)
    db.session.commit()
    assert meeting_entries() == [(panel[0].id, 150, True), (panel[3].id, 150, True)]
    # A line once recorded is changed, never removed: "no mark" leaves it as it is.
    assert (
        meetings.save_register(
            meeting=meeting, round_=round_, marks={panel[0].id: None}, actor=staff
        )
        == 0
    )
    assert meetings.register_of(meeting)[panel[0].id].status == "in_person"


def test_a_member_who_corrected_their_meeting_time_keeps_it(app: Flask, staff: User) -> None:
    worked = gen_worked_round(staff)
    round_, pat = worked["round"], worked["panel"][0]
    meeting = gen_meeting(round_)
    meetings.save_register(
        meeting=meeting, round_=round_, marks={pat.id: Attendance.IN_PERSON}, actor=staff
    )
    entry = db.session.execute(db.select(InvolvementEntry)).scalar_one()
    entry.minutes, entry.standard = 90, False  # left early
    meetings.update_meeting(meeting=meeting, details=details(length_minutes=180), actor=staff)
    db.session.commit()
    assert meeting_entries() == [(pat.id, 90, False)]


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"held_on": None}, "held_on", "Enter the date of the meeting"),
        ({"place": "", "remote": False}, "place", "or choose by phone / online"),
        ({"length_minutes": 10}, "hours", "from 15 minutes to 12 hours"),
        ({"quorum": 0}, "quorum", "1 or more"),
    ],
)
def test_meetings_are_checked(
    app: Flask, staff: User, values: dict[str, Any], field: str, message: str
) -> None:
    worked = gen_worked_round(staff)
    with pytest.raises(CoproductionError, match=message) as refused:
        meetings.create_meeting(round_=worked["round"], details=details(**values), actor=staff)
    assert refused.value.field == field


def test_a_meeting_by_phone_only_needs_no_place(app: Flask, staff: User) -> None:
    worked = gen_worked_round(staff)
    meeting = meetings.create_meeting(
        round_=worked["round"], details=details(place="", remote=True), actor=staff
    )
    assert meeting.where == "By phone / online"


def test_the_agenda_shows_the_meeting_and_whether_it_is_quorate(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    worked = gen_worked_round(staff)
    round_, panel = worked["round"], worked["panel"]
    auth.login(staff)
    page = client.get(f"/rounds/{round_.id}/meeting").get_data(as_text=True)
    assert "The meeting:" not in page  # none set up yet
    meeting = gen_meeting(round_, quorum=3, place="Beeston Hub")
    page = client.get(f"/rounds/{round_.id}/meeting").get_data(as_text=True)
    assert "Beeston Hub" in page and "The register has not been taken yet. 3 members" in page
    meetings.save_register(
        meeting=meeting,
        round_=round_,
        marks={panel[0].id: Attendance.IN_PERSON, panel[1].id: Attendance.PHONE},
        actor=staff,
    )
    db.session.commit()
    page = client.get(f"/rounds/{round_.id}/meeting").get_data(as_text=True)
    assert "2 members present (1 in person, 1 by phone or online)" in page
    assert "The meeting is not quorate: 3 needed." in page
    meetings.save_register(
        meeting=meeting, round_=round_, marks={panel[2].id: Attendance.IN_PERSON}, actor=staff
    )
    db.session.commit()
    auth.logout()
    auth.login(panel[4])  # a panellist sees it too
    page = client.get(f"/rounds/{round_.id}/meeting").get_data(as_text=True)
    assert "The meeting is quorate (at least 3 needed)." in page


def test_staff_set_up_a_meeting_and_take_the_register_through_the_pages(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    worked = gen_worked_round(staff)
    round_, panel = worked["round"], worked["panel"]
    auth.login(staff)
    new = client.get(f"/rounds/{round_.id}/meetings/new").get_data(as_text=True)
    assert 'value="3"' in new  # the default quorum: more than half of 5
    empty = client.post(f"/rounds/{round_.id}/meetings/new", data={"quorum": "3"})
    assert empty.status_code == 400
    assert "Enter the date of the meeting" in empty.get_data(as_text=True)
    made = client.post(
        f"/rounds/{round_.id}/meetings/new",
        data={"held_on": uk_today().isoformat(), "remote": "y", "hours": "2", "quorum": "3"},
    )
    assert made.status_code == 302
    meeting = meetings.meetings_of(round_)[0]
    register = client.get(made.location).get_data(as_text=True)
    assert all(p.display_name in register for p in panel)
    data = {f"mark_{p.id}": "in_person" for p in panel[:3]}
    data[f"mark_{panel[3].id}"] = "apologies"
    saved = client.post(
        f"/rounds/{round_.id}/meetings/{meeting.id}/register", data=data, follow_redirects=True
    )
    text = saved.get_data(as_text=True)
    assert "The register has been saved (4 changes)." in text
    assert "3 in person, 0 by phone or online, 1 sent apologies." in text
    assert len(meeting_entries()) == 3
