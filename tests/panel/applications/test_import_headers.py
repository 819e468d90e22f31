"""Spreadsheet headers matched forgivingly (issue 15): the same words or a close spelling find
the question, the preview shows the guess, and the command line's --column corrects it."""

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.applications import matching
from panel.extensions import db
from panel.models import Application, FundingRound, Stage, User
from panel.models.application import ApplicationImport
from tests.conftest import AuthActions
from tests.panel.applications.conftest import HEADERS, csv_bytes, sheet_row

# A staff sheet in its own words: only "Charity or company number" is the form's own label.
STAFF_HEADERS = [
    "Name of group",
    "Type of group",
    "Charity or company number",
    "Contact person",
    "Email",
    "Phone number",
    "Post code",
    "Project name",
    "Tell us about the project",
    "What the money is for",
    "How much",  # too unlike "Amount requested" to guess: --column says it
    "How many people will benefit",
    "Which neighbourhood",
]


def _rows() -> list[list[str]]:
    return [sheet_row(organisation_name=f"Group {n}", project_title=f"Project {n}") for n in (1, 2)]


def test_headers_in_other_words_find_their_questions_and_unrelated_ones_do_not() -> None:
    mapping = matching.guess_mapping([*STAFF_HEADERS, "Notes", "Date received"])
    found = {key: STAFF_HEADERS[i] for key, i in mapping.items()}
    assert found["spend_on"] == "What the money is for"
    assert found["summary"] == "Tell us about the project"
    assert found["organisation_name"] == "Name of group"
    assert found["location"] == "Which neighbourhood"
    assert found["beneficiaries"] == "How many people will benefit"
    assert "amount" not in mapping
    assert len(set(mapping.values())) == len(mapping)  # one question per column
    # The form's own labels still win over any near match.
    assert matching.guess_mapping(HEADERS) == {key: i for i, key in enumerate(mapping_keys())}


def mapping_keys() -> list[str]:
    from panel.applications.validation import FIELDS

    return [f.key for f in FIELDS]


def test_the_preview_shows_the_guess_for_a_header_in_other_words(
    client: FlaskClient, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(stage=Stage.APPLICATIONS)
    headers = [
        h if h != "What the money will pay for" else "What the money is for" for h in HEADERS
    ]
    AuthActions(client).login(staff)
    response = client.post(
        f"/rounds/{round_.id}/applications/import",
        data={"file": (io.BytesIO(csv_bytes(_rows(), headers=headers)), "staff.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    upload = db.session.execute(db.select(ApplicationImport)).scalar_one()
    page = client.get(response.location).get_data(as_text=True)
    assert "No column for What the money will pay for" not in page
    assert upload.mapping["spend_on"] == headers.index("What the money is for")


def test_the_cli_takes_column_choices_and_prints_each_columns_question(
    app: Flask, runner: Any, make_round: Callable[..., FundingRound], tmp_path: Path
) -> None:
    make_round(slug="spring", stage=Stage.APPLICATIONS)
    path = tmp_path / "staff.csv"
    path.write_bytes(csv_bytes(_rows(), headers=STAFF_HEADERS))

    refused = runner.invoke(args=["import-applications", "spring", str(path)])
    assert refused.exit_code == 1
    assert "No column for Amount requested" in refused.output
    assert "What the money will pay for (spend_on): column 10, “What the money is for”" in (
        refused.output
    )

    wrong = runner.invoke(
        args=["import-applications", "spring", str(path), "--column", "amount=Cost"]
    )
    assert wrong.exit_code == 1 and "The file has no column headed 'Cost'" in wrong.output
    unknown = runner.invoke(
        args=["import-applications", "spring", str(path), "--column", "money=How much"]
    )
    assert unknown.exit_code == 1 and "There is no question 'money'" in unknown.output
    assert db.session.execute(db.select(Application)).first() is None

    done = runner.invoke(
        args=["import-applications", "spring", str(path), "--column", "Amount requested=how much"]
    )
    assert done.exit_code == 0, done.output
    assert "Amount requested (amount): column 11, “How much”" in done.output
    assert "Imported 2 applications" in done.output


def test_a_column_choice_takes_the_column_from_any_other_guess() -> None:
    headers = ["Organisation name", "Project title", "Project summary"]
    mapping = matching.apply_columns(matching.guess_mapping(headers), headers, ["project_title=3"])
    assert mapping == {"organisation_name": 0, "project_title": 2}
