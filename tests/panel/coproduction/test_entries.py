"""Off-screen activity and corrections: a resident adds and corrects their own record; staff add
and correct anyone's; the audit log never holds a note."""

from datetime import timedelta
from typing import Any

import pytest
from flask import Flask

from panel.coproduction.services import entries
from panel.coproduction.services.errors import CoproductionError
from panel.extensions import db
from panel.models import ActivityKind, AuditEvent, CoproStage, InvolvementEntry, User
from panel.models.types import uk_today
from tests.factories import gen_entry, gen_round, gen_user


def add(person: User, actor: User, **values: Any) -> InvolvementEntry:
    fields: dict[str, Any] = {
        "kind": ActivityKind.WORKSHOP,
        "happened_on": uk_today(),
        "minutes": 90,
        "note": "Ideas workshop",
        "round_": None,
        "stage": None,
    }
    fields.update(values)
    return entries.add_offscreen(person=person, actor=actor, **fields)


def test_a_resident_adds_a_workshop_to_their_own_record_and_the_log_keeps_no_note(
    app: Flask, staff: User
) -> None:
    """Item 55: the audit row of an entry holds its kind, date and minutes, never its note."""
    pat = gen_user(name="Pat")
    round_ = gen_round(created_by=staff, members=[pat])
    entry = add(pat, pat, round_=round_, stage=CoproStage.COINITIATION, note="Private words")
    db.session.commit()
    assert (entry.kind, entry.stage, entry.minutes, entry.note) == (
        "workshop",
        "coinitiation",
        90,
        "Private words",
    )
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "involvement.added")
    ).scalar_one()
    assert event.actor_id == pat.id and event.round_id == round_.id
    assert event.after is not None and event.after["minutes"] == 90
    assert "Private words" not in str(event.after) and "note" not in event.after


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"happened_on": None}, "happened_on", "Enter the date it happened"),
        ({"happened_on": "tomorrow"}, "happened_on", "must be today or in the past"),
        ({"minutes": None}, "hours", "Enter how long it took"),
        ({"minutes": 0}, "hours", "Enter how long it took"),
        ({"minutes": 24 * 60 + 1}, "hours", "Enter 24 hours or less"),
        ({"kind": ActivityKind.REVIEW}, "kind", "Choose what it was"),
        ({"note": "x" * 2001}, "note", "Keep the note under 2,000 characters"),
    ],
)
def test_off_screen_entries_are_checked(
    app: Flask, values: dict[str, Any], field: str, message: str
) -> None:
    pat = gen_user(name="Pat")
    if values.get("happened_on") == "tomorrow":
        values["happened_on"] = uk_today() + timedelta(days=1)
    with pytest.raises(CoproductionError, match=message) as refused:
        add(pat, pat, **values)
    assert refused.value.field == field
    assert db.session.execute(db.select(InvolvementEntry)).first() is None


def test_a_round_needs_a_part_and_a_resident_only_picks_their_own_rounds(
    app: Flask, staff: User
) -> None:
    pat = gen_user(name="Pat")
    theirs = gen_round(created_by=staff, members=[pat])
    other = gen_round(created_by=staff)
    with pytest.raises(CoproductionError, match="Choose which part of the round"):
        add(pat, pat, round_=theirs)
    with pytest.raises(CoproductionError, match="Choose a round you are on the panel of"):
        add(pat, pat, round_=other, stage=CoproStage.CODESIGN)
    # Staff may record it against any round.
    assert add(pat, staff, round_=other, stage=CoproStage.CODESIGN).round_id == other.id


def test_nobody_adds_to_someone_elses_record_and_staff_have_no_record(
    app: Flask, staff: User
) -> None:
    pat, olu = gen_user(name="Pat"), gen_user(name="Olu")
    with pytest.raises(CoproductionError, match="only add to your own record"):
        add(pat, olu)
    with pytest.raises(CoproductionError, match="Only residents have an involvement record"):
        add(staff, staff)


def test_corrections_change_the_time_for_the_person_or_staff_only(app: Flask, staff: User) -> None:
    pat, olu = gen_user(name="Pat"), gen_user(name="Olu")
    entry = gen_entry(pat, kind="score_application", minutes=20, standard=True)
    with pytest.raises(CoproductionError, match="only change your own record"):
        entries.correct(entry=entry, minutes=40, actor=olu)
    assert entries.correct(entry=entry, minutes=40, actor=pat) is True
    assert entries.correct(entry=entry, minutes=40, actor=pat) is False  # nothing changed
    assert entries.correct(entry=entry, minutes=35, actor=staff) is True
    db.session.commit()
    assert (entry.minutes, entry.standard) == (35, False)
    changes = db.session.execute(
        db.select(AuditEvent.before, AuditEvent.after, AuditEvent.actor_id)
        .where(AuditEvent.action == "involvement.corrected")
        .order_by(AuditEvent.id)
    ).all()
    assert [(b["minutes"], a["minutes"], who) for b, a, who in changes] == [
        (20, 40, pat.id),
        (40, 35, staff.id),
    ]


def test_a_resident_adds_and_corrects_through_the_pages(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    pat = gen_user(name="Pat Panellist", email="pat@example.org")
    round_ = gen_round(created_by=staff, members=[pat], name="Spring round")
    auth.login(pat)
    page = client.get("/involvement/add").get_data(as_text=True)
    assert "Spring round" in page  # the rounds Pat is on, to choose from
    empty = client.post("/involvement/add", data={})
    assert empty.status_code == 400
    text = empty.get_data(as_text=True)
    assert "Choose what it was" in text and "Enter the date it happened" in text
    sent = client.post(
        "/involvement/add",
        data={
            "kind": "training",
            "happened_on": uk_today().isoformat(),
            "hours": "1",
            "minutes": "30",
            "round_id": str(round_.id),
            "stage": "scoring",
            "note": "Scoring training",
        },
        follow_redirects=True,
    )
    text = sent.get_data(as_text=True)
    assert "Added to your record." in text
    assert "Training session" in text and "Scoring training" in text and "1.5 hours" in text
    entry = db.session.execute(db.select(InvolvementEntry)).scalar_one()
    assert (entry.minutes, entry.round_id, entry.stage) == (90, round_.id, "scoring")

    changed = client.post(
        f"/involvement/entries/{entry.id}",
        data={"hours": "2", "minutes": "0"},
        follow_redirects=True,
    )
    assert "The time has been changed." in changed.get_data(as_text=True)
    db.session.refresh(entry)
    assert entry.minutes == 120
    bad = client.post(f"/involvement/entries/{entry.id}", data={"hours": "", "minutes": ""})
    assert bad.status_code == 400
    assert "Enter how long it took" in bad.get_data(as_text=True)


def test_a_time_that_is_not_a_number_gets_a_plain_message(
    app: Flask, client: Any, auth: Any
) -> None:
    pat = gen_user(name="Pat")
    entry = gen_entry(pat)
    auth.login(pat)
    response = client.post(
        f"/involvement/entries/{entry.id}", data={"hours": "two", "minutes": "half"}
    )
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Enter the hours as a whole number, like 2" in text
    assert "Not a valid integer value" not in text
