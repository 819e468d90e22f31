"""docs/security.md items 6, 16, 18, 20 and 24 (data in and out), with CSRF on."""

import csv
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from panel.extensions import db
from panel.models import (
    Application,
    AuditEvent,
    FundingRound,
    Role,
    Rubric,
    Stage,
    User,
)
from panel.results import exports as ex
from tests.conftest import LIGHT_HASHING, PASSWORD
from tests.factories import gen_application, gen_criterion, gen_export_job, gen_rubric
from tests.security.helpers import audit_count, csrf_token, post_form, sign_in
from tests.worlds import gen_worked_panel

# --------------------------------------------------------------------------- item 6

CONTACT = ("Zara Private", "zara.private@example.org", "07700 900 777", "ZZ1 1ZZ")


def test_item_6_contact_details_are_shown_to_staff_and_to_no_one_else(
    client: FlaskClient, staff: User, make_user: Callable[..., User], make_round: Any
) -> None:
    """Item 6: staff see the applicant's name, email, phone and postcode; the round's own
    panellist sees the application on every page they can open, but none of those."""
    panellist = make_user(Role.RESIDENT)
    round_ = make_round(members=(panellist,), stage=Stage.SCORING)
    gen_rubric(round_, staff)
    app = gen_application(
        round_,
        1,
        contact_name=CONTACT[0],
        contact_email=CONTACT[1],
        contact_phone=CONTACT[2],
        postcode=CONTACT[3],
        project_title="Riverside beds",
    )
    sign_in(client, staff)
    staff_page = client.get(f"/rounds/{round_.id}/applications/{app.id}").get_data(as_text=True)
    for detail in CONTACT:
        assert detail in staff_page
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, panellist)
    base = f"/rounds/{round_.id}"
    paths = [base, f"{base}/scoring", f"{base}/scoring/{app.id}", f"{base}/scoring/{app.id}"]
    paths += [f"{base}/scoring/{app.id}/conflict", f"{base}/results", f"{base}/criteria"]
    paths += [f"{base}/applications/{app.id}", f"{base}/export/csv"]
    seen = 0
    for path in paths:
        response = client.get(path)
        page = response.get_data(as_text=True)
        seen += "Riverside beds" in page
        for detail in CONTACT:
            assert detail not in page, (path, detail)
    assert seen >= 2  # the application itself is shown to them


# --------------------------------------------------------------------------- item 16


@pytest.mark.parametrize("typed, pence", [("£1,250.50", 125_050), ("1250.5", 125_050)])
def test_item_16_money_is_read_from_pounds_into_whole_pence(
    client: FlaskClient, staff: User, typed: str, pence: int
) -> None:
    """Item 16: "£1,250.50" and "1250.5" are stored as 125050 pence."""
    sign_in(client, staff)
    data = {"name": "Summer fund", "fund_name": "Community Fund", "budget": typed}
    data.update({"min_award": "250", "max_award": "1000", "scale": "0-5", "quorum": "3"})
    assert post_form(client, "/rounds/new", data).status_code == 302
    round_ = db.session.execute(db.select(FundingRound)).scalar_one()
    assert round_.budget_pence == pence and isinstance(round_.budget_pence, int)


