"""The 360Giving export gains what grants make known (planned dates, beneficiary location, the
grant programme's code) and still validates against the bundled schema."""

import json
from typing import Any

from flask.testing import FlaskClient

from panel.results.exports.giving_schema import package_validator, schema_problems
from panel.results.exports.verify_giving import check_package_file
from tests.conftest import AuthActions
from tests.panel.grants.helpers import make_offer
from tests.panel.results.export_reading import export_bytes, records, workbook
from tests.worlds import gen_awarded_round


def test_planned_dates_location_and_programme_reach_360giving_and_validate(
    client: FlaskClient, staff: Any, tmp_path: Any
) -> None:
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    AuthActions(client).login(staff)
    make_offer(
        client,
        round_.id,
        apps["A"].id,
        planned_start="2027-01-10",
        planned_end="2027-06-30",
    )
    package = json.loads(export_bytes(round_.id, "360giving-json"))
    assert schema_problems(package) == []
    assert list(package_validator().iter_errors(package)) == []
    by_org = {g["recipientOrganization"][0]["name"]: g for g in package["grants"]}
    a, b = by_org["Beeston Bakers"], by_org["Holbeck Walkers"]
    assert a["plannedDates"] == [
        {"startDate": "2027-01-10", "endDate": "2027-06-30", "duration": 6}
    ]
    assert "plannedDates" not in b  # no offer yet: nothing planned to publish
    assert a["beneficiaryLocation"] == [{"name": "Beeston", "countryCode": "GB"}]
    assert a["grantProgramme"] == [{"code": round_.slug, "title": round_.fund_name}]
    path = tmp_path / "package.json"
    path.write_text(json.dumps(package))
    assert check_package_file(path, round_).problems == []

    rows = records(workbook(export_bytes(round_.id, "360giving"))["grants"])
    row = next(r for r in rows if r["Recipient Org:Name"] == "Beeston Bakers")
    assert (row["Planned Dates:Start Date"], row["Planned Dates:End Date"]) == (
        "2027-01-10",
        "2027-06-30",
    )
    assert row["Planned Dates:Duration (months)"] == 6
    assert row["Grant Programme:Code"] == round_.slug
