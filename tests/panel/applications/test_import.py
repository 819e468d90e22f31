"""Staff import applications from a spreadsheet: columns, a checked preview, all or nothing, CLI."""

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from panel.applications import matching, spreadsheet
from panel.extensions import db
from panel.models import Application, AuditEvent, FundingRound, Stage, User
from panel.models.application import ApplicationImport
from tests.conftest import AuthActions
from tests.factories import gen_import
from tests.panel.applications.conftest import HEADERS, csv_bytes, sheet_row, xlsx_bytes


def _upload(client: FlaskClient, round_: FundingRound, data: bytes, name: str) -> Any:
    return client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


SHOWN = re.compile(r'name="duplicates_shown" type="hidden" value="([0-9,]*)"')


def _shown(client: FlaskClient, preview_url: str) -> str:
    """The duplicates the preview page shows, as its import form sends them back."""
    found = SHOWN.search(client.get(preview_url).get_data(as_text=True))
    assert found is not None, "the preview page has no import form"
    return found.group(1)


def _applications() -> list[Application]:
    return list(db.session.execute(db.select(Application).order_by(Application.id)).scalars())


def _three_rows(**bad: str) -> list[list[str]]:
    rows = [sheet_row(organisation_name=f"Group {n}", project_title=f"Project {n}") for n in (1, 2)]
    rows.append(sheet_row(organisation_name="Group 3", project_title="Project 3", **bad))
    return rows


def test_a_good_xlsx_is_previewed_then_imported_with_references_and_an_audit_row(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    rows = _three_rows()
    rows[0][HEADERS.index("Amount requested")] = 1250.5  # type: ignore[call-overload]  # a number
    response = _upload(client, round_, xlsx_bytes(rows), "applications.xlsx")
    assert response.status_code == 302
    upload = db.session.execute(db.select(ApplicationImport)).scalar_one()
    assert response.location == f"/rounds/{round_.id}/imports/{upload.id}"
    assert upload.mapping["amount"] == HEADERS.index("Amount requested")
    page = client.get(response.location).get_data(as_text=True)
    assert "3 rows" in page and "Every row can be imported" in page
    assert "Import 3 applications" in page
    assert _applications() == []  # nothing until staff press import

    done = client.post(f"{response.location}/run", data={})
    assert done.status_code == 302
    assert done.location == f"/rounds/{round_.id}/applications"
    imported = _applications()
    assert [a.reference for a in imported] == ["CF26-0001", "CF26-0002", "CF26-0003"]
    assert imported[0].amount_requested_pence == 125_050
    assert {a.source for a in imported} == {"import"}
    db.session.refresh(upload)
    assert upload.status == "imported" and upload.rows == []  # personal data not kept here
    summary = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.import_done")
    ).scalar_one()
    assert summary.after is not None and summary.after["imported"] == 3
    assert "3 applications imported" in client.get(done.location).get_data(as_text=True)


