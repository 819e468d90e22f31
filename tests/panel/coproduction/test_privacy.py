"""Item 53: a person's involvement figures are theirs and staff's alone. A resident sees only
their own record, through every route and download that shows involvement; anyone else's is a
404, as if it did not exist; staff see everyone's."""

from typing import Any

import pytest
from flask import Flask, url_for

from panel.extensions import db
from panel.models import InvolvementEntry, User
from tests.conftest import AuthActions
from tests.factories import gen_entry, gen_expense, gen_meeting, gen_payment, gen_round, gen_user
from tests.pages import without_tokens

PAT_NOTE, OLU_NOTE = "PAT-OWN-NOTE", "OLU-SECRET-NOTE"
OLU_AMOUNT = "£77.77"


@pytest.fixture
def people(app: Flask, staff: User) -> dict[str, Any]:
    """Pat and Olu on the same panel, each with a record that only they (and staff) may see."""
    pat = gen_user(name="Pat Panellist", email="pat@example.org")
    olu = gen_user(name="Olu Otherperson", email="olu@example.org")
    round_ = gen_round(created_by=staff, members=[pat, olu], name="Shared round")
    records = {}
    for person, note, pence in ((pat, PAT_NOTE, 12_34), (olu, OLU_NOTE, 77_77)):
        records[person.display_name] = {
            "entry": gen_entry(person, round_=round_, note=note),
            "expense": gen_expense(person, round_=round_, note=note, amount_pence=pence),
            "payment": gen_payment(person, round_=round_, note=note, amount_pence=pence),
        }
    meeting = gen_meeting(round_)
    return {
        "pat": pat,
        "olu": olu,
        "round": round_,
        "olu_record": records["Olu Otherperson"],
        "meeting": meeting,
    }


def involvement_routes(app: Flask) -> list[tuple[str, str]]:
    """Every route that shows or changes involvement: the co-production area's, and the
    downloads (the round's Co-production csv, a person's record)."""
    return sorted(
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("coproduction.")
        or rule.endpoint.startswith("results.")
        and ("involvement" in rule.endpoint or "coproduction" in rule.endpoint)
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    )


def urls_about_olu(app: Flask, people: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Each involvement route, its URL arguments pointing at Olu and Olu's own rows."""
    args = {
        "user_id": people["olu"].id,
        "entry_id": people["olu_record"]["entry"].id,
        "expense_id": people["olu_record"]["expense"].id,
        "round_id": people["round"].id,
        "meeting_id": people["meeting"].id,
    }
    found = []
    with app.test_request_context():
        for endpoint, method in involvement_routes(app):
            rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
            found.append(
                (endpoint, method, url_for(endpoint, **{a: args[a] for a in rule.arguments}))
            )
    return found


def test_the_walk_covers_every_involvement_route(app: Flask) -> None:
    """Item 53: the walk below takes every involvement route from the URL map, new ones too."""
    endpoints = {e for e, _ in involvement_routes(app)}
    assert {
        "coproduction.mine",
        "coproduction.person",
        "coproduction.correct",
        "results.my_involvement_csv",
        "results.person_involvement_csv",
        "results.coproduction_csv",
    } <= endpoints
    assert len(endpoints) >= 25  # the usual times are set under Fund settings


def test_a_resident_never_sees_or_changes_anyone_elses_involvement(
    app: Flask, people: dict[str, Any]
) -> None:
    """Item 53: every involvement route, GET and POST, pointed at Olu's record, as Pat: a 404
    (or Pat's own page), never a word of Olu's record, and nothing changed."""
    client = app.test_client()
    AuthActions(client).login(people["pat"])
    before = db.session.execute(
        db.select(InvolvementEntry.id, InvolvementEntry.minutes).order_by(InvolvementEntry.id)
    ).all()
    leaks = []
    for endpoint, method, url in urls_about_olu(app, people):
        response = client.open(url, method=method, data={"hours": "9", "minutes": "9"})
        text = response.get_data(as_text=True)
        if any(marker in text for marker in (OLU_NOTE, OLU_AMOUNT, "Olu Otherperson")):
            leaks.append((endpoint, method, response.status_code))
        # Pat may use only the routes for their own record; everything about Olu is a 404.
        if endpoint not in (
            "coproduction.mine",
            "coproduction.add_mine",
            "coproduction.claim_mine",
            "results.my_involvement_csv",
        ):
            assert response.status_code == 404, (endpoint, method, response.status_code)
    assert leaks == []
    db.session.expire_all()
    after = db.session.execute(
        db.select(InvolvementEntry.id, InvolvementEntry.minutes).order_by(InvolvementEntry.id)
    ).all()
    assert after == before


def test_a_residents_own_page_and_download_hold_their_record_and_nobody_elses(
    app: Flask, people: dict[str, Any]
) -> None:
    """Item 53: "Your involvement" and its download hold Pat's record and nothing of Olu's."""
    client = app.test_client()
    AuthActions(client).login(people["pat"])
    page = without_tokens(client.get("/involvement").get_data(as_text=True))
    download = client.get("/involvement/download")
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["Cache-Control"] == "no-store"
    for text in (page, download.get_data(as_text=True)):
        assert PAT_NOTE in text and "12.34" in text
        assert OLU_NOTE not in text and "77.77" not in text and "Olu" not in text


def test_staff_see_everyones_record_and_download(
    app: Flask, people: dict[str, Any], staff: User
) -> None:
    """Item 53: staff see everyone's record, on the page and in the download."""
    client = app.test_client()
    AuthActions(client).login(staff)
    olu = people["olu"]
    page = client.get(f"/people/{olu.id}/involvement").get_data(as_text=True)
    assert OLU_NOTE in page and OLU_AMOUNT in page and PAT_NOTE not in page
    csv = client.get(f"/people/{olu.id}/involvement/download").get_data(as_text=True)
    assert OLU_NOTE in csv and "77.77" in csv and PAT_NOTE not in csv
    listed = client.get("/coproduction/people").get_data(as_text=True)
    assert "Olu Otherperson" in listed and "Pat Panellist" in listed
    # Staff have no record of their own: /involvement takes them to the fund's view.
    assert client.get("/involvement").location.endswith("/coproduction")
    assert client.get("/involvement/download").status_code == 404


def test_the_round_report_and_its_sheet_name_nobody(
    app: Flask, people: dict[str, Any], staff: User
) -> None:
    """Item 54: the round's report and its csv hold totals only, no name and no note."""
    client = app.test_client()
    AuthActions(client).login(staff)
    round_id = people["round"].id
    for url in (f"/rounds/{round_id}/coproduction", f"/rounds/{round_id}/coproduction.csv"):
        text = client.get(url).get_data(as_text=True)
        for private in ("Pat Panellist", "Olu Otherperson", PAT_NOTE, OLU_NOTE):
            assert private not in text, (url, private)
