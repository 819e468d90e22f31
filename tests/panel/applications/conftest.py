"""Fixtures for the applications tests: an open round, applications, answers and spreadsheets."""

import csv
import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import Workbook

from panel.applications.validation import FIELDS
from panel.models import Application, FundingRound, Stage
from panel.models.types import uk_today
from tests.factories import gen_received_application

# What a person types into the public form: every answer good.
GOOD = {
    "organisation_name": "Northfield Lunch Club",
    "organisation_type": "community_group",
    "registration_number": "",
    "contact_name": "June Hart",
    "contact_email": "june.hart@example.org",
    "contact_phone": "01632 960 001",
    "postcode": "ls6 2ab",
    "project_title": "Weekly lunch club for older residents",
    "summary": "A hot lunch every Wednesday for older neighbours who live alone.",
    "spend_on": "Hall hire and food.",
    "amount": "£1,250.50",
    "beneficiaries": "35",
    "location": "Northfield",
}

HEADERS = [f.label for f in FIELDS]


def sheet_row(**overrides: str) -> list[str]:
    """One spreadsheet row in the template's column order, good unless overridden."""
    values = dict(GOOD, **overrides)
    return [values[f.key] for f in FIELDS]


def xlsx_bytes(rows: list[list[Any]], headers: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[str]], headers: list[str] | None = None, bom: bool = False) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers or HEADERS)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


@pytest.fixture
def open_round(make_round: Callable[..., FundingRound]) -> FundingRound:
    """A round taking applications today (CF26, awards £250 to £5,000)."""
    today = uk_today()
    return make_round(
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=3),
        applications_close_on=today + timedelta(days=10),
    )


@pytest.fixture
def make_application(app: Any) -> Callable[..., Application]:
    """factories.gen_received_application: through the service, so it gets a real reference."""

    def make(round_: FundingRound, status: str | None = None, **values: Any) -> Application:
        return gen_received_application(round_, status=status, **values)

    return make
