"""Expenses and payments: a resident claims; staff approve or refuse (with a reason) and pay;
every step audited with its amount; a claim never moves twice (items 53 to 56)."""

from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.orm.attributes import set_committed_value

from panel.coproduction.services import expenses
from panel.coproduction.services.errors import CoproductionError, StaleChange
from panel.coproduction.services.person import person_record, tax_year, tax_year_label
from panel.extensions import db
from panel.models import AuditEvent, Expense, ExpenseKind, Payment, PaymentKind, User
from panel.models.types import uk_today
from tests.factories import gen_expense, gen_payment, gen_round, gen_user


def log(action: str) -> list[AuditEvent]:
    return list(
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        ).scalars()
    )


def test_a_claim_goes_from_waiting_to_approved_to_paid_and_each_step_is_audited(
    app: Flask, staff: User
) -> None:
    """Item 56: every approval and payment is audited, with its amount in pence."""
    pat = gen_user(name="Pat")
    round_ = gen_round(created_by=staff, members=[pat])
    claim = expenses.claim(
        person=pat,
        kind=ExpenseKind.TRAVEL,
        amount_pence=4_60,
        spent_on=uk_today(),
        note="Bus from Holbeck",
        round_=round_,
        actor=pat,
    )
    expenses.approve(expense=claim, expected="claimed", actor=staff)
    expenses.mark_paid(expense=claim, expected="approved", paid_on=uk_today(), actor=staff)
    db.session.commit()
    assert (claim.status, claim.amount_pence, claim.paid_on) == ("paid", 4_60, uk_today())
    assert claim.decided_by_id == staff.id and claim.paid_by_id == staff.id
    steps = [
        (e.action, e.actor_id, (e.after or {}).get("amount_pence")) for e in log("expense.claimed")
    ]
    steps += [
        (e.action, e.actor_id, (e.after or {})["amount_pence"]) for e in log("expense.approved")
    ]
    steps += [(e.action, e.actor_id, (e.after or {})["amount_pence"]) for e in log("expense.paid")]
    assert steps == [
        ("expense.claimed", pat.id, 4_60),
        ("expense.approved", staff.id, 4_60),
        ("expense.paid", staff.id, 4_60),
    ]
    assert all("Bus from Holbeck" not in str(e.after) for e in log("expense.claimed"))


def test_a_refusal_needs_a_reason_the_resident_reads_and_is_audited_without_it(
    app: Flask, staff: User
) -> None:
    """Items 55 and 56: a refusal is audited with its amount, its reason stays on the claim."""
    pat = gen_user(name="Pat")
    claim = gen_expense(pat, kind="refreshments", amount_pence=12_00)
    with pytest.raises(CoproductionError, match="Write the reason the resident will read"):
        expenses.refuse(expense=claim, expected="claimed", reason="  ", actor=staff)
    expenses.refuse(expense=claim, expected="claimed", reason="Lunch was provided.", actor=staff)
    db.session.commit()
    assert (claim.status, claim.reason) == ("refused", "Lunch was provided.")
    (event,) = log("expense.refused")
    assert event.after == {"status": "refused", "amount_pence": 12_00}


@pytest.mark.parametrize(
    ("status", "move", "message"),
    [
        ("claimed", "pay", "cannot change that way"),
        ("refused", "approve", "cannot change that way"),
        ("paid", "refuse", "cannot change that way"),
        ("paid", "approve", "cannot change that way"),
    ],
)
def test_a_claim_only_moves_forward(
    app: Flask, staff: User, status: str, move: str, message: str
) -> None:
    """Item 56: a claim's status never moves back or sideways, and nothing is logged."""
    claim = gen_expense(gen_user(), status=status)
    with pytest.raises(CoproductionError, match=message):
        if move == "pay":
            expenses.mark_paid(expense=claim, expected=status, paid_on=uk_today(), actor=staff)
        elif move == "approve":
            expenses.approve(expense=claim, expected=status, actor=staff)
        else:
            expenses.refuse(expense=claim, expected=status, reason="No", actor=staff)
    db.session.rollback()
    assert db.session.get(Expense, claim.id).status == status  # type: ignore[union-attr]
    assert log("expense.approved") + log("expense.paid") + log("expense.refused") == []


def test_two_staff_cannot_pay_the_same_claim_twice(app: Flask, staff: User) -> None:
    """Item 56: the move is one conditional UPDATE on the status the page showed. A second
    member of staff whose page still said "approved" is refused, and only one payment is
    logged, even when their copy of the row is out of date."""
    claim = gen_expense(gen_user(), status="approved")
    claim_id = claim.id
    db.session.commit()  # no transaction open here: the other one may write
    # Someone else pays it in another transaction; this session's copy still says approved.
    with db.engine.begin() as conn:
        conn.execute(
            sa.update(Expense.__table__)
            .where(Expense.__table__.c.id == claim_id)
            .values(status="paid", paid_on=uk_today())
        )
    set_committed_value(claim, "status", "approved")
    with pytest.raises(StaleChange, match="Someone else has changed this claim"):
        expenses.mark_paid(expense=claim, expected="approved", paid_on=uk_today(), actor=staff)
    db.session.rollback()
    assert log("expense.paid") == []
    # And a page showing an older status is refused before anything is tried.
    db.session.refresh(claim)
    with pytest.raises(StaleChange):
        expenses.approve(expense=claim, expected="claimed", actor=staff)


