"""Issue 19: the round's extra questions are columns of the Summary sheet and the csv."""

import csv
import io

from flask import Flask

from panel.applications import extras
from panel.extensions import db
from panel.models import Application, FundingRound, User
from tests.panel.results.export_reading import export_bytes, records, workbook
from tests.worlds import gen_worked_panel, ref


def test_each_extra_question_is_a_column_of_the_summary_and_the_csv(app: Flask) -> None:
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    staff = db.session.get(User, panel.staff_id)
    assert round_ is not None and staff is not None
    volunteers = extras.add_question(
        round_=round_, label="How many volunteers?", kind="number", required=False, actor=staff
    )
    insured = extras.add_question(
        round_=round_, label="Insured?", kind="yes_no", required=False, actor=staff
    )
    application = db.session.get(Application, panel.app_ids["A"])
    assert application is not None
    application.extra_answers = {volunteers.key: "12", insured.key: "Yes"}
    db.session.commit()
    book = workbook(export_bytes(panel.round_id, "xlsx"))
    headers = [c.value for c in book["Summary"][1]]
    assert headers[-2:] == ["How many volunteers?", "Insured?"]
    summary = {row["Reference"]: row for row in records(book["Summary"])}
    assert summary[ref("A")]["How many volunteers?"] == "12"
    assert summary[ref("A")]["Insured?"] == "Yes"
    assert summary[ref("B")]["Insured?"] in ("", None)
    rows = list(
        csv.DictReader(io.StringIO(export_bytes(panel.round_id, "csv").decode("utf-8-sig")))
    )
    by_ref = {row["Reference"]: row for row in rows}
    assert by_ref[ref("A")]["How many volunteers?"] == "12"
