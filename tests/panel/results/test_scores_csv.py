"""The csv of every score: the Scores sheet's rows and columns, streamed (web) and written (CLI)."""

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from panel.extensions import db
from panel.models import AuditEvent, ExportJob
from panel.results.cli import export_command
from tests.conftest import PASSWORD, AuthActions
from tests.panel.results.export_reading import records, workbook
from tests.worlds import gen_worked_panel

STAFF = "worked-panel.staff@example.org"


def _set_password(email: str) -> None:
    from argon2 import PasswordHasher

    from panel.models import User
    from tests.conftest import LIGHT_HASHING

    user = db.session.execute(sa.select(User).where(User.email == email)).scalar_one()
    user.password_hash = PasswordHasher(**LIGHT_HASHING).hash(PASSWORD)
    db.session.commit()


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel reads the £ and accents right
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _as_csv(row: dict[str, Any]) -> dict[str, str]:
    """A Scores sheet row as the csv writes it."""
    out = {}
    for key, value in row.items():
        if value is None:
            out[key] = ""
        elif isinstance(value, datetime):
            out[key] = value.strftime("%Y-%m-%d %H:%M")  # the sheet keeps time to the ms
        else:
            out[key] = str(value)
    return out


def _same_as_scores_sheet(csv_rows: list[dict[str, str]], xlsx: bytes) -> None:
    read = records(workbook(xlsx)["Scores"])
    assert all(isinstance(r["Submitted at"], datetime) for r in read)  # a date cell, not text
    sheet = [_as_csv(r) for r in read]
    assert len(csv_rows) == len(sheet) > 0
    assert list(csv_rows[0]) == list(sheet[0])  # the same columns, in order
    for got, want in zip(csv_rows, sheet, strict=True):
        at = got.pop("Submitted at")
        assert at[:16] == want.pop("Submitted at")
        assert got == want


def test_the_command_writes_every_score_as_the_scores_sheet_has_it(
    app: Flask, tmp_path: Path
) -> None:
    gen_worked_panel()
    runner = app.test_cli_runner()
    outputs = {}
    for fmt in ("scores-csv", "xlsx"):
        out = tmp_path / f"out.{fmt}"
        result = runner.invoke(
            export_command, ["worked-panel", "--format", fmt, "--output", str(out), "--anonymise"]
        )
        assert result.exit_code == 0, result.output
        outputs[fmt] = out.read_bytes()
    rows = _csv_rows(outputs["scores-csv"])
    assert len(rows) == 54
    assert {r["Panellist"] for r in rows} <= {f"Panellist {n}" for n in range(1, 10)}
    _same_as_scores_sheet(rows, outputs["xlsx"])
    after = db.session.execute(
        sa.select(AuditEvent.after).where(AuditEvent.action == "results.exported")
    ).scalars()
    assert {"format": "scores-csv", "anonymise": True, "via": "command line"} in list(after)


def test_staff_get_the_score_csv_streamed_at_any_size_never_as_a_job(
    app: Flask, client: Any
) -> None:
    """Item 18: an attachment with no-store, streamed even above the background-job threshold."""
    app.config["PANEL_EXPORT_INLINE_MAX_SCORES"] = 10  # an xlsx would be a background job
    panel = gen_worked_panel()
    _set_password(STAFF)
    AuthActions(client).login(STAFF)
    started = client.post(f"/rounds/{panel.round_id}/export", data={"fmt": "scores-csv"})
    assert started.headers["Location"].endswith("/export/scores-csv")
    response = client.get(started.headers["Location"])
    assert response.status_code == 200 and response.is_streamed
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="worked-panel-scores.csv"'
    )
    assert response.mimetype == "text/csv"
    rows = _csv_rows(response.data)
    assert len(rows) == 54
    assert db.session.execute(sa.select(sa.func.count()).select_from(ExportJob)).scalar_one() == 0
    exported = db.session.execute(
        sa.select(AuditEvent.actor_id, AuditEvent.after).where(
            AuditEvent.action == "results.exported"
        )
    ).all()
    assert exported == [
        (panel.staff_id, {"format": "scores-csv", "anonymise": False, "via": "web"})
    ]
    # The whole workbook's Scores sheet holds the same rows.
    app.config["PANEL_EXPORT_INLINE_MAX_SCORES"] = 10**6
    _same_as_scores_sheet(rows, client.get(f"/rounds/{panel.round_id}/export/xlsx").data)


def test_panellists_cannot_download_the_score_csv(app: Flask, client: Any) -> None:
    """Items 2 and 4: a panellist gets 404 and no score."""
    panel = gen_worked_panel()
    _set_password("worked-panel.p1@example.org")
    AuthActions(client).login("worked-panel.p1@example.org")
    response = client.get(f"/rounds/{panel.round_id}/export/scores-csv")
    assert response.status_code == 404
    assert b"Reference" not in response.data


def test_item_20_no_field_of_the_score_csv_can_run_as_a_formula(app: Flask, tmp_path: Path) -> None:
    """Item 20: names and criterion titles that start like a formula get a leading quote."""
    gen_worked_panel(hostile=True)
    out = tmp_path / "scores.csv"
    result = app.test_cli_runner().invoke(
        export_command, ["worked-panel", "--format", "scores-csv", "--output", str(out)]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_bytes().decode("utf-8-sig"), newline="")))
    values = [v for row in rows for v in row]
    assert not [v for v in values if v.startswith(("=", "+", "-", "@", "\t", "\r", "\n"))]
    assert "'=cmd|' /C calc'!A0" in values  # the hostile panellist's name, quoted
