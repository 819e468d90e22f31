"""After the award (issue #19 §2): offers, acceptance by link, payments, end-of-grant reports,
their review, overdue reports and "What we funded"."""

import hashlib
import io
from datetime import date
from typing import Any

from flask.testing import FlaskClient

from panel.extensions import db
from panel.grants import funded, reports
from panel.models import AuditEvent, Grant, GrantLink, GrantPayment, GrantPhoto, GrantReport
from panel.models.types import uk_today
from tests import pictures
from tests.conftest import AuthActions
from tests.panel.grants.helpers import issue_link, make_offer, multipart
from tests.worlds import gen_awarded_round

REPORT = {
    "what_happened": "We baked bread every Saturday.",
    "people_count": "42",
    "story": "A neighbour who had not been out for months now runs the stall.",
    "differently": "Start earlier in the year.",
    "spent": "950",
    "spending": "Flour, ovens hire, aprons.",
}


def test_an_offer_starts_from_the_award_and_the_rounds_conditions(
    client: FlaskClient, staff: Any
) -> None:
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    AuthActions(client).login(staff)
    client.post(
        f"/rounds/{round_.id}/grants/conditions", data={"conditions": "Tell us if plans change."}
    )
    listing = client.get(f"/rounds/{round_.id}/grants").get_data(as_text=True)
    assert "Beeston Bakers" in listing and "Holbeck Walkers" in listing
    assert "Chess Club" not in listing  # declined: no grant
    form = client.get(f"/rounds/{round_.id}/grants/offer/{apps['B'].id}").get_data(as_text=True)
    assert 'value="1500"' in form and "Tell us if plans change." in form
    too_much = client.post(
        f"/rounds/{round_.id}/grants/offer/{apps['B'].id}",
        data={"version": "0", "amount": "1600", "report_due_on": "2027-08-31"},
    )
    assert too_much.status_code == 400
    assert "cannot be more than the award of £1,500" in too_much.get_data(as_text=True)
    assert client.get(f"/rounds/{round_.id}/grants/offer/{apps['C'].id}").status_code == 404
    grant = make_offer(client, round_.id, apps["B"].id, amount="1500")
    assert (grant.amount_pence, grant.conditions) == (1_500_00, "Spend it on the project.")
    stale = client.post(
        f"/rounds/{round_.id}/grants/offer/{apps['B'].id}",
        data={"version": "0", "amount": "1400", "report_due_on": "2027-08-31"},
    )
    assert stale.status_code == 409
    actions = db.session.execute(db.select(AuditEvent.action)).scalars().all()
    assert "grant.offered" in actions and "grant.conditions_changed" in actions


