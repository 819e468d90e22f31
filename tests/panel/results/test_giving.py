"""360Giving: the spreadsheet and the JSON data package of a round's confirmed awards."""

import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from panel.extensions import db
from panel.models import AuditEvent, ExportJob, FundingRound, User
from panel.results import exports as ex
from panel.results.cli import export_command
from panel.results.exports import jobs
from panel.results.exports.giving_schema import check_package, package_validator, schema_problems
from tests.conftest import PASSWORD, AuthActions
from tests.panel.results.export_reading import export_bytes, records, workbook
from tests.worlds import gen_worked_panel, ref

SCHEMA = Path(__file__).resolve().parents[3] / "panel" / "data" / "threesixtygiving"


# --------------------------------------------------------------------------- 360Giving


def giving_validator() -> Draft202012Validator:
    package = json.loads((SCHEMA / "360-giving-package-schema.json").read_text())
    grant = json.loads((SCHEMA / "360-giving-schema.json").read_text())
    resource = DRAFT202012.create_resource(grant)
    registry = Registry().with_resources(
        [
            (package["properties"]["grants"]["items"]["$ref"], resource),
            (grant["$id"], resource),
        ]
    )
    return Draft202012Validator(package, registry=registry, format_checker=FormatChecker())


def test_the_360giving_package_validates_against_the_schema(app: Flask) -> None:
    app.config.update(
        PANEL_FUNDER_NAME="Riverside Homes",
        PANEL_FUNDER_ORG_ID="GB-COH-01234567",
        PANEL_360G_PREFIX="360G-riverside",
    )
    panel = gen_worked_panel()
    package = json.loads(export_bytes(panel.round_id, "360giving-json"))
    errors = sorted(giving_validator().iter_errors(package), key=str)
    assert not errors, [e.message for e in errors]
    assert schema_problems(package) == []  # the app's own check agrees
    grants = {g["id"]: g for g in package["grants"]}
    # Only confirmed fund / fund-in-part decisions: F and A (E is a draft, D declined).
    assert set(grants) == {f"360G-riverside-{ref('F')}", f"360G-riverside-{ref('A')}"}
    a = grants[f"360G-riverside-{ref('A')}"]
    assert a["amountAwarded"] == 3000 and a["amountAppliedFor"] == 4000
    assert a["currency"] == "GBP"
    assert a["recipientOrganization"][0]["id"] == "GB-CHC-1164883"
    assert a["fundingOrganization"] == [{"id": "GB-COH-01234567", "name": "Riverside Homes"}]
    f = grants[f"360G-riverside-{ref('F')}"]
    assert f["recipientOrganization"][0]["id"] == "360G-riverside-org-group-f"


def test_a_package_missing_a_required_field_fails_the_same_validation(app: Flask) -> None:
    panel = gen_worked_panel()
    package = json.loads(export_bytes(panel.round_id, "360giving-json"))
    first = package["grants"][0]["id"]
    del package["grants"][0]["awardDate"]
    assert list(giving_validator().iter_errors(package))
    assert schema_problems(package) == [f"grant {first}: 'awardDate' is a required property"]


def test_the_360giving_spreadsheet_has_the_standards_columns(app: Flask) -> None:
    panel = gen_worked_panel()
    book = workbook(export_bytes(panel.round_id, "360giving"))
    assert book.sheetnames == ["grants"]
    rows = records(book["grants"])
    assert list(rows[0]) == ex.GRANTS_HEADERS
    by_id = {r["Identifier"]: r for r in rows}
    a = by_id[f"360G-example-{ref('A')}"]
    assert a["Amount Awarded"] == 3000 and a["Amount Applied For"] == 4000
    assert a["Funding Org:Name"] == "Example Housing Association"
    assert a["Funding Org:Identifier"] == "GB-CHC-000000"
    assert a["Recipient Org:Charity Number"] == "1164883"
    assert len(a["Award Date"]) == 10 and a["Award Date"][4] == "-"
    assert a["From An Open Call?"] == "Yes"
    assert len(rows) == 2


def test_recipients_get_org_ids_from_their_registration_numbers() -> None:
    def org(charity: str | None = None, company: str | None = None) -> str:
        return ex.recipient_org_id(
            charity_number=charity, company_number=company, name="Oak Lane Group", prefix="360G-x"
        )

    assert org("1164883") == "GB-CHC-1164883"
    assert org("SC042386") == "GB-SC-SC042386"
    assert org("NIC100001") == "GB-NIC-100001"
    assert org(company="1234567") == "GB-COH-01234567"
    assert org(company="SC123456") == "GB-COH-SC123456"
    assert org() == "360G-x-org-oak-lane-group"


def test_360giving_refuses_a_round_with_no_confirmed_awards(app: Flask) -> None:
    panel = gen_worked_panel(decisions=False)
    with pytest.raises(ex.ExportError, match="no confirmed awards"):
        export_bytes(panel.round_id, "360giving-json")


# --------------------------------------------------------------------------- the schema check

