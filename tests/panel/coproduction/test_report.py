"""The round's cost-of-co-production report: on the demo, its totals equal an independent sum
of the rows in the database and of the lines of the workbook's Co-production sheet, which
verify-export adds up again."""

import io
from collections import defaultdict
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from openpyxl import load_workbook

from panel.coproduction.services.report import (
    published_totals,
    round_report,
    value_of_time,
)
from panel.coproduction.services.settings import save_settings
from panel.extensions import db
from panel.models import FundingRound, User
from panel.results import exports as ex
from panel.results.exports.coproduction import SHEET, coproduction_sheet
from panel.results.exports.verify import recompute
from tests.factories import gen_entry, gen_expense, gen_round, gen_staff_time, gen_user
from tests.worlds import gen_worked_round

STAGES = ["coinitiation", "codesign", "applications", "scoring", "meeting"]


def from_the_database(round_id: int) -> dict[str, Any]:
    """The round's figures added up straight from the tables, in SQL of their own."""
    sums: dict[str, Any] = {"residents": defaultdict(int), "staff": defaultdict(int)}
    people: dict[str, dict[str, set[str]]] = {
        "residents": defaultdict(set),
        "staff": defaultdict(set),
    }
    for table, who, column in (
        ("involvement_entry", "residents", "person_id"),
        ("staff_time", "staff", "staff_id"),
    ):
        rows = db.session.execute(
            sa.text(
                f"SELECT stage, minutes, {column}, erased_key FROM {table} "  # noqa: S608
                "WHERE round_id = :r"
            ),
            {"r": round_id},
        )
        for stage, minutes, person, key in rows:
            sums[who][stage] += minutes
            people[who][stage].add(f"{person}/{key}")
    expenses = dict(
        db.session.execute(
            sa.text(
                "SELECT status, SUM(amount_pence) FROM expense WHERE round_id = :r GROUP BY status"
            ),
            {"r": round_id},
        ).all()
    )
    payments = db.session.execute(
        sa.text(
            "SELECT COALESCE(SUM(amount_pence), 0) FROM involvement_payment WHERE round_id = :r"
        ),
        {"r": round_id},
    ).scalar_one()
    return {"minutes": sums, "people": people, "expenses": expenses, "payments": int(payments)}


def test_on_the_demo_the_report_equals_the_databases_own_sums(
    app: Flask, spring: FundingRound
) -> None:
    db_sums = from_the_database(spring.id)
    report = round_report(spring)
    by_stage = {str(line.stage): line for line in report.stages}
    assert list(by_stage) == STAGES
    for stage in STAGES:
        line = by_stage[stage]
        assert line.resident_minutes == db_sums["minutes"]["residents"][stage]
        assert line.staff_minutes == db_sums["minutes"]["staff"][stage]
        assert line.residents == len(db_sums["people"]["residents"][stage])
        assert line.staff == len(db_sums["people"]["staff"][stage])
    assert report.total.resident_minutes == sum(db_sums["minutes"]["residents"].values())
    assert report.total.staff_minutes == sum(db_sums["minutes"]["staff"].values())
    assert report.total.residents == len(set().union(*db_sums["people"]["residents"].values()))
    for status in ("claimed", "approved", "refused", "paid"):
        assert report.expense_totals[status].pence == db_sums["expenses"].get(status, 0)  # type: ignore[index]
    assert report.payments_total.pence == db_sums["payments"]
    assert report.spent_pence == (
        db_sums["expenses"]["approved"] + db_sums["expenses"]["paid"] + db_sums["payments"]
    )
    # The demo carries a full record: several residents, staff time, every status, a register.
    assert report.total.residents >= 5 and report.total.staff == 2
    assert all(db_sums["expenses"].get(s) for s in ("claimed", "approved", "refused", "paid"))
    assert by_stage["meeting"].residents == 5  # five came to the meeting; Stan sent apologies
    assert report.value_pence == value_of_time(report.total.resident_minutes, 13_45)