def test_claims_are_checked(app: Flask, staff: User) -> None:
    pat = gen_user(name="Pat")

    def claim(**values: Any) -> Expense:
        fields: dict[str, Any] = {
            "kind": ExpenseKind.TRAVEL,
            "amount_pence": 100,
            "spent_on": uk_today(),
            "note": "",
            "round_": None,
        }
        return expenses.claim(person=pat, actor=pat, **{**fields, **values})

    for values, message in (
        ({"amount_pence": None}, "Enter the amount you spent"),
        ({"amount_pence": 0}, "more than £0"),
        ({"amount_pence": 10_000_01}, "£10,000 or less"),
        ({"spent_on": uk_today() + timedelta(days=1)}, "must be today or in the past"),
    ):
        with pytest.raises(CoproductionError, match=message):
            claim(**values)
    paid = claim()
    expenses.approve(expense=paid, expected="claimed", actor=staff)
    with pytest.raises(CoproductionError, match="cannot be before the money was spent"):
        expenses.mark_paid(
            expense=paid,
            expected="approved",
            paid_on=uk_today() - timedelta(days=1),
            actor=staff,
        )


def test_payments_are_staffs_to_record_and_add_up_per_tax_year(app: Flask, staff: User) -> None:
    pat = gen_user(name="Pat")
    with pytest.raises(CoproductionError, match="Only staff record payments"):
        expenses.record_payment(
            person=pat,
            kind=PaymentKind.VOUCHER,
            amount_pence=20_00,
            paid_on=uk_today(),
            note="",
            round_=None,
            actor=pat,
        )
    gen_payment(pat, amount_pence=20_00, paid_on=date(2026, 4, 5))  # last day of 2025-26
    gen_payment(pat, amount_pence=25_00, paid_on=date(2026, 4, 6))  # first day of 2026-27
    gen_payment(pat, kind="payment", amount_pence=40_00, paid_on=date(2027, 1, 10))
    record = person_record(pat)
    assert record.payments_by_year == {2026: 65_00, 2025: 20_00}
    assert tax_year(date(2026, 4, 5)) == 2025 and tax_year(date(2026, 4, 6)) == 2026
    assert tax_year_label(2026) == "6 April 2026 to 5 April 2027"
    made = expenses.record_payment(
        person=pat,
        kind=PaymentKind.PAYMENT,
        amount_pence=30_00,
        paid_on=uk_today(),
        note="Chairing",
        round_=None,
        actor=staff,
    )
    db.session.commit()
    (event,) = log("payment.recorded")
    assert event.object_id == made.id and event.actor_id == staff.id
    assert event.after is not None and event.after["amount_pence"] == 30_00
    assert "Chairing" not in str(event.after)


def test_staff_decide_and_pay_a_claim_through_the_pages(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    pat = gen_user(name="Pat Panellist")
    claim = gen_expense(pat, kind="care", amount_pence=18_00, note="Childminder")
    auth.login(staff)
    listed = client.get("/coproduction/expenses").get_data(as_text=True)
    assert "Pat Panellist" in listed and "£18" in listed
    page = client.get(f"/coproduction/expenses/{claim.id}").get_data(as_text=True)
    assert "Childminder" in page and "Approve or refuse" in page
    refused = client.post(
        f"/coproduction/expenses/{claim.id}", data={"status": "claimed", "decision": "refuse"}
    )
    assert refused.status_code == 400
    assert "Write the reason the resident will read" in refused.get_data(as_text=True)
    approved = client.post(
        f"/coproduction/expenses/{claim.id}",
        data={"status": "claimed", "decision": "approve"},
        follow_redirects=True,
    )
    assert "The claim has been approved, not paid yet." in approved.get_data(as_text=True)
    stale = client.post(
        f"/coproduction/expenses/{claim.id}", data={"status": "claimed", "decision": "approve"}
    )
    assert stale.status_code == 409
    assert "Someone else has changed this claim" in stale.get_data(as_text=True)
    paid = client.post(
        f"/coproduction/expenses/{claim.id}/paid",
        data={"status": "approved", "paid_on": uk_today().isoformat()},
        follow_redirects=True,
    )
    assert "The claim has been marked as paid." in paid.get_data(as_text=True)
    db.session.refresh(claim)
    assert claim.status == "paid"
    assert len(log("expense.approved")) == 1 and len(log("expense.paid")) == 1


def test_the_payment_page_tells_staff_about_benefits_and_the_years_total(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    pat = gen_user(name="Pat Panellist")
    gen_payment(pat, amount_pence=20_00)
    auth.login(staff)
    page = client.get(f"/people/{pat.id}/payments/new").get_data(as_text=True)
    assert "Payments and vouchers can affect some benefits" in page
    assert "£20" in page and tax_year_label(tax_year(uk_today())) in page
    made = client.post(
        f"/people/{pat.id}/payments/new",
        data={"kind": "voucher", "amount": "£15.50", "paid_on": uk_today().isoformat()},
        follow_redirects=True,
    )
    assert "The voucher has been recorded." in made.get_data(as_text=True)
    amounts = (
        db.session.execute(db.select(Payment.amount_pence).order_by(Payment.id)).scalars().all()
    )
    assert amounts == [20_00, 15_50]
