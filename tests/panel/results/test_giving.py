"""360Giving: the spreadsheet and the JSON data package of a round's confirmed awards."""

import json
from pathlib import Path

import pytest
from flask import Flask
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from panel.results import exports as ex
from tests.panel.results.export_factories import (
    export_bytes,
    make_worked_panel,
    records,
    ref,
    workbook,
)

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
    panel = make_worked_panel()
    package = json.loads(export_bytes(panel.round_id, "360giving-json"))
    errors = sorted(giving_validator().iter_errors(package), key=str)
    assert not errors, [e.message for e in errors]
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
    panel = make_worked_panel()
    package = json.loads(export_bytes(panel.round_id, "360giving-json"))
    del package["grants"][0]["awardDate"]
    assert list(giving_validator().iter_errors(package))


def test_the_360giving_spreadsheet_has_the_standards_columns(app: Flask) -> None:
    panel = make_worked_panel()
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
    panel = make_worked_panel(decisions=False)
    with pytest.raises(ex.ExportError, match="no confirmed awards"):
        export_bytes(panel.round_id, "360giving-json")