BAD_SOURCE = "our website"  # PANEL_BASE_URL is each grant's dataSource, which must be a URI


def test_the_validator_is_built_once_from_the_package_data() -> None:
    validator = package_validator()
    assert package_validator() is validator
    assert validator.schema == json.loads((SCHEMA / "360-giving-package-schema.json").read_text())
    # The grant schema, named by its web address, resolves to the local copy: a grant's own
    # rules apply (this needs no network; the registry holds only the two local files).
    problems = schema_problems({"grants": [{"id": 1}]})
    assert "grant 1: 'title' is a required property" in problems[0]


def test_the_check_names_each_problem_and_the_grant_it_is_in() -> None:
    grant = {
        "id": "360G-x-1",
        "title": "T",
        "description": "D",
        "currency": "POUNDS",
        "amountAwarded": "10",
        "awardDate": "2024-02-30T00:00:00Z",
        "recipientOrganization": [{"id": "GB-CHC-1", "name": "N"}],
        "fundingOrganization": [{"id": "GB-CHC-2", "name": "F"}],
        "dataSource": BAD_SOURCE,
    }
    assert schema_problems({"grants": [grant], "version": "1.4"}) == [
        "grant 360G-x-1, amountAwarded: '10' is not of type 'number'",
        "grant 360G-x-1, awardDate: '2024-02-30T00:00:00Z' is not a valid date-time",
        "grant 360G-x-1, currency: 'POUNDS' is not one of the 301 values allowed",
        "grant 360G-x-1, dataSource: 'our website' is not a valid uri",
    ]
    grant.update(currency="GBP", amountAwarded=10, dataSource="https://example.org")
    grant["awardDate"] = "2024-02-29"  # a date alone is allowed too
    check_package({"grants": [grant]})
    with pytest.raises(ex.ExportError, match=r"schema 1\.4\.3\)\. the package: 'grants'"):
        check_package({"version": "1.4"})


def _login_staff(client: Any) -> None:
    from argon2 import PasswordHasher

    from tests.conftest import LIGHT_HASHING

    user = db.session.execute(
        sa.select(User).where(User.email == "worked-panel.staff@example.org")
    ).scalar_one()
    user.password_hash = PasswordHasher(**LIGHT_HASHING).hash(PASSWORD)
    db.session.commit()
    AuthActions(client).login("worked-panel.staff@example.org")


def test_the_web_refuses_an_invalid_package_with_the_reason(app: Flask, client: Any) -> None:
    panel = gen_worked_panel()
    _login_staff(client)
    app.config["PANEL_BASE_URL"] = BAD_SOURCE
    response = client.get(f"/rounds/{panel.round_id}/export/360giving-json", follow_redirects=True)
    assert response.request.path == f"/rounds/{panel.round_id}/export"
    assert "Content-Disposition" not in response.headers
    assert "does not follow the 360Giving Data Standard" in response.text
    assert (
        f"grant 360G-example-{ref('A')}, dataSource: &#39;our website&#39; is not a valid uri"
        in response.text
    )
    exported = db.session.execute(
        sa.select(AuditEvent.id).where(AuditEvent.action == "results.exported")
    ).all()
    assert exported == []  # nothing offered, nothing audited
    app.config["PANEL_BASE_URL"] = "https://grants.example.org"
    good = client.get(f"/rounds/{panel.round_id}/export/360giving-json")
    assert good.headers["Content-Disposition"].startswith("attachment;")
    assert json.loads(good.data)["grants"][0]["dataSource"] == "https://grants.example.org"


@pytest.mark.usefixtures("queue_worker")
def test_a_background_job_refuses_an_invalid_package_with_the_reason(app: Flask) -> None:
    panel = gen_worked_panel()
    app.config["PANEL_BASE_URL"] = BAD_SOURCE
    round_ = db.session.get(FundingRound, panel.round_id)
    actor = db.session.get(User, panel.staff_id)
    assert round_ is not None and actor is not None
    job = jobs.start_job(round_=round_, options=ex.ExportOptions("360giving-json"), actor=actor)
    job_id = job.id
    db.session.commit()
    jobs.launch(job_id)
    jobs.wait(job_id)
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job is not None and job.status == "failed" and job.content is None
    assert job.error is not None and "does not follow the 360Giving Data Standard" in job.error
    assert "dataSource: 'our website' is not a valid uri" in job.error


def test_the_command_refuses_an_invalid_package_and_writes_nothing(
    app: Flask, tmp_path: Path
) -> None:
    gen_worked_panel()
    app.config["PANEL_BASE_URL"] = BAD_SOURCE
    out = tmp_path / "out" / "grants.json"
    out.parent.mkdir()
    result = app.test_cli_runner().invoke(
        export_command, ["worked-panel", "--format", "360giving-json", "--output", str(out)]
    )
    assert result.exit_code == 1
    assert "does not follow the 360Giving Data Standard (schema 1.4.3)" in result.output
    assert "dataSource: 'our website' is not a valid uri" in result.output
    assert list(out.parent.iterdir()) == []  # no file, no .part
