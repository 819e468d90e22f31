"""What co-production took and gave: per round (the cost-of-co-production report), across the
fund's rounds, and the totals a round's staff may publish.

Every figure comes from the rows of the involvement record, staff time, expenses, payments and
confirmed decisions; the report and the "Co-production" sheet of the export are made from the
same RoundReport, so they always agree, and its totals are the sums of its lines.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func

from panel.extensions import db
from panel.models import (
    CoproductionSetting,
    CoproStage,
    Decision,
    Expense,
    ExpenseKind,
    ExpenseStatus,
    FundingRound,
    InvolvementEntry,
    Outcome,
    Payment,
    PaymentKind,
    StaffTime,
)

# Expenses that count as money spent: approved (owed) and paid. Waiting and refused do not.
SPENT = (ExpenseStatus.APPROVED, ExpenseStatus.PAID)


def value_of_time(minutes: int, rate_pence: int) -> int:
    """Residents' time at an hourly rate, in pence, rounded to the nearest penny (half up)."""
    return (minutes * rate_pence + 30) // 60


@dataclass(frozen=True)
class StageLine:
    """Time given at one part of the round, and how many people gave it."""

    stage: CoproStage | None  # None: the total line
    label: str
    resident_minutes: int
    staff_minutes: int
    residents: int
    staff: int


@dataclass(frozen=True)
class MoneyLine:
    """A number of claims or payments of one kind (and status) and their total in pence."""

    label: str
    status: str
    number: int
    pence: int


@dataclass(frozen=True)
class RoundReport:
    """One round's co-production in figures; every total is the sum of its lines."""

    round: FundingRound
    stages: list[StageLine]
    total: StageLine
    expenses: list[MoneyLine]  # each kind, for each status
    expense_totals: dict[ExpenseStatus, MoneyLine]
    payments: list[MoneyLine]
    payments_total: MoneyLine
    rate_pence: int | None
    rate_source: str
    grants: int
    grants_pence: int
    published: bool
    published_at: datetime | None

    @property
    def value_pence(self) -> int | None:
        """Residents' time at the hourly rate, or None before staff set a rate."""
        if self.rate_pence is None:
            return None
        return value_of_time(self.total.resident_minutes, self.rate_pence)

    @property
    def spent_pence(self) -> int:
        """Money spent on co-production: expenses approved or paid, and payments and vouchers."""
        return sum(self.expense_totals[s].pence for s in SPENT) + self.payments_total.pence

    @property
    def has_anything(self) -> bool:
        return bool(
            self.total.resident_minutes
            or self.total.staff_minutes
            or any(t.number for t in self.expense_totals.values())
            or self.payments_total.number
        )


def _who(person_id: int | None, erased_key: str | None) -> str:
    return f"p{person_id}" if person_id is not None else f"e{erased_key}"


Minutes = dict[int, dict[str, int]]  # round id -> stage -> minutes
People = dict[int, dict[str, set[str]]]  # round id -> stage -> who
Money = dict[int, dict[tuple[str, str], tuple[int, int]]]  # round -> (kind, status) -> (n, pence)


def _time(
    model: type[InvolvementEntry] | type[StaffTime], round_ids: list[int]
) -> tuple[Minutes, People]:
    """Per round and stage: the minutes given, and who gave them (erased people stay distinct)."""
    who = InvolvementEntry.person_id if model is InvolvementEntry else StaffTime.staff_id
    columns = (model.round_id, model.stage, who, model.erased_key)
    minutes: Minutes = defaultdict(lambda: defaultdict(int))
    people: People = defaultdict(lambda: defaultdict(set))
    for round_id, stage, person, key, total in db.session.execute(
        db.select(*columns, func.sum(model.minutes))
        .where(model.round_id.in_(round_ids))
        .group_by(*columns)
    ):
        minutes[round_id][stage] += int(total)
        people[round_id][stage].add(_who(person, key))
    return minutes, people


def _stage_lines(
    resident_minutes: dict[str, int],
    resident_people: dict[str, set[str]],
    staff_minutes: dict[str, int],
    staff_people: dict[str, set[str]],
) -> tuple[list[StageLine], StageLine]:
    lines = [
        StageLine(
            stage=stage,
            label=stage.label,
            resident_minutes=resident_minutes.get(stage, 0),
            staff_minutes=staff_minutes.get(stage, 0),
            residents=len(resident_people.get(stage, ())),
            staff=len(staff_people.get(stage, ())),
        )
        for stage in CoproStage
    ]
    everyone = set().union(*resident_people.values()) if resident_people else set()
    all_staff = set().union(*staff_people.values()) if staff_people else set()
    total = StageLine(
        stage=None,
        label="Total",
        resident_minutes=sum(line.resident_minutes for line in lines),
        staff_minutes=sum(line.staff_minutes for line in lines),
        residents=len(everyone),
        staff=len(all_staff),
    )
    return lines, total


def _money(round_ids: list[int]) -> tuple[Money, Money]:
    """Per round: expenses by kind and status, and payments by kind (how many, how much)."""
    expenses: Money = defaultdict(dict)
    for round_id, kind, status, number, pence in db.session.execute(
        db.select(
            Expense.round_id,
            Expense.kind,
            Expense.status,
            func.count(),
            func.sum(Expense.amount_pence),
        )
        .where(Expense.round_id.in_(round_ids))
        .group_by(Expense.round_id, Expense.kind, Expense.status)
    ):
        expenses[round_id][(kind, status)] = (int(number), int(pence))
    payments: Money = defaultdict(dict)
    for round_id, kind, number, pence in db.session.execute(
        db.select(Payment.round_id, Payment.kind, func.count(), func.sum(Payment.amount_pence))
        .where(Payment.round_id.in_(round_ids))
        .group_by(Payment.round_id, Payment.kind)
    ):
        payments[round_id][(kind, "")] = (int(number), int(pence))
    return expenses, payments


