"""Expenses and payments: a resident's claim, staff approving or refusing it and paying it, and
payments or vouchers for time given.

A claim's status only moves forward: claimed -> approved -> paid, or claimed (or approved, not
yet paid) -> refused. Each move is one conditional UPDATE on the status the page showed, so two
members of staff can never approve or pay the same claim twice. Every step is audited with its
amount; notes and reasons stay on the claim only (personal data, erasable).
"""

from datetime import date

from sqlalchemy import update

from panel.audit import record
from panel.coproduction.services.entries import check_day, check_note, check_person_and_round
from panel.coproduction.services.errors import CoproductionError, StaleChange
from panel.database import rows_changed
from panel.extensions import db
from panel.models import (
    Expense,
    ExpenseKind,
    ExpenseStatus,
    FundingRound,
    Payment,
    PaymentKind,
    User,
)
from panel.models.types import utcnow

MAX_AMOUNT_PENCE = 10_000_00  # one claim or payment: up to £10,000
MAX_REASON = 2000


def _amount(pence: int | None, *, what: str) -> int:
    if pence is None:
        raise CoproductionError(f"Enter the amount {what}", field="amount")
    if pence <= 0:
        raise CoproductionError("Enter an amount of more than £0", field="amount")
    if pence > MAX_AMOUNT_PENCE:
        raise CoproductionError("Enter an amount of £10,000 or less", field="amount")
    return pence


def claim(
    *,
    person: User,
    kind: ExpenseKind,
    amount_pence: int | None,
    spent_on: date | None,
    note: str,
    round_: FundingRound | None,
    actor: User,
) -> Expense:
    """A resident claims what taking part cost them (or staff record the claim for them)."""
    check_person_and_round(person=person, round_=round_, actor=actor)
    amount = _amount(amount_pence, what="you spent")
    day = check_day(spent_on, field="spent_on", what="you spent it")
    expense = Expense(
        person_id=person.id,
        round_id=round_.id if round_ is not None else None,
        kind=str(kind),
        amount_pence=amount,
        spent_on=day,
        note=check_note(note),
        status=ExpenseStatus.CLAIMED,
        claimed_by_id=actor.id,
    )
    db.session.add(expense)
    db.session.flush()
    record(
        actor=actor,
        action="expense.claimed",
        object_type="expense",
        object_id=expense.id,
        round_id=expense.round_id,
        after={
            "person_id": person.id,
            "kind": expense.kind,
            "amount_pence": amount,
            "spent_on": day.isoformat(),
        },
    )
    return expense


def _move(
    expense: Expense, *, expected: str, allowed_from: tuple[ExpenseStatus, ...], **values: object
) -> None:
    """Move the claim on from the status the page showed, atomically, or refuse."""
    if expected != expense.status:
        raise StaleChange("Someone else has changed this claim. Check it and try again.")
    if expense.expense_status not in allowed_from:
        raise CoproductionError(
            f"This claim is {expense.expense_status.label.lower()}: it cannot change that way."
        )
    done = rows_changed(
        update(Expense)
        .where(Expense.id == expense.id, Expense.status == expected)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if done != 1:
        raise StaleChange("Someone else has changed this claim. Check it and try again.")
    db.session.refresh(expense)


def approve(*, expense: Expense, expected: str, actor: User) -> None:
    """Staff approve a claim that is waiting."""
    _move(
        expense,
        expected=expected,
        allowed_from=(ExpenseStatus.CLAIMED,),
        status=ExpenseStatus.APPROVED,
        decided_by_id=actor.id,
        decided_at=utcnow(),
    )
    record(
        actor=actor,
        action="expense.approved",
        object_type="expense",
        object_id=expense.id,
        round_id=expense.round_id,
        before={"status": expected},
        after={"status": expense.status, "amount_pence": expense.amount_pence},
    )


def refuse(*, expense: Expense, expected: str, reason: str, actor: User) -> None:
    """Staff refuse a claim, with a reason the resident will read (not yet paid ones only)."""
    text = (reason or "").strip()
    if not text:
        raise CoproductionError("Write the reason the resident will read", field="reason")
    if len(text) > MAX_REASON:
        raise CoproductionError(f"Keep the reason under {MAX_REASON:,} characters", field="reason")
    _move(
        expense,
        expected=expected,
        allowed_from=(ExpenseStatus.CLAIMED, ExpenseStatus.APPROVED),
        status=ExpenseStatus.REFUSED,
        reason=text,
        decided_by_id=actor.id,
        decided_at=utcnow(),
    )
    record(
        actor=actor,
        action="expense.refused",
        object_type="expense",
        object_id=expense.id,
        round_id=expense.round_id,
        before={"status": expected},
        after={"status": expense.status, "amount_pence": expense.amount_pence},
    )


def mark_paid(*, expense: Expense, expected: str, paid_on: date | None, actor: User) -> None:
    """Staff mark an approved claim paid, on the day the money went."""
    day = check_day(paid_on, field="paid_on", what="it was paid")
    if day < expense.spent_on:
        raise CoproductionError(
            "The date it was paid cannot be before the money was spent", field="paid_on"
        )
    _move(
        expense,
        expected=expected,
        allowed_from=(ExpenseStatus.APPROVED,),
        status=ExpenseStatus.PAID,
        paid_on=day,
        paid_by_id=actor.id,
    )
    record(
        actor=actor,
        action="expense.paid",
        object_type="expense",
        object_id=expense.id,
        round_id=expense.round_id,
        before={"status": expected},
        after={
            "status": expense.status,
            "amount_pence": expense.amount_pence,
            "paid_on": day.isoformat(),
        },
    )


def waiting_claims() -> list[Expense]:
    """Claims staff still have to act on: waiting, then approved but not paid; oldest first."""
    order = db.case((Expense.status == ExpenseStatus.CLAIMED, 0), else_=1)
    return list(
        db.session.execute(
            db.select(Expense)
            .where(Expense.status.in_([ExpenseStatus.CLAIMED, ExpenseStatus.APPROVED]))
            .order_by(order, Expense.spent_on, Expense.id)
        ).scalars()
    )


def record_payment(
    *,
    person: User,
    kind: PaymentKind,
    amount_pence: int | None,
    paid_on: date | None,
    note: str,
    round_: FundingRound | None,
    actor: User,
) -> Payment:
    """Staff record a payment or voucher given to a resident for their time."""
    if not actor.is_staff:
        raise CoproductionError("Only staff record payments.")
    check_person_and_round(person=person, round_=round_, actor=actor)
    amount = _amount(amount_pence, what="paid")
    day = check_day(paid_on, field="paid_on", what="it was given")
    payment = Payment(
        person_id=person.id,
        round_id=round_.id if round_ is not None else None,
        kind=str(kind),
        amount_pence=amount,
        paid_on=day,
        note=check_note(note),
        recorded_by_id=actor.id,
    )
    db.session.add(payment)
    db.session.flush()
    record(
        actor=actor,
        action="payment.recorded",
        object_type="involvement_payment",
        object_id=payment.id,
        round_id=payment.round_id,
        after={
            "person_id": person.id,
            "kind": payment.kind,
            "amount_pence": amount,
            "paid_on": day.isoformat(),
        },
    )
    return payment