def sheet_lines(path: Path | io.BytesIO) -> list[dict[str, Any]]:
    book = load_workbook(path, read_only=True)
    rows = list(book[SHEET].iter_rows(values_only=True))
    book.close()
    header = [str(h) for h in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


def pence(value: Any) -> int:
    return round(float(value or 0) * 100)


def test_on_the_demo_the_workbooks_sheet_adds_up_to_its_totals_and_to_the_database(
    app: Flask, spring: FundingRound, tmp_path: Path, runner: Any
) -> None:
    path = tmp_path / "spring.xlsx"
    with path.open("wb") as out:
        ex.write_export(spring, ex.ExportOptions("xlsx"), out)
    lines = sheet_lines(path)
    db_sums = from_the_database(spring.id)

    time = [line for line in lines if line["Section"] == "Time"]
    stages, (total,) = time[:-1], time[-1:]
    assert total["Line"] == "Total" and len(stages) == 5
    for who, key in (("Residents'", "residents"), ("Staff", "staff")):
        added = sum(line[f"{who} minutes"] for line in stages)
        assert added == total[f"{who} minutes"] == sum(db_sums["minutes"][key].values())
    expenses = [line for line in lines if line["Section"] == "Expenses"]
    for status, db_status in (
        ("Waiting for staff", "claimed"),
        ("Approved, not paid yet", "approved"),
        ("Refused", "refused"),
        ("Paid", "paid"),
    ):
        mine = [line for line in expenses if line["Status"] == status]
        lines_of, (its_total,) = mine[:-1], mine[-1:]
        assert sum(pence(line["Amount"]) for line in lines_of) == pence(its_total["Amount"])
        assert pence(its_total["Amount"]) == db_sums["expenses"].get(db_status, 0)
        assert sum(line["Number"] for line in lines_of) == its_total["Number"]
    payments = [line for line in lines if line["Section"] == "Payments and vouchers"]
    assert sum(pence(line["Amount"]) for line in payments[:-1]) == pence(payments[-1]["Amount"])
    assert pence(payments[-1]["Amount"]) == db_sums["payments"]
    (value,) = [line for line in lines if line["Section"] == "Value of residents' time"]
    assert pence(value["Hourly rate"]) == 13_45
    assert pence(value["Amount"]) == value_of_time(total["Residents' minutes"], 13_45)
    assert value["Note"] == "Real Living Wage 2025 to 2026 (Living Wage Foundation)"

    report = recompute(path)
    assert report.mismatches == [] and report.coproduction_lines == len(lines)
    result = runner.invoke(args=["verify-export", str(path)])
    assert result.exit_code == 0, result.output
    assert f"The Co-production sheet adds up: {len(lines)} lines checked" in result.output


def test_verify_export_finds_a_changed_line_or_total(
    app: Flask, spring: FundingRound, tmp_path: Path
) -> None:
    path = tmp_path / "spring.xlsx"
    with path.open("wb") as out:
        ex.write_export(spring, ex.ExportOptions("xlsx"), out)
    book = load_workbook(path)
    sheet = book[SHEET]
    sheet["D3"] = sheet["D3"].value + 60  # co-design: an hour more, its hours left alone
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "Money spent on co-production":
            row[10].value = 1.0
    book.save(path)
    problems = recompute(path).mismatches
    assert any("Co-production Time Residents' minutes: the total says" in p for p in problems)
    assert any("Residents' hours" in p and "minutes / 60" in p for p in problems)
    assert any("Co-production Money spent on co-production" in p for p in problems)


def test_the_csv_has_the_same_lines_and_is_staffs_only(
    app: Flask, spring: FundingRound, client: Any, auth: Any
) -> None:
    auth.login("priya.shah@demo.example", "panel-demo-2026")
    assert client.get(f"/rounds/{spring.id}/coproduction.csv").status_code == 404
    auth.logout()
    auth.login("asha.patel@demo.example", "panel-demo-2026")
    response = client.get(f"/rounds/{spring.id}/coproduction.csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "spring-demo-coproduction.csv" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    rows = text.strip().splitlines()
    assert rows[0].lstrip("\ufeff").startswith("Section,Line,Status,Residents' minutes")
    report = round_report(spring)
    assert f"Time,Total,,{report.total.resident_minutes}," in text
    assert len(rows) - 1 == len(list(coproduction_sheet(spring).rows))
    events = (
        db.session.execute(
            sa.text("SELECT after FROM audit_event WHERE action = 'results.exported'")
        )
        .scalars()
        .all()
    )
    assert any("coproduction-csv" in str(e) for e in events)


def test_the_report_page_says_it_in_plain_words_first_then_the_figures(
    app: Flask, spring: FundingRound, client: Any, auth: Any
) -> None:
    auth.login("asha.patel@demo.example", "panel-demo-2026")
    page = client.get(f"/rounds/{spring.id}/coproduction").get_data(as_text=True)
    report = round_report(spring)
    words = page.index("In plain words")
    assert words < page.index("Where the time went") < page.index("Expense claims by what")
    hours = f"{report.total.resident_minutes / 60:,.1f}".removesuffix(".0")
    assert f"Residents gave {hours} hours to this round" in page
    assert "At £13.45 an hour (Real Living Wage 2025 to 2026" in page
    assert "<svg" in page and 'role="img"' in page  # the chart, with the table after it
    assert "Time and people at each part of the round" in page
    overview = client.get("/coproduction").get_data(as_text=True)
    assert "Spring 2026 Community Fund" in overview and "Autumn 2026 Community Fund" in overview


def test_round_totals_reach_public_pages_only_once_staff_publish_them(
    app: Flask, staff: User
) -> None:
    """Item 54: only round totals, only when staff choose; never a name or one person's figure."""
    pat = gen_user(name="Pat Unique-Name")
    round_ = gen_round(created_by=staff, members=[pat])
    gen_entry(pat, round_=round_, minutes=90, note="Pat's private note")
    gen_staff_time(round_, staff, minutes=60)
    gen_expense(pat, round_=round_, status="paid", amount_pence=7_20)
    assert published_totals(round_) is None
    save_settings(
        round_=round_, rate_pence=12_00, rate_source="Our own rate", publish=True, actor=staff
    )
    db.session.commit()
    totals = published_totals(round_)
    assert totals is not None
    assert (totals.resident_hours, totals.staff_hours, totals.residents) == (1.5, 1.0, 1)
    assert (totals.spent_pence, totals.value_pence) == (7_20, 18_00)
    assert "Pat" not in repr(totals) and "private" not in repr(totals)
    save_settings(
        round_=round_, rate_pence=12_00, rate_source="Our own rate", publish=False, actor=staff
    )
    assert published_totals(round_) is None


def test_the_rate_needs_its_source_and_the_value_rounds_to_the_penny(
    app: Flask, client: Any, auth: Any, staff: User
) -> None:
    round_ = gen_round(created_by=staff)
    auth.login(staff)
    refused = client.post(
        f"/rounds/{round_.id}/coproduction/settings", data={"rate": "12.60", "rate_source": ""}
    )
    assert refused.status_code == 400
    assert "Say where the rate comes from" in refused.get_data(as_text=True)
    saved = client.post(
        f"/rounds/{round_.id}/coproduction/settings",
        data={"rate": "12.60", "rate_source": "Real Living Wage"},
        follow_redirects=True,
    )
    assert "The report&#39;s settings have been saved." in saved.get_data(as_text=True)
    assert value_of_time(1, 12_60) == 21  # 12.60 / 60 = 0.21
    assert value_of_time(7, 13_45) == 157  # 1.5691... rounds to £1.57
    assert value_of_time(1, 1_50) == 3  # 2.5p rounds half up


def test_nothing_typed_runs_as_a_formula_in_the_co_production_downloads(
    app: Flask, client: Any, auth: Any, staff: User, tmp_path: Path
) -> None:
    """Item 20: a hostile rate source and a hostile note stay text in the workbook's sheet and
    in both csv downloads."""
    worked = gen_worked_round(staff)
    round_, pat = worked["round"], worked["panel"][0]
    gen_entry(pat, round_=round_, note='=HYPERLINK("http://evil.example","x")')
    save_settings(
        round_=round_,
        rate_pence=12_00,
        rate_source="+cmd|' /C calc'!A0",
        publish=False,
        actor=staff,
    )
    db.session.commit()
    path = tmp_path / "hostile.xlsx"
    with path.open("wb") as out:
        ex.write_export(round_, ex.ExportOptions("xlsx"), out)
    book = load_workbook(path)
    cells = [c for row in book[SHEET].iter_rows() for c in row if c.value is not None]
    assert all(c.data_type != "f" for c in cells)
    (source,) = [c for c in cells if str(c.value).startswith("+cmd")]
    assert source.data_type == "s" and source.quotePrefix
    auth.login(staff)
    round_csv = client.get(f"/rounds/{round_.id}/coproduction.csv").get_data(as_text=True)
    assert "'+cmd|" in round_csv
    person_csv = client.get(f"/people/{pat.id}/involvement/download").get_data(as_text=True)
    assert "'=HYPERLINK" in person_csv
