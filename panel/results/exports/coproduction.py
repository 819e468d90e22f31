"""The "Co-production" sheet: a round's cost-of-co-production report as rows, in the results
workbook and as a csv of its own; and `check_sheet`, which verify-export uses to add the sheet's
lines up again and compare them with its totals.

The sheet holds no names and no one's own figures: only the round's lines and totals, the same
RoundReport the report page shows (panel/coproduction/services/report.py).
"""

import math
from collections import defaultdict
from typing import Any

from panel.coproduction.services.report import RoundReport, round_report, value_of_time
from panel.models import EXPENSE_STATUS_LABELS, ExpenseStatus, FundingRound
from panel.results.exports.spreadsheet import Column, Sheet

SHEET = "Co-production"
TIME = "Time"
EXPENSES = "Expenses"
PAYMENTS = "Payments and vouchers"
VALUE = "Value of residents' time"
GRANTS = "Grants awarded"
SPENT = "Money spent on co-production"
TOTAL = "Total"
SPENT_STATUSES = [
    EXPENSE_STATUS_LABELS[ExpenseStatus.APPROVED],
    EXPENSE_STATUS_LABELS[ExpenseStatus.PAID],
]

COLUMNS = [
    Column("Section", "text", 28),
    Column("Line", "text", 34),
    Column("Status", "text", 22),
    Column("Residents' minutes", "int", 12),
    Column("Residents' hours", "figure", 12),
    Column("Staff minutes", "int", 12),
    Column("Staff hours", "figure", 12),
    Column("Residents taking part", "int", 12),
    Column("Staff taking part", "int", 12),
    Column("Number", "int", 10),
    Column("Amount", "money", 14),
    Column("Hourly rate", "money", 12),
    Column("Note", "text", 60),
]
HEADERS = [c.title for c in COLUMNS]


def sheet_rows(report: RoundReport) -> list[list[Any]]:
    """The report as the sheet's rows: each section's lines, then its total line."""
    rows: list[list[Any]] = []

    def time_row(
        line: str, res: int, staff: int, people: int, staff_people: int, note: str
    ) -> None:
        row = [TIME, line, "", res, res / 60, staff, staff / 60, people, staff_people]
        rows.append(row + [None, None, None, note])

    for line in report.stages:
        time_row(
            line.label, line.resident_minutes, line.staff_minutes, line.residents, line.staff, ""
        )
    t = report.total
    time_row(
        TOTAL,
        t.resident_minutes,
        t.staff_minutes,
        t.residents,
        t.staff,
        "People are counted once in the total, however many parts they took part in.",
    )
    for status in ExpenseStatus:
        label = EXPENSE_STATUS_LABELS[status]
        for money in report.expenses:
            if money.status == status:
                rows.append(_money(EXPENSES, money.label, label, money.number, money.pence))
        total = report.expense_totals[status]
        rows.append(_money(EXPENSES, TOTAL, label, total.number, total.pence))
    for money in report.payments:
        rows.append(_money(PAYMENTS, money.label, "", money.number, money.pence))
    rows.append(
        _money(PAYMENTS, TOTAL, "", report.payments_total.number, report.payments_total.pence)
    )
    value = [
        VALUE,
        "Residents' time at the hourly rate",
        "",
        t.resident_minutes,
        t.resident_minutes / 60,
        None,
        None,
        None,
        None,
        None,
        report.value_pence,
        report.rate_pence,
        report.rate_source or "No hourly rate set",
    ]
    rows.append(value)
    rows.append(_money(GRANTS, "Confirmed grants", "", report.grants, report.grants_pence))
    rows.append(
        _money(
            SPENT,
            "Expenses approved or paid, and payments and vouchers",
            "",
            None,
            report.spent_pence,
        )
    )
    return rows


def _money(section: str, line: str, status: str, number: int | None, pence: int) -> list[Any]:
    return [section, line, status, None, None, None, None, None, None, number, pence, None, ""]


def coproduction_sheet(round_: FundingRound) -> Sheet:
    """The round's Co-production sheet (read now, so a background export can stream after)."""
    return Sheet(SHEET, COLUMNS, sheet_rows(round_report(round_)))


# --------------------------------------------------------------------------- verify-export


