"""Pressing "Import" twice, or two staff importing at once, imports the rows once (item 28).

The races are real: two threads, each a signed-in test client with its own connection, post to
the import at the same moment (released by a barrier), on SQLite and on PostgreSQL. SQLite
serialises writers by design; PostgreSQL is where both imports used to go through.
"""

import io
import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.applications import importer
from panel.extensions import db
from panel.models import Application, AuditEvent, FundingRound, Stage, User
from panel.models.application import ApplicationImport
from tests.conftest import PASSWORD
from tests.panel.applications.conftest import csv_bytes, sheet_row
from tests.panel.scoring.test_concurrency import run_together

ROWS = 2000
SHOWN = re.compile(r'name="duplicates_shown" type="hidden" value="([0-9,]*)"')


def _file(rows: int = ROWS) -> bytes:
    return csv_bytes(
        [
            sheet_row(organisation_name=f"Group {n}", project_title=f"Project {n}")
            for n in range(rows)
        ]
    )


def _signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _upload(client: FlaskClient, round_: FundingRound, data: bytes) -> str:
    """Upload the file and open its preview, as staff do; return the preview's URL."""
    response = client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(data), "applications.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return str(response.location)


HIDDEN = re.compile(r'<input[^>]*\bname="([^"]+)" type="hidden" value="([^"]*)"')


def _form_on(client: FlaskClient, preview_url: str) -> dict[str, str]:
    """The hidden fields of the preview page's import form: what the browser sends back."""
    page = client.get(preview_url).get_data(as_text=True)
    assert f"Import {ROWS} applications" in page
    form = page[page.find("/run") :]
    return dict(HIDDEN.findall(form[: form.find("</form>")]))


def _press_import(
    client: FlaskClient, preview_url: str, data: dict[str, str]
) -> Callable[[threading.Barrier], tuple[int, str]]:
    def job(barrier: threading.Barrier) -> tuple[int, str]:
        barrier.wait()
        response = client.post(f"{preview_url}/run", data=data)
        if response.status_code == 302:  # the list the person lands on, with its message
            landed = client.get(response.location).get_data(as_text=True)
            return 302, landed
        return response.status_code, response.get_data(as_text=True)

    return job


def _imported_once(round_: FundingRound) -> None:
    db.session.expire_all()
    count = db.session.execute(
        sa.select(sa.func.count(Application.id)).where(Application.round_id == round_.id)
    ).scalar_one()
    assert count == ROWS
    done = db.session.execute(
        sa.select(AuditEvent).where(AuditEvent.action == "application.import_done")
    ).scalars()
    assert [e.after["imported"] for e in done if e.after] == [ROWS]
    numbers = db.session.execute(sa.select(Application.number)).scalars()
    assert sorted(numbers) == list(range(1, ROWS + 1))


