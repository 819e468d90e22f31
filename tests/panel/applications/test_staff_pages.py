"""Staff list, read, change and withdraw applications, and erase applicants' personal data."""

from collections.abc import Callable
from typing import Any

from flask import Flask, render_template
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Application, AuditEvent, FundingRound, Role, Stage, User
from tests.conftest import AuthActions
from tests.panel.applications.conftest import GOOD

SECRETS = ("Zelda Quinn", "zelda.quinn@example.org", "07700 900 555", "ZZ9 9ZZ")


def _secret_application(
    make_application: Callable[..., Application], round_: FundingRound
) -> Application:
    return make_application(
        round_,
        organisation_name="Riverside Garden",
        project_title="Raised beds",
        contact_name=SECRETS[0],
        contact_email=SECRETS[1],
        contact_phone=SECRETS[2],
        postcode=SECRETS[3],
    )


def _edit_data(application: Application, **overrides: Any) -> dict[str, Any]:
    data = dict(
        GOOD,
        organisation_name=application.organisation_name,
        project_title=application.project_title,
        summary=application.summary,
        spend_on=application.spend_on,
        location=application.location,
        contact_name=application.contact_name or "",
        contact_email=application.contact_email or "",
        contact_phone=application.contact_phone or "",
        postcode=application.postcode or "",
        amount="1000",
        beneficiaries="10",
        version=str(application.version),
    )
    data.update(overrides)
    return data


