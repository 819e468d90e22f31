"""Money for residents who take part: expense claims, and payments or vouchers for time given.

Personal data, like the rest of the involvement record (panel/models/involvement.py): erasure
removes the link to the person and their notes, and keeps the amounts in the round's totals.
"""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from panel.extensions import Model
from panel.models.types import UTCDateTime, utcnow


class ExpenseKind(StrEnum):
    TRAVEL = "travel"
    CARE = "care"
    REFRESHMENTS = "refreshments"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return EXPENSE_LABELS[self]


EXPENSE_LABELS = {
    ExpenseKind.TRAVEL: "Travel",
    ExpenseKind.CARE: "Care or childcare",
    ExpenseKind.REFRESHMENTS: "Refreshments",
    ExpenseKind.PHONE: "Phone or data",
}


class ExpenseStatus(StrEnum):
    CLAIMED = "claimed"
    APPROVED = "approved"
    REFUSED = "refused"
    PAID = "paid"

    @property
    def label(self) -> str:
        return EXPENSE_STATUS_LABELS[self]


EXPENSE_STATUS_LABELS = {
    ExpenseStatus.CLAIMED: "Waiting for staff",
    ExpenseStatus.APPROVED: "Approved, not paid yet",
    ExpenseStatus.REFUSED: "Refused",
    ExpenseStatus.PAID: "Paid",
}


class PaymentKind(StrEnum):
    PAYMENT = "payment"
    VOUCHER = "voucher"

    @property
    def label(self) -> str:
        return PAYMENT_LABELS[self]


PAYMENT_LABELS = {PaymentKind.PAYMENT: "Payment", PaymentKind.VOUCHER: "Voucher"}


def _known(column: str, values: type[StrEnum]) -> str:
    return f"{column} IN ({', '.join(repr(str(v)) for v in values)})"


class Expense(Model):
    """A resident's claim for what taking part cost them; staff approve or refuse it, then pay."""

    __tablename__ = "expense"
    __table_args__ = (
        CheckConstraint(_known("kind", ExpenseKind), name="kind_known"),
        CheckConstraint(_known("status", ExpenseStatus), name="status_known"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("status <> 'refused' OR reason <> ''", name="refusal_has_reason"),
        CheckConstraint("status = 'claimed' OR decided_at IS NOT NULL", name="decided_when"),
        CheckConstraint("status <> 'paid' OR paid_on IS NOT NULL", name="paid_when"),
        CheckConstraint("person_id IS NOT NULL OR erased_key IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    erased_key: Mapped[str | None] = mapped_column(String(32), default=None)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(20))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    spent_on: Mapped[date] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default=ExpenseStatus.CLAIMED, index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    claimed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, default=None)
    paid_on: Mapped[date | None] = mapped_column(default=None)
    paid_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )

    @property
    def expense_kind(self) -> ExpenseKind:
        return ExpenseKind(self.kind)

    @property
    def expense_status(self) -> ExpenseStatus:
        return ExpenseStatus(self.status)


class Payment(Model):
    """A payment or voucher given to a resident for their time."""

    __tablename__ = "involvement_payment"
    __table_args__ = (
        CheckConstraint(_known("kind", PaymentKind), name="kind_known"),
        CheckConstraint("amount_pence > 0", name="amount_positive"),
        CheckConstraint("person_id IS NOT NULL OR erased_key IS NOT NULL", name="someone"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), index=True
    )
    erased_key: Mapped[str | None] = mapped_column(String(32), default=None)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_round.id", ondelete="RESTRICT"), index=True, default=None
    )
    kind: Mapped[str] = mapped_column(String(10))
    amount_pence: Mapped[int] = mapped_column(BigInteger)
    paid_on: Mapped[date] = mapped_column()
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="RESTRICT"), default=None
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def payment_kind(self) -> PaymentKind:
        return PaymentKind(self.kind)