def test_the_preview_lists_every_problem_by_row_and_column_and_import_is_refused(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    rows = _three_rows(amount="£12k", postcode="")
    response = _upload(client, round_, csv_bytes(rows), "applications.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "Row 4, Amount requested: &#39;£12k&#39; is not an amount in pounds" in page
    assert "Row 4, Postcode: this is empty" in page
    assert "Import 3 applications" not in page
    refused = client.post(f"{response.location}/run", data={})
    assert refused.status_code == 400
    assert "Nothing was imported" in refused.get_data(as_text=True)
    assert _applications() == []


def test_staff_correct_the_column_matching(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    headers = [*HEADERS]
    headers[HEADERS.index("Amount requested")] = "How much"
    response = _upload(client, round_, csv_bytes(_three_rows(), headers=headers), "a.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "No column for Amount requested: choose which column holds it" in page
    columns_url = response.location + "/columns"
    form = client.get(columns_url).get_data(as_text=True)
    assert "How much" in form
    upload = db.session.execute(db.select(ApplicationImport)).scalar_one()
    mapping = {key: str(value) for key, value in upload.mapping.items()}
    twice = client.post(columns_url, data=dict(mapping, amount=mapping["organisation_name"]))
    assert twice.status_code == 400
    assert "is already chosen for Organisation name" in twice.get_data(as_text=True)
    fixed = client.post(columns_url, data=dict(mapping, amount=str(headers.index("How much"))))
    assert fixed.status_code == 302
    assert "Every row can be imported" in client.get(response.location).get_data(as_text=True)
    client.post(f"{response.location}/run", data={})
    assert len(_applications()) == 3


def test_duplicates_are_shown_and_skipped_only_when_staff_tick_the_box(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    make_application(round_, organisation_name="GROUP 1", project_title="project 1")
    AuthActions(client).login(staff)
    response = _upload(client, round_, csv_bytes(_three_rows()), "a.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "Row 2: same organisation and project title as CF26-0001" in page
    assert "Skip the rows that match applications we already have" in page
    shown = _shown(client, response.location)
    assert shown == "2"
    client.post(
        f"{response.location}/run", data={"skip_duplicates": "y", "duplicates_shown": shown}
    )
    titles = [a.project_title for a in _applications()]
    assert titles == ["project 1", "Project 2", "Project 3"]


def test_without_the_tick_duplicates_are_imported_too(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    make_application(round_, organisation_name="Group 1", project_title="Project 1")
    AuthActions(client).login(staff)
    response = _upload(client, round_, csv_bytes(_three_rows()), "a.csv")
    client.post(
        f"{response.location}/run", data={"duplicates_shown": _shown(client, response.location)}
    )
    assert len(_applications()) == 4


def test_a_repeated_row_within_the_file_is_a_duplicate_of_the_earlier_row(
    app: Flask, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    rows = [{"row": 2, "cells": sheet_row()}, {"row": 3, "cells": sheet_row()}]
    preview = matching.build_preview(
        round_=round_, rows=rows, mapping=matching.guess_mapping(HEADERS)
    )
    assert preview.duplicate_lines() == ["Row 3: same organisation and project title as row 2"]


def test_an_import_cannot_run_twice(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    response = _upload(client, round_, csv_bytes(_three_rows()), "a.csv")
    client.post(f"{response.location}/run", data={})
    again = client.post(f"{response.location}/run", data={})
    assert again.status_code == 302
    assert again.location == f"/rounds/{round_.id}/applications"
    page = client.get(again.location).get_data(as_text=True)
    assert (
        "Nothing more was imported: a.csv had already been imported, adding 3 applications" in page
    )
    assert len(_applications()) == 3


def test_imports_are_refused_once_scoring_has_started(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.SCORING)
    AuthActions(client).login(staff)
    response = _upload(client, round_, csv_bytes(_three_rows()), "a.csv")
    assert response.status_code == 400
    assert "scoring has started" in response.get_data(as_text=True)
    assert db.session.execute(db.select(ApplicationImport)).first() is None


def test_a_csv_with_a_bom_and_a_formula_looking_cell_is_stored_as_plain_text(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    sneaky = '=HYPERLINK("http://evil.example","Click")'
    rows = [sheet_row(organisation_name=sneaky)]
    response = _upload(client, round_, csv_bytes(rows, bom=True), "a.csv")
    client.post(f"{response.location}/run", data={})
    (application,) = _applications()
    assert application.organisation_name == sneaky


def test_a_windows_csv_is_read_as_cp1252_with_a_note(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    AuthActions(client).login(staff)
    text = csv_bytes([sheet_row(organisation_name="Café Club", amount="£300")]).decode()
    response = _upload(client, round_, text.encode("cp1252"), "a.csv")
    page = client.get(response.location).get_data(as_text=True)
    assert "read as Windows text" in page
    client.post(f"{response.location}/run", data={})
    (application,) = _applications()
    assert application.organisation_name == "Café Club"
    assert application.amount_requested_pence == 30_000


def test_undecodable_text_gets_a_clear_message(app: Flask) -> None:
    bad = csv_bytes([sheet_row()]) + b"\x81\x8d\x9d"
    try:
        spreadsheet.read_upload("a.csv", bad)
    except spreadsheet.ImportRefused as exc:
        assert "Save it as “CSV UTF-8”" in str(exc)
    else:
        raise AssertionError("undecodable CSV was accepted")


def test_the_template_spreadsheet_has_the_headings_and_imports_cleanly(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round()
    AuthActions(client).login(staff)
    response = client.get(f"/rounds/{round_.id}/applications/import/template.xlsx")
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    workbook = load_workbook(io.BytesIO(response.data), read_only=True)
    try:
        headings = [c.value for c in next(workbook.worksheets[0].iter_rows(max_row=1))]
    finally:
        workbook.close()
    assert headings == HEADERS
    assert matching.guess_mapping(headings) == {key: i for i, key in enumerate(spreadsheet.HELP)}


# --------------------------------------------------------------------------- the command line


def test_the_cli_imports_a_good_file_and_prints_the_references(
    app: Flask, runner: Any, make_round: Callable[..., FundingRound], tmp_path: Path
) -> None:
    round_ = make_round(slug="spring", stage=Stage.APPLICATIONS)
    path = tmp_path / "applications.xlsx"
    path.write_bytes(xlsx_bytes(_three_rows()))
    result = runner.invoke(args=["import-applications", "spring", str(path)])
    assert result.exit_code == 0, result.output
    assert "applications.xlsx: 3 rows for" in result.output
    assert "Imported 3 applications: CF26-0001 to CF26-0003." in result.output
    assert len(_applications()) == 3
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.import_done")
    ).scalar_one()
    assert event.actor_id is None and event.round_id == round_.id


def test_the_cli_prints_the_same_report_exits_1_and_imports_nothing_for_a_bad_row(
    app: Flask, runner: Any, make_round: Callable[..., FundingRound], tmp_path: Path
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    path = tmp_path / "applications.csv"
    path.write_bytes(csv_bytes(_three_rows(amount="£12k")))
    result = runner.invoke(args=["import-applications", str(round_.id), str(path)])
    assert result.exit_code == 1
    assert "Row 4, Amount requested: '£12k' is not an amount in pounds" in result.output
    assert "Nothing was imported" in result.output
    assert _applications() == []


def test_the_cli_skips_duplicates_only_with_the_flag(
    app: Flask,
    runner: Any,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
    tmp_path: Path,
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    make_application(round_, organisation_name="Group 2", project_title="Project 2")
    path = tmp_path / "applications.csv"
    path.write_bytes(csv_bytes(_three_rows()))
    result = runner.invoke(
        args=["import-applications", str(round_.id), str(path), "--skip-duplicates"]
    )
    assert result.exit_code == 0, result.output
    assert "Row 3: same organisation and project title as CF26-0001 (skipped)" in result.output
    assert "skipped 1 duplicates" in result.output
    assert len(_applications()) == 3


def test_the_cli_refuses_an_unknown_round_and_a_hostile_file(
    app: Flask, runner: Any, make_round: Callable[..., FundingRound], tmp_path: Path
) -> None:
    """Item 21: the CLI import refuses a hostile file too."""
    make_round(slug="spring", stage=Stage.APPLICATIONS)
    path = tmp_path / "applications.xlsx"
    path.write_bytes(b"name,title\nthis is really a text file\n")
    unknown = runner.invoke(args=["import-applications", "nope", str(path)])
    assert unknown.exit_code == 1 and "There is no round 'nope'" in unknown.output
    hostile = runner.invoke(args=["import-applications", "spring", str(path)])
    assert hostile.exit_code == 1 and "is not a real .xlsx spreadsheet" in hostile.output
    assert _applications() == []


def test_an_abandoned_upload_loses_its_rows_when_a_new_one_arrives(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    from datetime import UTC, datetime, timedelta

    round_ = make_round(stage=Stage.APPLICATIONS)
    other_staff = make_user("staff")
    old = gen_import(
        round_,
        other_staff,
        headers=HEADERS,
        rows=[sheet_row()],
        created_at=datetime.now(UTC) - timedelta(days=2),
    )
    recent = gen_import(round_, other_staff, headers=HEADERS, rows=[sheet_row()])
    AuthActions(client).login(staff)
    _upload(client, round_, csv_bytes(_three_rows()), "a.csv")
    db.session.refresh(old)
    db.session.refresh(recent)
    assert (old.status, old.rows) == ("cancelled", [])
    assert recent.status == "pending" and len(recent.rows) == 1  # a colleague's work in progress