def test_staff_search_filter_and_sort_the_list_with_counts(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round()
    make_application(round_, organisation_name="Zebra Crossing Club", amount_requested_pence=500_00)
    make_application(
        round_, organisation_name="Allotment Society", project_title="Lunch and grow",
        amount_requested_pence=4_000_00, status="eligible",
    )  # fmt: skip
    make_application(
        round_, organisation_name="Men's Shed", project_title="Tools",
        amount_requested_pence=2_000_00, status="withdrawn",
    )  # fmt: skip
    AuthActions(client).login(staff)
    base = f"/rounds/{round_.id}/applications"

    page = client.get(base).get_data(as_text=True)
    assert "3 in total: 1 not checked yet, 1 eligible, 0 not eligible, 1 withdrawn" in page
    assert page.index("CF26-0001") < page.index("CF26-0002") < page.index("CF26-0003")

    found = client.get(f"{base}?q=lunch").get_data(as_text=True)
    assert "1 matching application" in found
    assert "Allotment Society" in found and "Zebra" not in found
    by_ref = client.get(f"{base}?q=cf26-0003").get_data(as_text=True)
    assert "Men&#39;s Shed" in by_ref and "Allotment" not in by_ref

    withdrawn = client.get(f"{base}?status=withdrawn").get_data(as_text=True)
    assert "Men&#39;s Shed" in withdrawn and "Zebra" not in withdrawn

    by_org = client.get(f"{base}?sort=organisation").get_data(as_text=True)
    assert by_org.index("Allotment") < by_org.index("Men&#39;s") < by_org.index("Zebra")
    by_amount = client.get(f"{base}?sort=amount").get_data(as_text=True)
    assert by_amount.index("£4,000") < by_amount.index("£2,000") < by_amount.index("£500")
    newest = client.get(f"{base}?sort=submitted").get_data(as_text=True)
    assert newest.index("CF26-0003") < newest.index("CF26-0001")


def test_a_search_with_wildcards_matches_them_literally(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round()
    make_application(round_, organisation_name="100% Volunteers")
    make_application(round_, organisation_name="Other Group")
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/applications?q=%25").get_data(as_text=True)
    assert "100% Volunteers" in page and "Other Group" not in page


def test_staff_see_contact_details_on_the_detail_page(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    """Item 6: staff see the contact details."""
    round_ = make_round()
    application = _secret_application(make_application, round_)
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/applications/{application.id}").get_data(as_text=True)
    for secret in SECRETS:
        assert secret in page


def test_an_edit_is_saved_and_audited_with_only_the_changed_fields(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round()
    application = _secret_application(make_application, round_)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/applications/{application.id}/edit"
    assert 'value="Raised beds"' in client.get(url).get_data(as_text=True)
    data = _edit_data(application, amount="£2,500", contact_email="new@example.org")
    response = client.post(url, data=data)
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.amount_requested_pence == 250_000 and application.version == 2
    assert application.contact_email == "new@example.org"
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.updated")
    ).scalar_one()
    assert event.before == {
        "amount_requested_pence": 100_000,
        "contact_email": "(personal data: not logged)",
    }
    assert event.after == {
        "amount_requested_pence": 250_000,
        "contact_email": "(personal data: not logged)",
    }


def test_an_edit_with_a_bad_answer_is_refused_and_nothing_changes(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round()
    application = _secret_application(make_application, round_)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/applications/{application.id}/edit"
    response = client.post(url, data=_edit_data(application, amount="£12k"))
    assert response.status_code == 400
    assert "&#39;£12k&#39; is not an amount in pounds" in response.get_data(as_text=True)
    db.session.refresh(application)
    assert application.amount_requested_pence == 100_000 and application.version == 1


def test_a_stale_edit_gets_409_shows_what_is_saved_and_overwrites_nothing(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round()
    application = _secret_application(make_application, round_)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/applications/{application.id}/edit"
    opened = _edit_data(application)
    client.post(url, data=_edit_data(application, project_title="Raised beds for everyone"))
    stale = client.post(url, data=dict(opened, project_title="Raised beds and a shed"))
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else saved changes to this application after you opened it" in page
    assert "Raised beds for everyone" in page  # what is saved now
    assert 'value="Raised beds and a shed"' in page  # what they typed, not lost
    assert 'name="version" type="hidden" value="2"' in page
    db.session.refresh(application)
    assert application.project_title == "Raised beds for everyone" and application.version == 2


def test_withdrawing_needs_a_reason_keeps_the_application_and_is_audited(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    """Item 25: withdrawing keeps the application."""
    round_ = make_round()
    application = make_application(round_)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/applications/{application.id}/withdraw"
    empty = client.post(url, data={"reason": "  "})
    assert empty.status_code == 400
    assert "Enter the reason the application is being withdrawn" in empty.get_data(as_text=True)
    client.post(url, data={"reason": "The group asked to withdraw by phone."})
    db.session.refresh(application)
    assert application.status == "withdrawn" and application.withdrawn_at is not None
    assert application.withdrawn_reason == "The group asked to withdraw by phone."
    assert db.session.get(Application, application.id) is not None
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "application.withdrawn")
    ).scalar_one()
    assert event.before == {"status": "received"}
    detail = client.get(f"/rounds/{round_.id}/applications/{application.id}").get_data(as_text=True)
    assert "The group asked to withdraw by phone." in detail


def test_erasing_personal_data_removes_it_from_the_application_and_the_log(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    """Item 25: only personal data is erased, and the erasure is logged."""
    round_ = make_round()
    application = _secret_application(make_application, round_)
    AuthActions(client).login(staff)
    base = f"/rounds/{round_.id}/applications/{application.id}"
    client.post(f"{base}/edit", data=_edit_data(application, contact_phone="07700 900 556"))
    client.post(f"{base}/withdraw", data={"reason": "Asked us to delete their details"})
    assert "cannot undo" in client.get(f"{base}/erase").get_data(as_text=True)
    response = client.post(f"{base}/erase")
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.contact_name is None and application.contact_email is None
    assert application.contact_phone is None and application.postcode is None
    assert application.personal_data_erased_at is not None
    assert application.project_title == "Raised beds"  # the project stays
    events = db.session.execute(db.select(AuditEvent)).scalars().all()
    erased = [e for e in events if e.action == "application.personal_data_erased"]
    assert erased[0].after == {
        "fields_erased": ["contact_name", "contact_email", "contact_phone", "postcode"],
        "stored_exports_deleted": [],  # item 30: none were kept for this round
        "exports_stopped": [],
        "attachments_erased": 0,  # issue 19: it had no files
        "messages_emptied": [1],  # the acknowledgement the application was sent (issue #16)
        "grant_photos_erased": 0,  # no grant
        "grant_texts_erased": 0,
    }
    everything_logged = " ".join(f"{e.before} {e.after}" for e in events)
    for secret in (*SECRETS, "07700 900 556"):
        assert secret not in everything_logged
    page = client.get(base).get_data(as_text=True)
    assert "erased on request" in page
    for secret in SECRETS:
        assert secret not in page


def test_an_erased_application_can_still_be_edited_without_its_contact_details(
    client: FlaskClient,
    staff: User,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    round_ = make_round()
    application = _secret_application(make_application, round_)
    AuthActions(client).login(staff)
    base = f"/rounds/{round_.id}/applications/{application.id}"
    client.post(f"{base}/erase")
    db.session.refresh(application)
    data = _edit_data(application, amount="300")
    response = client.post(f"{base}/edit", data=data)
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.amount_requested_pence == 30_000 and application.contact_email is None


def test_a_panellist_of_the_round_gets_404_on_every_staff_application_page(
    client: FlaskClient,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    """Items 1 and 6: panellists get 404 on every staff application page."""
    panellist = make_user(Role.RESIDENT)
    round_ = make_round(members=(panellist,), stage=Stage.ELIGIBILITY)
    application = _secret_application(make_application, round_)
    AuthActions(client).login(panellist)
    base = f"/rounds/{round_.id}/applications"
    for url in (
        base,
        f"{base}/{application.id}",
        f"{base}/{application.id}/edit",
        f"{base}/{application.id}/withdraw",
        f"{base}/{application.id}/erase",
        f"{base}/import",
        f"/rounds/{round_.id}/eligibility",
        f"/rounds/{round_.id}/eligibility/{application.id}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRETS[1] not in response.get_data(as_text=True)


def test_no_page_a_panellist_can_open_shows_contact_details(
    app: Flask,
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    """Item 6: no page a panellist can open shows contact details."""
    from tests.panel.test_access import all_routes

    panellist = make_user(Role.RESIDENT)
    other = make_user(Role.RESIDENT)
    round_ = make_round(members=(panellist,))
    make_round(members=(other,))
    member = round_.members[0]
    application = _secret_application(make_application, round_)
    world = {
        "staff": staff,
        "panellist": panellist,
        "other_panellist": other,
        "outsider": other,
        "round": round_,
        "member": member,
    }
    routes = all_routes(app, world)
    AuthActions(client).login(panellist)
    opened = 0
    for stage in (Stage.ELIGIBILITY, Stage.SCORING, Stage.PANEL):
        round_.stage = stage
        application.status = "eligible"
        db.session.commit()
        for _endpoint, method, url in routes:
            if method != "GET":
                continue
            response = client.get(url)
            if response.status_code != 200:
                continue
            opened += 1
            page = response.get_data(as_text=True)
            for secret in SECRETS:
                assert secret not in page, (url, stage, secret)
    assert opened > 3


def test_the_panel_summary_partial_shows_the_project_but_no_contact_details(
    app: Flask,
    make_round: Callable[..., FundingRound],
    make_application: Callable[..., Application],
) -> None:
    """Item 6: the panel's summary has no contact details."""
    application = _secret_application(make_application, make_round())
    with app.test_request_context():
        html = render_template("applications/_summary_for_panel.html", application=application)
    assert "Riverside Garden" in html and "Raised beds" in html and "£1,000" in html
    for secret in SECRETS:
        assert secret not in html