@pytest.mark.parametrize(
    "typed, message",
    [
        ("-1250", "Enter an amount of £0 or more"),
        ("1250.505", "Enter an amount in pounds and pence, like 1250.50"),
        ("12,50.5.0", "is not an amount in pounds"),
        ("1e5", "is not an amount in pounds"),
    ],
)
def test_item_16_bad_money_is_refused_by_the_field_and_nothing_is_saved(
    client: FlaskClient, staff: User, typed: str, message: str
) -> None:
    """Item 16: negatives and more than two decimals are refused, by the field, nothing saved."""
    sign_in(client, staff)
    data = {"name": "Summer fund", "fund_name": "Community Fund", "budget": typed}
    data.update({"min_award": "250", "max_award": "1000", "scale": "0-5", "quorum": "3"})
    response = post_form(client, "/rounds/new", data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    by_field = page.split('id="budget-error"', 1)[1].split("</p>", 1)[0]
    assert message in by_field.replace("&#39;", "'")
    assert db.session.execute(db.select(FundingRound)).first() is None


# --------------------------------------------------------------------------- item 18


def _staff_of(panel: Any) -> User:
    user = db.session.get(User, panel.staff_id)
    assert user is not None
    user.password_hash = PasswordHasher(**LIGHT_HASHING).hash(PASSWORD)
    db.session.commit()
    return user


def test_item_18_every_export_is_an_attachment_that_is_never_cached(
    app: Flask, client: FlaskClient
) -> None:
    """Item 18: each export format, and a background job's file, is sent with
    Content-Disposition: attachment, Cache-Control: no-store and nosniff."""
    panel = gen_worked_panel()
    sign_in(client, _staff_of(panel))
    job = gen_export_job(panel.round_id, panel.staff_id, filename="worked.xlsx")
    urls = [f"/rounds/{panel.round_id}/export/{fmt}" for fmt in ex.FORMATS]
    urls.append(f"/rounds/{panel.round_id}/export/xlsx?anonymise=y")
    urls.append(f"/rounds/{panel.round_id}/export/jobs/{job.id}/download")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Disposition"].startswith("attachment;"), url
        assert response.headers["Cache-Control"] == "no-store", url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
    page = client.get(f"/rounds/{panel.round_id}/results")
    assert page.mimetype == "text/html" and page.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


# --------------------------------------------------------------------------- item 20

RISKY = {
    "A": ("\uff1dHYPERLINK(1)", "+1 project"),
    "B": ("\t=1+2", "-1 project"),
    "C": ("\r=1+2", "@SUM(A1)"),
    "D": ("\n=1+2", "=2+3"),
    "E": ("\uff20SUM(A1)", "\uff0b1"),
    "F": ("\uff0d2+3\x1b\x07", "Plain project"),
}


def _hostile_panel() -> Any:
    panel = gen_worked_panel(hostile=True)
    for letter, (organisation, project) in RISKY.items():
        row = db.session.get(Application, panel.app_ids[letter])
        assert row is not None
        row.organisation_name, row.project_title = organisation, project
    db.session.commit()
    return panel


def _export(round_id: int, fmt: str) -> bytes:
    out = io.BytesIO()
    ex.write_export(db.session.get(FundingRound, round_id), ex.ExportOptions(fmt), out)
    db.session.rollback()
    return out.getvalue()


def test_item_20_csv_fields_with_a_risky_start_are_prefixed_with_a_quote(app: Flask) -> None:
    """Item 20: in CSV, a field beginning with = + - @, tab, CR, LF or the full-width
    ＝ ＋ － ＠ is prefixed with ' (and control characters are stripped)."""
    assert set(ex.RISKY_STARTS) >= set("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20")
    panel = _hostile_panel()
    text = _export(panel.round_id, "csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    values = [v for row in rows for v in row]
    assert all(not v.startswith(ex.RISKY_STARTS) for v in values)
    assert "'\uff1dHYPERLINK(1)" in values and "'\uff20SUM(A1)" in values
    assert "'+1 project" in values and "'\uff0b1" in values and "'@SUM(A1)" in values
    assert not any("\x1b" in v or "\x07" in v for v in values)


def test_item_20_no_xlsx_export_holds_a_formula_and_numbers_stay_numbers(app: Flask) -> None:
    """Item 20: re-reading every spreadsheet export finds no formula cell (no <f> in the sheet
    XML either); risky text is a string cell with quotePrefix; figures are still numbers."""
    panel = _hostile_panel()
    for fmt in ("xlsx", "360giving", "feedback"):
        data = _export(panel.round_id, fmt)
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = archive.read(name)
                    assert b"<f>" not in xml and b"<f " not in xml, (fmt, name)
        book = load_workbook(io.BytesIO(data))
        cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert [c.coordinate for c in cells if c.data_type == "f"] == [], fmt
        risky = [
            c for c in cells if isinstance(c.value, str) and c.value.startswith(ex.RISKY_STARTS)
        ]
        assert risky and all(c.data_type == "s" and c.quotePrefix for c in risky), fmt
        assert not any("\x1b" in str(c.value) for c in cells), fmt
    book = load_workbook(io.BytesIO(_export(panel.round_id, "xlsx")))
    rows = list(book["Summary"].iter_rows(values_only=True))
    summary = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert {r["Organisation"] for r in summary} >= {"\uff1dHYPERLINK(1)", "\uff20SUM(A1)"}
    for r in summary:
        assert isinstance(r["Reviews"], int)
        assert isinstance(r["Mean"], int | float)


# --------------------------------------------------------------------------- item 24


@pytest.fixture
def shortlisted(
    app: Flask, staff: User, make_user: Callable[..., User], make_round: Any
) -> tuple[FundingRound, list[Any]]:
    people = [make_user() for _ in range(2)]
    round_ = make_round(members=tuple(people))
    a = gen_criterion(round_, people[0], "Brings neighbours together", shortlisted=True)
    b = gen_criterion(round_, people[1], "Value for money", shortlisted=True)
    return round_, [a, b]


def _adopt_data(criteria: list[Any], weights: tuple[int, int], version: str) -> dict[str, str]:
    data = {"version": version, "note": ""}
    for n, (c, weight) in enumerate(zip(criteria, weights, strict=True), start=1):
        data.update({f"include_{c.id}": "y", f"position_{c.id}": str(n)})
        data.update({f"weight_{c.id}": str(weight), f"reason_{c.id}": "Agreed at the meeting"})
    return data


def test_item_24_a_stale_adoption_form_gets_409_with_both_versions_and_replaces_nothing(
    app: Flask, staff: User, make_user: Callable[..., User], shortlisted: Any
) -> None:
    """Item 24: the rubric carries a version; adopting from a page opened before someone else
    adopted gets 409 showing the version in force and the person's own choices, and nothing is
    replaced; sending it again from that page then adopts knowingly."""
    round_, criteria = shortlisted
    url = f"/rounds/{round_.id}/criteria/adopt"
    other_staff = make_user(Role.STAFF, name="Tess Second")
    first, second = app.test_client(), app.test_client()
    sign_in(first, staff)
    sign_in(second, other_staff)
    page = first.get(url).get_data(as_text=True)
    assert 'name="version" type="hidden" value="0"' in page  # opened with no rubric in force
    assert post_form(second, url, _adopt_data(criteria, (67, 33), "0")).status_code == 302
    events = audit_count()
    response = post_form(first, url, _adopt_data(criteria, (55, 45), "0"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Someone else adopted version 1 of the criteria" in page
    assert "Brings neighbours together: weight 67" in page  # what is in force
    assert 'value="55"' in page and 'value="45"' in page  # what they chose, kept
    assert 'name="version" type="hidden" value="1"' in page
    rubrics = db.session.execute(db.select(Rubric)).scalars().all()
    assert [r.version for r in rubrics] == [1]
    assert sorted(c.weight for c in rubrics[0].scored) == [33, 67]
    assert audit_count() == events
    # Sent again from the page that now shows version 1: a knowing replacement.
    assert post_form(first, url, _adopt_data(criteria, (55, 45), "1")).status_code == 302
    versions = db.session.execute(db.select(Rubric.version).order_by(Rubric.version)).scalars()
    assert list(versions) == [1, 2]
    adopted = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "rubric.adopted")
    ).scalars()
    assert len(list(adopted)) == 2