@pytest.mark.slow
def test_two_presses_of_import_in_one_session_import_the_file_once(
    app: Flask, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 28: the same session presses Import twice at once: one import, one clear message."""
    round_ = make_round(stage=Stage.APPLICATIONS)
    first = _signed_in(app, staff)
    preview_url = _upload(first, round_, _file())
    form = _form_on(first, preview_url)
    second = app.test_client()  # the same session: a second tab, or a second press
    cookie = first.get_cookie("session")
    assert cookie is not None
    second.set_cookie("session", cookie.value)

    results = run_together(
        [_press_import(first, preview_url, form), _press_import(second, preview_url, form)]
    )

    _imported_once(round_)
    statuses = sorted(status for status, _ in results)
    assert statuses == [302, 302]
    pages = [page for _, page in results]
    imported = [p for p in pages if f"{ROWS} applications imported." in p]
    told = [p for p in pages if "Nothing more was imported: applications.csv had already" in p]
    assert len(imported) == 1 and len(told) == 1, [p[p.find("<main") :][:600] for p in pages]
    assert f"adding {ROWS:,} applications" in told[0]
    upload = db.session.execute(sa.select(ApplicationImport)).scalar_one()
    assert (upload.status, upload.rows, upload.imported_count) == ("imported", [], ROWS)


@pytest.mark.slow
@pytest.mark.parametrize("skip", [False, True], ids=["duplicates imported", "duplicates skipped"])
def test_two_staff_importing_the_same_file_at_once_import_it_once(
    app: Flask,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
    skip: bool,
) -> None:
    """Item 28: two staff, each with their own upload of one file, press Import at once."""
    round_ = make_round(stage=Stage.APPLICATIONS)
    colleague = make_user("staff", name="Cai Colleague")
    clients = [_signed_in(app, staff), _signed_in(app, colleague)]
    previews = [_upload(client, round_, _file()) for client in clients]
    forms = [_form_on(c, p) for c, p in zip(clients, previews, strict=True)]
    # Neither saw a duplicate: each looked before the other imported.
    assert [f.get("duplicates_shown", "") for f in forms] == ["", ""]
    if skip:
        for form in forms:
            form["skip_duplicates"] = "y"

    results = run_together(
        [_press_import(c, p, f) for c, p, f in zip(clients, previews, forms, strict=True)]
    )

    _imported_once(round_)
    by_status = {status: page for status, page in results}
    assert sorted(by_status) == [302, 400]
    assert f"{ROWS} applications imported." in by_status[302]
    refused = by_status[400]
    assert "There is a problem" in refused
    assert (
        "Nothing was imported: applications were added to this round while you were checking "
        f"this file, and {ROWS:,} of its rows now repeat an application." in refused
    )
    # The refused person now sees every row marked as a possible duplicate.
    assert f"{ROWS} possible duplicates" in refused
    statuses = db.session.execute(
        sa.select(ApplicationImport.status).order_by(ApplicationImport.id)
    ).scalars()
    assert sorted(statuses) == ["imported", "pending"]


def test_the_database_refuses_a_second_application_from_one_row_of_an_upload(
    app: Flask, make_round: Callable[..., FundingRound], make_application: Callable[..., Any]
) -> None:
    """Item 28: (import, row) is unique in the database itself, whatever the code does."""
    round_ = make_round(stage=Stage.APPLICATIONS)
    upload = ApplicationImport(round_id=round_.id, filename="a.csv", status="imported")
    db.session.add(upload)
    db.session.commit()
    first = make_application(round_)
    first.import_id, first.import_row = upload.id, 2
    db.session.commit()
    second = make_application(round_, organisation_name="Another group")
    second.import_id, second.import_row = upload.id, 2
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    # A row without its upload (or an upload without its row) is refused too.
    second.import_id, second.import_row = upload.id, None
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    second.import_id, second.import_row = upload.id, 3
    db.session.commit()


def test_rows_that_became_duplicates_since_the_preview_are_not_imported_unseen(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Any],
) -> None:
    """Item 28: if applications the rows repeat arrive after the preview, nothing is imported."""
    round_ = make_round(stage=Stage.APPLICATIONS)
    login = client.post("/login", data={"email": staff.email, "password": PASSWORD})
    assert login.status_code == 302
    preview_url = _upload(client, round_, _file(3))
    page = client.get(preview_url).get_data(as_text=True)
    shown = SHOWN.search(page)
    assert shown is not None and shown.group(1) == ""
    make_application(round_, organisation_name="group 1", project_title="PROJECT 1")

    refused = client.post(f"{preview_url}/run", data={"duplicates_shown": ""})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "1 of its rows now repeat an application" in text
    assert "Row 3: same organisation and project title as CF26-0001" in text
    assert db.session.execute(sa.select(sa.func.count(Application.id))).scalar_one() == 1
    upload = db.session.execute(sa.select(ApplicationImport)).scalar_one()
    assert upload.status == "pending" and len(upload.rows) == 3

    # The refusal shows the duplicates and carries them: importing now is a choice made seeing them.
    again = SHOWN.search(text)
    assert again is not None and again.group(1) == "3"
    done = client.post(f"{preview_url}/run", data={"duplicates_shown": "3", "skip_duplicates": "y"})
    assert done.status_code == 302
    titles = db.session.execute(
        sa.select(Application.project_title).order_by(Application.number)
    ).scalars()
    assert list(titles) == ["PROJECT 1", "Project 0", "Project 2"]


def test_columns_changed_after_the_rows_were_checked_import_nothing(
    app: Flask, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    """Item 28: the import writes only the rows as they were checked, with those columns."""
    from panel.applications import spreadsheet

    round_ = make_round(stage=Stage.APPLICATIONS)
    sheet = spreadsheet.read_csv(_file(2))
    upload = importer.stage_upload(round_=round_, filename="a.csv", sheet=sheet, actor=staff)
    db.session.commit()
    mapping = dict(upload.mapping)
    checked = importer.check_upload(upload=upload, round_=round_)
    upload.mapping = {**mapping, "location": mapping["summary"]}  # a colleague's change
    db.session.commit()
    with pytest.raises(importer.RowsChanged, match="someone changed which column holds"):
        importer.complete_import(
            upload=upload,
            round_=round_,
            preview=checked,
            mapping=mapping,
            shown="",
            skip_duplicates=False,
            actor=staff,
        )
    db.session.rollback()
    assert db.session.execute(sa.select(Application)).first() is None
    db.session.refresh(upload)
    assert upload.status == "pending"
