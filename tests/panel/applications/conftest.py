"""Factories for the applications tests: open rounds, applications, rubrics and spreadsheets."""

import csv
import io
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import Workbook

from panel.applications import services
from panel.applications.validation import FIELDS
from panel.extensions import db
from panel.models import Application, FundingRound, Rubric, RubricCriterion, Stage, User

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


def add_rubric(round_: FundingRound, staff: User, eligibility: tuple[str, ...]) -> Rubric:
    """An adopted rubric with one scored criterion and the given eligibility criteria."""
    rubric = Rubric(round_id=round_.id, version=1, adopted_by_id=staff.id)
    db.session.add(rubric)
    db.session.flush()
    db.session.add(
        RubricCriterion(
            rubric_id=rubric.id,
            position=1,
            title="Brings neighbours together",
            description="How much neighbours will gain.",
            kind="scored",
            weight=3,
        )
    )
    for n, title in enumerate(eligibility, start=2):
        db.session.add(
            RubricCriterion(
                rubric_id=rubric.id,
                position=n,
                title=title,
                description=f"{title}: staff check this.",
                kind="eligibility",
                weight=0,
            )
        )
    db.session.commit()
    return rubric


@pytest.fixture
def open_round(make_round: Callable[..., FundingRound]) -> FundingRound:
    """A round taking applications today (CF26, awards £250 to £5,000)."""
    today = date.today()
    return make_round(
        slug="spring",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=3),
        applications_close_on=today + timedelta(days=10),
    )


@pytest.fixture
def make_application(app: Any) -> Callable[..., Application]:
    """Add an application through the service (so it gets a real reference), then commit."""
    counter = {"n": 0}

    def make(round_: FundingRound, status: str | None = None, **values: Any) -> Application:
        counter["n"] += 1
        n = counter["n"]
        fields: dict[str, Any] = {
            "organisation_name": f"Group {n}",
            "organisation_type": "community_group",
            "contact_name": f"Contact {n}",
            "contact_email": f"contact{n}@example.org",
            "contact_phone": "01632 960 001",
            "postcode": "LS6 2AB",
            "project_title": f"Project {n}",
            "summary": "A project.",
            "spend_on": "Things.",
            "amount_requested_pence": 1_000_00,
            "beneficiaries": 10,
            "location": "Northfield",
        }
        fields.update(values)
        application = services.create_application(
            round_=round_, values=fields, source="online", actor=None
        )
        if status is not None:
            application.status = status
        db.session.commit()
        return application

    return make