def test_the_whole_life_of_a_grant_from_offer_to_what_we_funded(
    client: FlaskClient, staff: Any
) -> None:
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    auth = AuthActions(client)
    auth.login(staff)
    grant = make_offer(client, round_.id, apps["A"].id)
    token = issue_link(client, grant, "accept")
    auth.logout()

    opened = client.get(f"/grant/{token}")
    assert opened.status_code == 302 and opened.headers["Location"].endswith("/grant/accept")
    page = client.get("/grant/accept").get_data(as_text=True)
    assert "£1,000" in page and "Spend it on the project." in page and token not in page
    bad = client.post("/grant/accept", data={"name": "", "role": ""})
    assert bad.status_code == 400 and "Enter your full name" in bad.get_data(as_text=True)
    done = client.post("/grant/accept", data={"name": "Bea Baker", "role": "Treasurer"})
    assert done.status_code == 302
    assert "the offer is accepted" in client.get("/grant/done").get_data(as_text=True)
    db.session.refresh(grant)
    assert (grant.accepted_name, grant.accepted_role) == ("Bea Baker", "Treasurer")
    assert client.get(f"/grant/{token}").status_code == 410  # used once

    auth.login(staff)
    over = client.post(
        f"/rounds/{round_.id}/grants/{grant.id}/payments",
        data={"amount": "1200", "paid_on": "2027-01-05", "reference": "BACS 1"},
    )
    assert over.status_code == 400
    assert "Only £1,000 of the grant is left to pay" in over.get_data(as_text=True)
    paid = client.post(
        f"/rounds/{round_.id}/grants/{grant.id}/payments",
        data={"amount": "600", "paid_on": uk_today().isoformat(), "reference": "BACS 1"},
    )
    assert paid.status_code == 302
    shown = client.get(f"/rounds/{round_.id}/grants/{grant.id}").get_data(as_text=True)
    assert "Paid £600 of £1,000; £400 still to pay." in shown
    report_token = issue_link(client, grant, "report")
    auth.logout()

    client.get(f"/grant/{report_token}")
    sent = client.post(
        "/grant/report",
        data={**REPORT, "photos": [(io.BytesIO(pictures.png()), "stall.png")]},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302, sent.get_data(as_text=True)
    report = db.session.execute(db.select(GrantReport)).scalar_one()
    assert (report.people_count, report.spent_pence, report.status) == (42, 950_00, "submitted")
    assert len(report.photos) == 1

    # Not public until reviewed and published; the panel sees the round's page meanwhile.
    assert client.get(f"/what-we-funded/{round_.slug}").status_code == 404
    auth.login(world["panellist"])
    panel_page = client.get(f"/rounds/{round_.id}/what-we-funded").get_data(as_text=True)
    assert "Beeston Bakers" in panel_page and "Not reported yet" in panel_page
    auth.logout()

    auth.login(staff)
    photo = client.get(f"/rounds/{round_.id}/grants/photos/{report.photos[0].id}")
    assert photo.mimetype == "image/png" and photo.data == pictures.png()
    more = client.post(
        f"/rounds/{round_.id}/grants/{grant.id}/review", data={"verdict": "more", "version": "1"}
    )
    assert more.status_code == 400 and "Say what more you need" in more.get_data(as_text=True)
    accepted = client.post(
        f"/rounds/{round_.id}/grants/{grant.id}/review", data={"verdict": "accept", "version": "1"}
    )
    assert accepted.status_code == 302
    client.post(f"/rounds/{round_.id}/grants/publish", data={"publish": "yes"})
    auth.logout()

    public = client.get(f"/what-we-funded/{round_.slug}").get_data(as_text=True)
    assert "42 people took part" in public and "now runs the stall" in public
    assert "£2,500" in public  # A's £1,000 and B's £1,500 (no offer yet: the award)
    assert "Holbeck: £1,500 (1 grant); Beeston: £1,000 (1 grant)" in public
    assert "Bea Baker" not in public and "contact1@group.example" not in public
    assert "Flour" not in public  # spending stays with staff
    assert "Beeston Bakers" in client.get("/what-we-funded").get_data(as_text=True)


def test_a_report_sent_back_for_more_is_overdue_until_sent_again(
    client: FlaskClient, staff: Any
) -> None:
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    auth = AuthActions(client)
    auth.login(staff)
    grant = make_offer(client, round_.id, apps["A"].id, report_due_on="2027-08-31")
    grant.accepted_at, grant.accepted_name, grant.accepted_role = (
        grant.offered_at,
        "Bea",
        "Chair",
    )
    db.session.commit()
    assert reports.overdue_reports(date(2027, 8, 31)) == []
    late = reports.overdue_reports(date(2027, 9, 10))
    assert [(o.application.reference, o.days_late) for o in late] == [(apps["A"].reference, 10)]
    page = client.get("/grants/overdue").get_data(as_text=True)
    assert "No reports are overdue." in page  # today is before the due date


def test_wrong_used_expired_and_other_purpose_links_get_a_plain_page(
    client: FlaskClient, staff: Any
) -> None:
    """Item 73: a private link is single-purpose, stored hashed, works once and expires; any
    link that does not work gets the same plain 410 page, not an error."""
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    auth = AuthActions(client)
    auth.login(staff)
    grant = make_offer(client, round_.id, apps["A"].id)
    first = issue_link(client, grant, "accept")
    token = issue_link(client, grant, "accept")
    auth.logout()
    stored = db.session.execute(db.select(GrantLink.token_hash)).scalars().all()
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored
    for wrong in (first, "nonsense", "x" * 90, token[:-1]):
        page = client.get(f"/grant/{wrong}")
        assert page.status_code == 410 and "This link does not work" in page.get_data(as_text=True)
        assert page.headers["Cache-Control"] == "no-store"
    client.get(f"/grant/{token}")
    assert client.get("/grant/report").status_code == 410  # opened to accept, not to report
    link = db.session.execute(
        db.select(GrantLink).where(
            GrantLink.token_hash == hashlib.sha256(token.encode()).hexdigest()
        )
    ).scalar_one()
    link.expires_at = grant.offered_at
    db.session.commit()
    assert client.get("/grant/accept").status_code == 410
    assert client.post("/grant/accept", data={"name": "A", "role": "B"}).status_code == 410
    db.session.refresh(grant)
    assert grant.accepted_at is None
    assert client.get("/grant/done").status_code == 410


def test_private_links_are_rate_limited_per_address(client: FlaskClient, staff: Any) -> None:
    """Item 74: every public grant route counts towards a per-address hourly limit (429 after
    30), so tokens cannot be guessed and forms cannot be flooded."""
    for _ in range(30):
        assert client.get("/grant/guess").status_code == 410
    refused = client.get("/grant/guess")
    assert refused.status_code == 429 and "too many times" in refused.get_data(as_text=True)


def test_hostile_photos_are_refused_and_nothing_is_kept(client: FlaskClient, staff: Any) -> None:
    """Item 75: a report's photos are checked by content (PNG or JPEG only, whole, size- and
    pixel-limited): a renamed program, an SVG with a script, a damaged file, a picture bomb and
    an oversized file are each refused by name, and no part of the report is kept."""
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    auth = AuthActions(client)
    auth.login(staff)
    grant = make_offer(client, round_.id, apps["A"].id)
    grant.accepted_at, grant.accepted_name, grant.accepted_role = grant.offered_at, "B", "C"
    db.session.commit()
    token = issue_link(client, grant, "report")
    auth.logout()
    client.get(f"/grant/{token}")
    hostile = [
        (pictures.RENAMED_EXE, "photo.jpg", "Photo 1 is not a PNG or JPEG picture"),
        (pictures.SVG_WITH_SCRIPT, "photo.png", "Photo 1 is not a PNG or JPEG picture"),
        (pictures.png()[:-6], "photo.png", "Photo 1 looks damaged"),
        (pictures.png_claiming(40_000, 40_000), "photo.png", "Photo 1 is 40000 by 40000"),
        (b"\xff\xd8\xff" + b"\x00" * (1024 * 1024 + 10), "big.jpg", "1,024 KB or smaller"),
    ]
    for data, name, message in hostile:
        response = client.post("/grant/report", **multipart(REPORT, [("photos", name, data)]))
        assert response.status_code == 400, name
        assert message in response.get_data(as_text=True), message
    assert db.session.execute(db.select(GrantReport)).first() is None
    assert db.session.execute(db.select(GrantPhoto)).first() is None


def test_photos_are_served_as_downloads_only_to_staff_of_their_round(
    client: FlaskClient, staff: Any
) -> None:
    """Item 76: a report's photos are served only to staff, of the round they belong to, with
    the type they were checked to be, as a download, never cached; a panellist and the public
    get nothing."""
    world = gen_awarded_round(staff)
    other = gen_awarded_round(staff, slug="other-round")
    round_, apps = world["round"], world["apps"]
    auth = AuthActions(client)
    auth.login(staff)
    grant = make_offer(client, round_.id, apps["A"].id)
    grant.accepted_at, grant.accepted_name, grant.accepted_role = grant.offered_at, "B", "C"
    db.session.commit()
    token = issue_link(client, grant, "report")
    auth.logout()
    client.get(f"/grant/{token}")
    client.post(
        "/grant/report",
        data={**REPORT, "photos": [(io.BytesIO(pictures.jpeg()), "a.jpg")]},
        content_type="multipart/form-data",
    )
    photo = db.session.execute(db.select(GrantPhoto)).scalar_one()
    url = f"/rounds/{round_.id}/grants/photos/{photo.id}"
    assert client.get(url).status_code in (302, 401, 404)
    auth.login(world["panellist"])
    assert client.get(url).status_code == 404
    auth.logout()
    auth.login(staff)
    served = client.get(url)
    assert (
        served.mimetype == "image/jpeg" and served.headers["Cache-Control"] == "private, no-store"
    )
    assert served.headers["Content-Disposition"].startswith("attachment;")
    assert client.get(f"/rounds/{other['round'].id}/grants/photos/{photo.id}").status_code == 404


def test_payments_never_pass_the_grant_and_are_audited(client: FlaskClient, staff: Any) -> None:
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    AuthActions(client).login(staff)
    grant = make_offer(client, round_.id, apps["A"].id)
    early = client.post(
        f"/rounds/{round_.id}/grants/{grant.id}/payments",
        data={"amount": "100", "paid_on": uk_today().isoformat()},
    )
    assert early.status_code == 400 and "once the group has accepted" in early.get_data(
        as_text=True
    )
    grant.accepted_at, grant.accepted_name, grant.accepted_role = grant.offered_at, "B", "C"
    db.session.commit()
    for amount in ("400", "600"):
        client.post(
            f"/rounds/{round_.id}/grants/{grant.id}/payments",
            data={"amount": amount, "paid_on": uk_today().isoformat()},
        )
    assert sum(db.session.execute(db.select(GrantPayment.amount_pence)).scalars()) == 1_000_00
    audited = db.session.execute(
        db.select(AuditEvent.after).where(AuditEvent.action == "grant.payment_recorded")
    ).scalars()
    assert sorted(a["amount_pence"] for a in audited) == [400_00, 600_00]
    page = client.get(f"/rounds/{round_.id}/grants/{grant.id}").get_data(as_text=True)
    assert "Record a payment" not in page  # nothing left to pay


def test_the_ward_chart_totals_each_ward_biggest_first() -> None:
    rows = [
        funded.Funded("R", "A", "t", "o", "Beeston", 100_00, None, ""),
        funded.Funded("R", "B", "t", "o", "Holbeck", 300_00, None, ""),
        funded.Funded("R", "C", "t", "o", "Beeston", 50_00, None, ""),
    ]
    chart = funded.ward_chart(rows)
    assert [b.label for b in chart.bars] == ["Holbeck", "Beeston"]
    assert chart.summary == "Holbeck: £300 (1 grant); Beeston: £150 (2 grants)"
    assert chart.bars[0].length > chart.bars[1].length > 0


def test_no_grant_without_a_confirmed_award(client: FlaskClient, staff: Any) -> None:
    world = gen_awarded_round(staff)
    world["decisions"]["A"].status = "draft"
    db.session.commit()
    AuthActions(client).login(staff)
    assert (
        client.get(f"/rounds/{world['round'].id}/grants/offer/{world['apps']['A'].id}").status_code
        == 404
    )
    assert db.session.execute(db.select(Grant)).first() is None
