"""Erasing an application's personal data reaches its grant: report photos are deleted and who
accepted and the report's words are blanked; amounts, dates and counts stay; the log has counts."""

from typing import Any

from flask.testing import FlaskClient

from panel.extensions import db
from panel.grants.erasure import ERASED_NAME, ERASED_ROLE
from panel.models import AuditEvent, GrantPayment, GrantPhoto, GrantReport
from panel.models.types import uk_today
from tests import pictures
from tests.conftest import AuthActions
from tests.panel.grants.helpers import issue_link, make_offer, multipart
from tests.panel.grants.test_grants import REPORT
from tests.worlds import gen_awarded_round


def test_erasing_an_application_erases_its_grant_photos_acceptor_and_report_words(
    client: FlaskClient, staff: Any
) -> None:
    world = gen_awarded_round(staff)
    round_, apps = world["round"], world["apps"]
    auth = AuthActions(client)
    auth.login(staff)
    grant = make_offer(client, round_.id, apps["A"].id)
    other = make_offer(client, round_.id, apps["B"].id, amount="1500")
    tokens = [issue_link(client, g, "accept") for g in (grant, other)]
    auth.logout()
    for token in tokens:
        client.get(f"/grant/{token}")
        client.post("/grant/accept", data={"name": "Bea Baker", "role": "Treasurer"})
    auth.login(staff)
    paid = client.post(
        f"/rounds/{round_.id}/grants/{grant.id}/payments",
        data={"amount": "600", "paid_on": uk_today().isoformat(), "reference": "BACS 1"},
    )
    assert paid.status_code == 302
    report_tokens = [issue_link(client, g, "report") for g in (grant, other)]
    auth.logout()
    for token in report_tokens:
        client.get(f"/grant/{token}")
        sent = client.post(
            "/grant/report",
            **multipart(REPORT, [("photos", "a.png", pictures.png())] * 2),
        )
        assert sent.status_code == 302, sent.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(GrantPhoto.id))) == 4

    auth.login(staff)
    base = f"/rounds/{round_.id}/applications/{apps['A'].id}"
    assert client.post(f"{base}/erase").status_code == 302

    db.session.expire_all()
    assert (grant.accepted_name, grant.accepted_role) == (ERASED_NAME, ERASED_ROLE)
    assert grant.accepted_at is not None and grant.amount_pence == 1_000_00
    report = db.session.execute(
        db.select(GrantReport).where(GrantReport.grant_id == grant.id)
    ).scalar_one()
    assert report.photos == []
    assert (report.what_happened, report.story, report.differently, report.spending) == (
        "",
        "",
        "",
        "",
    )
    assert (report.people_count, report.spent_pence, report.status) == (42, 950_00, "submitted")
    assert report.submitted_at is not None
    paid = db.session.execute(db.select(GrantPayment.amount_pence)).scalars().all()
    assert paid == [600_00]  # the fund's record of what it paid stays
    # The other application's grant keeps everything.
    assert other.accepted_name == "Bea Baker"
    kept = db.session.execute(
        db.select(GrantReport).where(GrantReport.grant_id == other.id)
    ).scalar_one()
    assert len(kept.photos) == 2 and kept.story == REPORT["story"]

    erased = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.personal_data_erased")
    ).scalar_one()
    assert erased.after is not None
    assert (erased.after["grant_photos_erased"], erased.after["grant_texts_erased"]) == (2, 6)
    assert "Bea Baker" not in str(erased.after) and "bread" not in str(erased.after)
    page = client.get(f"/rounds/{round_.id}/grants/{grant.id}").get_data(as_text=True)
    assert "Bea Baker" not in page and "baked bread" not in page and ERASED_NAME in page


def test_erasing_an_application_without_a_grant_logs_nothing_erased(
    client: FlaskClient, staff: Any
) -> None:
    world = gen_awarded_round(staff)
    AuthActions(client).login(staff)
    client.post(f"/rounds/{world['round'].id}/applications/{world['apps']['C'].id}/erase")
    erased = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.personal_data_erased")
    ).scalar_one()
    assert erased.after is not None
    assert (erased.after["grant_photos_erased"], erased.after["grant_texts_erased"]) == (0, 0)
