"""Staff time per round and stage, and the staff pages about people's records."""

from typing import Any

import pytest
from flask import Flask

from panel.coproduction.services.errors import CoproductionError
from panel.coproduction.services.staff_time import record_staff_time
from panel.extensions import db
from panel.models import AuditEvent, CoproStage, StaffTime, User
from panel.models.types import uk_today
from tests.factories import gen_entry, gen_expense, gen_payment, gen_round, gen_staff, gen_user


def test_staff_time_is_recorded_per_round_and_stage_for_staff_only(app: Flask, staff: User) -> None:
    round_ = gen_round(created_by=staff)
    tom = gen_staff(name="Tom Greene")
    pat = gen_user(name="Pat")
    row = record_staff_time(
        round_=round_,
        staff_member=tom,
        stage=CoproStage.MEETING,
        minutes=150,
        worked_on=uk_today(),
        note="Chairing the meeting",
        actor=staff,
    )
    db.session.commit()
    assert (row.staff_id, row.stage, row.minutes, row.recorded_by_id) == (
        tom.id,
        "meeting",
        150,
        staff.id,
    )
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "staff_time.recorded")
    ).scalar_one()
    assert event.after is not None and event.after["minutes"] == 150
    with pytest.raises(CoproductionError, match="Choose a member of staff"):
        record_staff_time(
            round_=round_,
            staff_member=pat,
            stage=CoproStage.MEETING,
            minutes=60,
            worked_on=uk_today(),
            note="x",
            actor=staff,
        )
    with pytest.raises(CoproductionError, match="Enter 200 hours or less"):
        record_staff_time(
            round_=round_,
            staff_member=tom,
            stage=CoproStage.MEETING,
            minutes=200 * 60 + 1,
            worked_on=uk_today(),
            note="x",
            actor=staff,
        )


def test_staff_add_time_on_the_rounds_page(app: Flask, client: Any, auth: Any, staff: User) -> None:
    round_ = gen_round(created_by=staff, name="Spring round")
    auth.login(staff)
    page = client.get(f"/rounds/{round_.id}/staff-time").get_data(as_text=True)
    assert "No staff time is recorded" in page
    missing = client.post(
        f"/rounds/{round_.id}/staff-time",
        data={"staff_id": str(staff.id), "stage": "codesign", "worked_on": uk_today().isoformat()},
    )
    assert missing.status_code == 400
    text = missing.get_data(as_text=True)
    assert "Say what the time was spent on" in text
    saved = client.post(
        f"/rounds/{round_.id}/staff-time",
        data={
            "staff_id": str(staff.id),
            "stage": "codesign",
            "worked_on": uk_today().isoformat(),
            "hours": "3",
            "minutes": "30",
            "note": "Criteria workshop",
        },
        follow_redirects=True,
    )
    text = saved.get_data(as_text=True)
    assert "The staff time has been recorded." in text
    assert "Criteria workshop" in text and "3.5 hours" in text
    assert db.session.execute(db.select(StaffTime.minutes)).scalar_one() == 210
    report = client.get(f"/rounds/{round_.id}/coproduction").get_data(as_text=True)
    assert "and staff 3.5 hours (1 person)" in report


def test_a_residents_record_for_staff_shows_the_benefits_note_and_the_erase_link(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    pat = gen_user(name="Pat Panellist")
    gen_entry(pat, minutes=90, note="Ideas workshop")
    gen_expense(pat, status="refused")
    gen_payment(pat, amount_pence=20_00)
    auth.login(staff)
    page = client.get(f"/people/{pat.id}/involvement").get_data(as_text=True)
    assert "Pat Panellist has given 1.5 hours" in page
    assert "Ideas workshop" in page and "Not something we pay for." in page
    assert "Payments and vouchers can affect some benefits" in page
    assert f"/people/{pat.id}/involvement/erase" in page
    assert client.get(f"/people/{staff.id}/involvement").status_code == 404  # staff: no record
    auth.logout()
    auth.login(pat)
    own = client.get("/involvement").get_data(as_text=True)
    assert "You have given 1.5 hours" in own
    assert "can affect some benefits" not in own  # the note is for staff
    assert "/erase" not in own


def test_staff_record_a_claim_and_off_screen_time_for_a_resident(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    pat = gen_user(name="Pat Panellist")
    round_ = gen_round(created_by=staff, name="Any round")  # Pat is not on it: staff may
    auth.login(staff)
    added = client.post(
        f"/people/{pat.id}/involvement/add",
        data={
            "kind": "phone_call",
            "happened_on": uk_today().isoformat(),
            "minutes": "20",
            "round_id": str(round_.id),
            "stage": "scoring",
        },
        follow_redirects=True,
    )
    assert "Added to the involvement record." in added.get_data(as_text=True)
    claimed = client.post(
        f"/people/{pat.id}/expenses/new",
        data={"kind": "travel", "amount": "3.20", "spent_on": uk_today().isoformat()},
        follow_redirects=True,
    )
    text = claimed.get_data(as_text=True)
    assert "The claim has been recorded." in text and "£3.20" in text
    assert "Phone call" in text and "20 minutes" in text