def _grants(round_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Confirmed awards (fund in full or in part) per round: how many, how much."""
    return {
        round_id: (int(number), int(pence or 0))
        for round_id, number, pence in db.session.execute(
            db.select(Decision.round_id, func.count(), func.sum(Decision.amount_awarded_pence))
            .where(
                Decision.round_id.in_(round_ids),
                Decision.status == "confirmed",
                Decision.outcome.in_([Outcome.FUND, Outcome.PART]),
            )
            .group_by(Decision.round_id)
        )
    }


def round_reports(rounds: list[FundingRound]) -> list[RoundReport]:
    """The co-production report of each round, read in a few grouped queries."""
    ids = [r.id for r in rounds]
    if not ids:
        return []
    resident_minutes, resident_people = _time(InvolvementEntry, ids)
    staff_minutes, staff_people = _time(StaffTime, ids)
    expenses, payments = _money(ids)
    grants = _grants(ids)
    settings = {
        s.round_id: s
        for s in db.session.execute(
            db.select(CoproductionSetting).where(CoproductionSetting.round_id.in_(ids))
        ).scalars()
    }
    reports = []
    for round_ in rounds:
        lines, total = _stage_lines(
            resident_minutes[round_.id],
            resident_people[round_.id],
            staff_minutes[round_.id],
            staff_people[round_.id],
        )
        money = expenses[round_.id]
        expense_lines = [
            MoneyLine(kind.label, str(status), *money.get((str(kind), str(status)), (0, 0)))
            for status in ExpenseStatus
            for kind in ExpenseKind
        ]
        expense_totals = {
            status: MoneyLine(
                "Total",
                str(status),
                sum(x.number for x in expense_lines if x.status == status),
                sum(x.pence for x in expense_lines if x.status == status),
            )
            for status in ExpenseStatus
        }
        paid = payments[round_.id]
        payment_lines = [
            MoneyLine(f"{kind.label}s", "", *paid.get((str(kind), ""), (0, 0)))
            for kind in PaymentKind
        ]
        setting = settings.get(round_.id)
        number, awarded = grants.get(round_.id, (0, 0))
        reports.append(
            RoundReport(
                round=round_,
                stages=lines,
                total=total,
                expenses=expense_lines,
                expense_totals=expense_totals,
                payments=payment_lines,
                payments_total=MoneyLine(
                    "Total",
                    "",
                    sum(x.number for x in payment_lines),
                    sum(x.pence for x in payment_lines),
                ),
                rate_pence=setting.hourly_rate_pence if setting else None,
                rate_source=setting.rate_source if setting else "",
                grants=number,
                grants_pence=awarded,
                published=bool(setting and setting.totals_published),
                published_at=setting.published_at if setting else None,
            )
        )
    return reports


def round_report(round_: FundingRound) -> RoundReport:
    """The round's cost-of-co-production report."""
    return round_reports([round_])[0]


@dataclass(frozen=True)
class Unattached:
    """Time and money in the record that belongs to no round (ideas between rounds, say)."""

    resident_minutes: int
    residents: int
    expenses_pence: int
    payments_pence: int


def fund_overview() -> tuple[list[RoundReport], Unattached]:
    """Every round's report, oldest first (the trend), and what belongs to no round."""
    rounds = list(
        db.session.execute(
            db.select(FundingRound).order_by(FundingRound.created_at, FundingRound.id)
        ).scalars()
    )
    minutes, people = 0, set()
    for person, key, total in db.session.execute(
        db.select(
            InvolvementEntry.person_id,
            InvolvementEntry.erased_key,
            func.sum(InvolvementEntry.minutes),
        )
        .where(InvolvementEntry.round_id.is_(None))
        .group_by(InvolvementEntry.person_id, InvolvementEntry.erased_key)
    ):
        minutes += int(total)
        people.add(_who(person, key))
    spent = db.session.execute(
        db.select(func.coalesce(func.sum(Expense.amount_pence), 0)).where(
            Expense.round_id.is_(None), Expense.status.in_(list(SPENT))
        )
    ).scalar_one()
    paid = db.session.execute(
        db.select(func.coalesce(func.sum(Payment.amount_pence), 0)).where(
            Payment.round_id.is_(None)
        )
    ).scalar_one()
    return round_reports(rounds), Unattached(minutes, len(people), int(spent), int(paid))


@dataclass(frozen=True)
class PublishedTotals:
    """A round's co-production totals as the public may see them: no names, no one's figures."""

    round_name: str
    resident_hours: float
    staff_hours: float
    residents: int
    spent_pence: int
    value_pence: int | None
    rate_pence: int | None
    rate_source: str


def published_totals(round_: FundingRound) -> PublishedTotals | None:
    """The round's totals for the public "You said, we did" page, only once staff publish them."""
    report = round_report(round_)
    if not report.published:
        return None
    return PublishedTotals(
        round_name=round_.name,
        resident_hours=round(report.total.resident_minutes / 60, 1),
        staff_hours=round(report.total.staff_minutes / 60, 1),
        residents=report.total.residents,
        spent_pence=report.spent_pence,
        value_pence=report.value_pence,
        rate_pence=report.rate_pence,
        rate_source=report.rate_source,
    )
