"""One person's involvement record: what they did, their expenses and payments; and erasing it.

Personal data: a resident sees only their own record, staff see everyone's (the views check it).
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, update

from panel.audit import record
from panel.coproduction.services.errors import CoproductionError
from panel.database import rows_changed
from panel.extensions import db
from panel.models import (
    ActivityKind,
    CoproStage,
    Expense,
    ExpenseStatus,
    FundingRound,
    InvolvementEntry,
    Payment,
    Role,
    StaffTime,
    User,
)
from panel.models.types import uk_today


def tax_year(day: date) -> int:
    """The UK tax year a day falls in, by the year it starts (6 April to 5 April)."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def tax_year_label(start: int) -> str:
    """A tax year in words: "6 April 2026 to 5 April 2027"."""
    return f"6 April {start} to 5 April {start + 1}"


@dataclass(frozen=True)
class EntryLine:
    """One entry of a record, ready to show."""

    entry: InvolvementEntry
    what: str
    round_name: str
    part: str


@dataclass
class PersonRecord:
    """Everything in one person's involvement record."""

    person: User
    entries: list[EntryLine]
    expenses: list[Expense]
    payments: list[Payment]
    round_names: dict[int, str]
    minutes_by_year: dict[int, int] = field(default_factory=dict)
    payments_by_year: dict[int, int] = field(default_factory=dict)

    @property
    def total_minutes(self) -> int:
        return sum(line.entry.minutes for line in self.entries)

    @property
    def this_year(self) -> int:
        return tax_year(uk_today())

    def expenses_in(self, status: ExpenseStatus) -> int:
        """The total of this person's claims with that status, in pence."""
        return sum(e.amount_pence for e in self.expenses if e.status == status)


def round_names(ids: set[int]) -> dict[int, str]:
    """Rounds' names by id."""
    if not ids:
        return {}
    return dict(
        db.session.execute(
            db.select(FundingRound.id, FundingRound.name).where(FundingRound.id.in_(ids))
        ).all()
    )


def person_record(person: User) -> PersonRecord:
    """A person's whole record, newest first, with yearly totals of time and payments."""
    entries = list(
        db.session.execute(
            db.select(InvolvementEntry)
            .where(InvolvementEntry.person_id == person.id)
            .order_by(InvolvementEntry.happened_on.desc(), InvolvementEntry.id.desc())
        ).scalars()
    )
    expenses = list(
        db.session.execute(
            db.select(Expense)
            .where(Expense.person_id == person.id)
            .order_by(Expense.spent_on.desc(), Expense.id.desc())
        ).scalars()
    )
    payments = list(
        db.session.execute(
            db.select(Payment)
            .where(Payment.person_id == person.id)
            .order_by(Payment.paid_on.desc(), Payment.id.desc())
        ).scalars()
    )
    ids = {x.round_id for x in [*entries, *expenses, *payments] if x.round_id is not None}
    names = round_names(ids)
    lines = [
        EntryLine(
            entry=e,
            what=ActivityKind(e.kind).label,
            round_name=names.get(e.round_id, "") if e.round_id is not None else "",
            part=CoproStage(e.stage).label if e.stage else "",
        )
        for e in entries
    ]
    minutes: dict[int, int] = defaultdict(int)
    for e in entries:
        minutes[tax_year(e.happened_on)] += e.minutes
    paid: dict[int, int] = defaultdict(int)
    for p in payments:
        paid[tax_year(p.paid_on)] += p.amount_pence
    return PersonRecord(
        person=person,
        entries=lines,
        expenses=expenses,
        payments=payments,
        round_names=names,
        minutes_by_year=dict(sorted(minutes.items(), reverse=True)),
        payments_by_year=dict(sorted(paid.items(), reverse=True)),
    )


@dataclass(frozen=True)
class PersonLine:
    """A resident in the staff overview: their time and money this tax year, and open claims."""

    person: User
    minutes: int
    paid_pence: int
    open_claims: int


