"""One person's involvement record as a spreadsheet sheet (their download, for a CV or a
reference): what they did, their expenses and their payments. Personal data: only the person and
staff ever get it (panel/results/exports/record_views.py)."""

from typing import Any

from panel.coproduction.services.person import PersonRecord, tax_year_label
from panel.results.exports.spreadsheet import Column, Sheet

COLUMNS = [
    Column("Section", "text", 14),
    Column("Date", "date", 12),
    Column("What", "text", 32),
    Column("Round", "text", 30),
    Column("Part of the round", "text", 22),
    Column("Minutes", "int", 10),
    Column("Hours", "figure", 10),
    Column("Amount", "money", 12),
    Column("Status", "text", 22),
    Column("Note", "text", 60),
]


def record_sheet(record: PersonRecord) -> Sheet:
    """Every line of the person's record, newest first within each section, then the totals."""
    rows: list[list[Any]] = []
    for line in record.entries:
        e = line.entry
        rows.append(
            [
                "Time",
                e.happened_on,
                line.what,
                line.round_name,
                line.part,
                e.minutes,
                round(e.minutes / 60, 2),
                None,
                "usual time" if e.standard else "",
                e.note,
            ]
        )
    for year, minutes in record.minutes_by_year.items():
        rows.append(
            [
                "Total time",
                None,
                tax_year_label(year),
                "",
                "",
                minutes,
                round(minutes / 60, 2),
                None,
                "",
                "",
            ]
        )
    for x in record.expenses:
        rows.append(
            [
                "Expense",
                x.spent_on,
                x.expense_kind.label,
                record.round_names.get(x.round_id, "") if x.round_id else "",
                "",
                None,
                None,
                x.amount_pence,
                x.expense_status.label,
                x.reason if x.status == "refused" else x.note,
            ]
        )
    for p in record.payments:
        rows.append(
            [
                "Payment",
                p.paid_on,
                p.payment_kind.label,
                record.round_names.get(p.round_id, "") if p.round_id else "",
                "",
                None,
                None,
                p.amount_pence,
                "",
                p.note,
            ]
        )
    for year, pence in record.payments_by_year.items():
        rows.append(["Total paid", None, tax_year_label(year), "", "", None, None, pence, "", ""])
    return Sheet("Involvement", COLUMNS, rows)
