"""Item 55: a person's involvement record is erasable. Their rows lose the link to them and their
notes; the round's totals still add up; the erasure is audited without what was erased."""

from typing import Any

import pytest
from flask import Flask

from panel.coproduction.services.errors import CoproductionError
from panel.coproduction.services.person import erase_record, person_record
from panel.coproduction.services.report import round_report
from panel.extensions import db
from panel.models import AuditEvent, Expense, InvolvementEntry, Payment, User
from tests.factories import gen_entry, gen_expense, gen_payment, gen_round, gen_user


def test_erasing_keeps_the_rounds_totals_and_removes_the_person_and_their_notes(
    app: Flask, staff: User
) -> None:
    """Item 55: after erasure the report is unchanged, nothing links the rows to Pat, the notes
    are gone, and the log says how many rows, not what they held."""
    pat, olu = gen_user(name="Pat"), gen_user(name="Olu")
    round_ = gen_round(created_by=staff, members=[pat, olu])
    gen_entry(pat, round_=round_, stage="codesign", minutes=60, note="Pat's private words")
    gen_entry(pat, round_=round_, stage="scoring", minutes=30, recorded_by_id=pat.id)
    gen_entry(olu, round_=round_, stage="scoring", minutes=45)
    gen_expense(pat, round_=round_, status="refused", note="Taxi to the hub")
    gen_expense(pat, round_=round_, status="paid", amount_pence=7_20, claimed_by_id=pat.id)
    gen_payment(pat, round_=round_, note="Voucher note")
    before = round_report(round_)

    erased = erase_record(person=pat, actor=staff)
    db.session.commit()
    assert (erased.entries, erased.expenses, erased.payments) == (2, 2, 1)
    after = round_report(round_)
    assert after.total == before.total  # minutes and people alike
    assert after.stages == before.stages
    assert after.expense_totals == before.expense_totals
    assert after.payments_total == before.payments_total

    assert person_record(pat).entries == [] and person_record(pat).expenses == []
    for model in (InvolvementEntry, Expense, Payment):
        rows = (
            db.session.execute(
                db.select(model).where(model.erased_key.is_not(None))  # type: ignore[attr-defined]
            )
            .scalars()
            .all()
        )
        assert rows and all(r.person_id is None and r.note == "" for r in rows)
        assert len({r.erased_key for r in rows}) == 1
    refused = db.session.execute(db.select(Expense).where(Expense.status == "refused")).scalar_one()
    assert refused.reason == "(erased)"
    assert (
        db.session.execute(
            db.select(Expense.claimed_by_id).where(Expense.status == "paid")
        ).scalar_one()
        is None
    )
    assert person_record(olu).total_minutes == 45  # nobody else's record changes
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "involvement.erased")
    ).scalar_one()
    assert event.object_id == pat.id and event.actor_id == staff.id
    assert event.after == {"entries": 2, "expenses": 2, "payments": 1, "staff_time": 0}


def test_open_claims_must_be_settled_before_erasing(app: Flask, staff: User) -> None:
    """Item 55: a claim still open is money owed: it is settled before the record is erased."""
    pat = gen_user(name="Pat")
    gen_expense(pat, status="approved")
    with pytest.raises(CoproductionError, match="1 expense claim still open"):
        erase_record(person=pat, actor=staff)
    with pytest.raises(CoproductionError, match="Only staff"):
        erase_record(person=pat, actor=pat)


def test_staff_erase_a_record_from_the_people_pages(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    pat = gen_user(name="Pat Panellist")
    gen_entry(pat, note="Something personal")
    auth.login(staff)
    person = client.get(f"/people/{pat.id}").get_data(as_text=True)
    assert f"/people/{pat.id}/involvement" in person  # from the People area
    confirm = client.get(f"/people/{pat.id}/involvement/erase").get_data(as_text=True)
    assert "You cannot undo this." in confirm
    done = client.post(f"/people/{pat.id}/involvement/erase", follow_redirects=True)
    text = done.get_data(as_text=True)
    assert "Pat Panellist&#39;s involvement record has been erased (1 entry)." in text
    assert "Something personal" not in text