def people_overview(year: int) -> list[PersonLine]:
    """Every resident with anything in their record, with this tax year's figures (staff only)."""
    start, end = date(year, 4, 6), date(year + 1, 4, 6)
    minutes = dict(
        db.session.execute(
            db.select(InvolvementEntry.person_id, func.sum(InvolvementEntry.minutes))
            .where(
                InvolvementEntry.person_id.is_not(None),
                InvolvementEntry.happened_on >= start,
                InvolvementEntry.happened_on < end,
            )
            .group_by(InvolvementEntry.person_id)
        ).all()
    )
    paid = dict(
        db.session.execute(
            db.select(Payment.person_id, func.sum(Payment.amount_pence))
            .where(Payment.person_id.is_not(None), Payment.paid_on >= start, Payment.paid_on < end)
            .group_by(Payment.person_id)
        ).all()
    )
    open_claims = dict(
        db.session.execute(
            db.select(Expense.person_id, func.count())
            .where(
                Expense.person_id.is_not(None),
                Expense.status.in_([ExpenseStatus.CLAIMED, ExpenseStatus.APPROVED]),
            )
            .group_by(Expense.person_id)
        ).all()
    )
    everyone = db.session.execute(
        db.select(User).where(User.role == Role.RESIDENT).order_by(func.lower(User.display_name))
    ).scalars()
    lines = []
    for person in everyone:
        line = PersonLine(
            person=person,
            minutes=int(minutes.get(person.id) or 0),
            paid_pence=int(paid.get(person.id) or 0),
            open_claims=int(open_claims.get(person.id) or 0),
        )
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Erased:
    entries: int
    expenses: int
    payments: int
    staff_time: int

    @property
    def total(self) -> int:
        return self.entries + self.expenses + self.payments + self.staff_time


def erase_record(*, person: User, actor: User) -> Erased:
    """Erase a person's involvement record (staff, on request or when they leave).

    Their rows lose the link to them and their notes; the minutes and amounts stay in the
    rounds' totals under a random stand-in, so reports still add up and say nothing about who.
    Claims still waiting or approved but unpaid are refused first: the money is owed to them.
    The audit row records how many rows were erased, nothing else about them.
    """
    if not actor.is_staff:
        raise CoproductionError("Only staff erase an involvement record.")
    open_claims = db.session.execute(
        db.select(func.count())
        .select_from(Expense)
        .where(
            Expense.person_id == person.id,
            Expense.status.in_([ExpenseStatus.CLAIMED, ExpenseStatus.APPROVED]),
        )
    ).scalar_one()
    if open_claims:
        raise CoproductionError(
            f"{person.display_name} has {open_claims} expense "
            f"{'claim' if open_claims == 1 else 'claims'} still open. Approve and pay, or "
            "refuse, each one before erasing the record."
        )
    key = secrets.token_hex(16)
    counts = {}
    for model, column, extra in (
        (InvolvementEntry, InvolvementEntry.person_id, {"attendance_id": None}),
        (
            Expense,
            Expense.person_id,
            {"reason": db.case((Expense.status == ExpenseStatus.REFUSED, "(erased)"), else_="")},
        ),
        (Payment, Payment.person_id, {}),
        (StaffTime, StaffTime.staff_id, {}),
    ):
        values: dict[str, object] = {column.key: None, "erased_key": key, "note": ""}
        values.update(extra)
        counts[model.__tablename__] = rows_changed(
            update(model)
            .where(column == person.id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
    for model, column in (
        (InvolvementEntry, InvolvementEntry.recorded_by_id),
        (Expense, Expense.claimed_by_id),
        (Payment, Payment.recorded_by_id),
        (StaffTime, StaffTime.recorded_by_id),
    ):
        db.session.execute(
            update(model)
            .where(column == person.id, model.erased_key == key)
            .values({column.key: None})
            .execution_options(synchronize_session=False)
        )
    erased = Erased(
        entries=int(counts["involvement_entry"]),
        expenses=int(counts["expense"]),
        payments=int(counts["involvement_payment"]),
        staff_time=int(counts["staff_time"]),
    )
    db.session.expire_all()
    record(
        actor=actor,
        action="involvement.erased",
        object_type="user",
        object_id=person.id,
        after={
            "entries": erased.entries,
            "expenses": erased.expenses,
            "payments": erased.payments,
            "staff_time": erased.staff_time,
        },
    )
    db.session.flush()
    return erased


def names_of(ids: set[int]) -> dict[int, str]:
    """People's names by id (staff pages)."""
    if not ids:
        return {}
    return dict(
        db.session.execute(db.select(User.id, User.display_name).where(User.id.in_(ids))).all()
    )