def _records(ws: Any) -> tuple[list[str], list[dict[str, Any]]]:
    """The sheet's header and its rows by header (short rows padded with blanks)."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    titles = [str(h) if h is not None else "" for h in header]
    records = []
    for row in rows:
        if row is None or all(v is None for v in row):
            continue
        records.append({t: (row[i] if i < len(row) else None) for i, t in enumerate(titles)})
    return titles, records


def _number(value: Any) -> float:
    if value in (None, ""):
        return 0.0
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _pence(value: Any) -> int | None:
    number = _number(value)
    return None if math.isnan(number) else round(number * 100)


def check_sheet(book: Any) -> tuple[int, list[str]]:
    """Add the Co-production sheet's lines up again: (lines read, mismatches).

    Each section's lines must add up to its Total line, hours must be minutes / 60, the value
    of residents' time must be their minutes at the hourly rate, and the money spent must be
    the expenses approved or paid plus the payments and vouchers. (0, []) without the sheet.
    """
    if SHEET not in book.sheetnames:
        return 0, []
    titles, records = _records(book[SHEET])
    missing = [h for h in HEADERS if h not in titles]
    if missing:
        return len(records), [f"{SHEET}: the sheet has no column {', '.join(missing)}"]
    problems: list[str] = []
    sums: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    totals: dict[tuple[str, str], dict[str, Any]] = {}
    for record in records:
        section, line = str(record["Section"] or ""), str(record["Line"] or "")
        status = str(record["Status"] or "")
        for who in ("Residents'", "Staff"):
            minutes, shown = record[f"{who} minutes"], record[f"{who} hours"]
            if minutes is not None and not math.isclose(
                _number(shown), _number(minutes) / 60, abs_tol=1e-9
            ):
                problems.append(
                    f"{SHEET} {section} {line}: {who} hours {shown} are not {minutes} minutes / 60"
                )
        key = (section, status)
        if line == TOTAL:
            totals[key] = record
            continue
        if section in (TIME, EXPENSES, PAYMENTS):
            for column in ("Residents' minutes", "Staff minutes", "Number"):
                sums[key][column] += _number(record[column])
            sums[key]["Amount"] += _pence(record["Amount"]) or 0
    for key, total in totals.items():
        added = sums.get(key, {})
        for column in ("Residents' minutes", "Staff minutes", "Number", "Amount"):
            exported = _pence(total[column]) if column == "Amount" else _number(total[column])
            if exported is None or added.get(column, 0) != exported:
                where = " ".join(x for x in key if x)
                got = added.get(column, 0)
                shown = f"{got / 100:.2f}" if column == "Amount" else f"{got:g}"
                problems.append(
                    f"{SHEET} {where} {column}: the total says {total[column]}, "
                    f"its lines add up to {shown}"
                )
    problems.extend(_check_value_and_spent(records, totals))
    return len(records), problems


def _check_value_and_spent(
    records: list[dict[str, Any]], totals: dict[tuple[str, str], dict[str, Any]]
) -> list[str]:
    problems = []
    time_total = totals.get((TIME, ""))
    time_minutes = _number(time_total["Residents' minutes"]) if time_total else None
    spent = sum(
        _pence(totals[(EXPENSES, s)]["Amount"]) or 0
        for s in SPENT_STATUSES
        if (EXPENSES, s) in totals
    )
    if (PAYMENTS, "") in totals:
        spent += _pence(totals[(PAYMENTS, "")]["Amount"]) or 0
    for record in records:
        if record["Section"] == VALUE:
            minutes = _number(record["Residents' minutes"])
            if time_minutes is not None and minutes != time_minutes:
                problems.append(
                    f"{SHEET} {VALUE}: {minutes:g} minutes, the Time total {time_minutes:g}"
                )
            if record["Hourly rate"] is not None:
                rate, value = _pence(record["Hourly rate"]), _pence(record["Amount"])
                expected = value_of_time(int(minutes), rate or 0)
                if value != expected:
                    problems.append(
                        f"{SHEET} {VALUE}: the sheet says {record['Amount']}, "
                        f"{minutes:g} minutes at {(rate or 0) / 100:.2f} an hour make "
                        f"{expected / 100:.2f}"
                    )
        elif record["Section"] == SPENT and _pence(record["Amount"]) != spent:
            problems.append(
                f"{SHEET} {SPENT}: the sheet says {record['Amount']}, expenses approved or "
                f"paid and payments and vouchers add up to {spent / 100:.2f}"
            )
    return problems
