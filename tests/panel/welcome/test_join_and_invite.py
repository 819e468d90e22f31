""" "Join in" and the one-step invitation: from a public request to a resident's account."""

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import JoinRequest, PasswordLink, PersonDetails, User
from tests.conftest import AuthActions
from tests.factories import gen_join_request

JOIN = {
    "name": "Grace Adeyemi",
    "email": "",
    "phone": "07700 900 214",
    "preferred_contact": "text",
    "access_needs": "Step-free access",
    "languages": "English and Yoruba",
}


def test_the_join_page_needs_a_name_and_a_way_to_reply_that_fits_the_choice(
    client: FlaskClient,
) -> None:
    page = client.get("/join").get_data(as_text=True)
    assert "How we use what you tell us" in page and "Only our staff see it." in page
    nothing = client.post("/join", data={"name": "", "email": "", "phone": ""})
    text = nothing.get_data(as_text=True)
    assert nothing.status_code == 400
    assert "Enter your name" in text
    assert "Choose how you would like us to contact you" in text
    mismatch = client.post("/join", data={**JOIN, "preferred_contact": "email"})
    assert "Enter your email address, so we can email you" in mismatch.get_data(as_text=True)
    bad_phone = client.post("/join", data={**JOIN, "phone": "call me"})
    assert "Enter a phone number, like 07700 900 982" in bad_phone.get_data(as_text=True)
    assert db.session.execute(db.select(JoinRequest)).first() is None
    sent = client.post("/join", data=JOIN)
    assert sent.status_code == 302
    request = db.session.execute(db.select(JoinRequest)).scalar_one()
    assert (request.name, request.phone, request.preferred_contact, request.status) == (
        "Grace Adeyemi",
        "07700 900 214",
        "text",
        "new",
    )
    assert client.get("/join/thanks").status_code == 200


def test_staff_turn_a_request_into_an_invitation_in_one_step(
    client: FlaskClient, staff: User
) -> None:
    request = gen_join_request(**JOIN)
    AuthActions(client).login(staff)
    listed = client.get("/people/join-requests").get_data(as_text=True)
    assert "Grace Adeyemi" in listed and "A text message" in listed
    url = f"/people/join-requests/{request.id}"
    no_email = client.post(url, data={"name": "Grace Adeyemi", "email": ""})
    assert no_email.status_code == 400
    assert "Enter their email address: they sign in with it" in no_email.get_data(as_text=True)
    done = client.post(url, data={"name": "Grace Adeyemi", "email": "Grace@Example.org"})
    page = done.get_data(as_text=True)
    assert done.status_code == 200 and "Grace Adeyemi has been added" in page
    user = db.session.execute(db.select(User).where(User.email == "grace@example.org")).scalar_one()
    assert user.role == "resident" and user.password_hash is None
    link = db.session.execute(db.select(PasswordLink)).scalar_one()
    assert (link.user_id, link.purpose) == (user.id, "invite")
    details = db.session.execute(db.select(PersonDetails)).scalar_one()
    assert (details.user_id, details.phone, details.preferred_contact) == (
        user.id,
        "07700 900 214",
        "text",
    )
    assert (details.access_needs, details.languages) == ("Step-free access", "English and Yoruba")
    db.session.refresh(request)
    assert (request.status, request.user_id, request.name, request.phone) == (
        "invited",
        user.id,
        "",
        "",
    )
    assert request.access_needs == "" and request.erased_at is not None
    assert "No requests are waiting." in client.get("/people/join-requests").get_data(as_text=True)
    # The link works once, and the new resident lands on the welcome.
    token = page.split("/set-password/")[1].split('"')[0]
    AuthActions(client).logout()
    opened = client.get(f"/set-password/{token}")  # the link leaves the URL at once
    assert opened.status_code == 302 and opened.location == "/set-password"
    chosen = client.post(
        "/set-password",
        data={"password": "a long new passphrase", "confirm": "a long new passphrase"},
    )
    assert chosen.status_code == 302 and chosen.location == "/welcome"


def test_staff_close_a_request_and_its_details_are_erased(client: FlaskClient, staff: User) -> None:
    request = gen_join_request(**JOIN)
    AuthActions(client).login(staff)
    assert client.post(f"/people/join-requests/{request.id}/decline").status_code == 302
    db.session.refresh(request)
    assert (request.status, request.name, request.phone, request.languages) == (
        "declined",
        "",
        "",
        "",
    )
    closed = client.get(f"/people/join-requests/{request.id}").get_data(as_text=True)
    assert "This request was closed" in closed
    again = client.post(f"/people/join-requests/{request.id}", data={"email": "x@example.org"})
    assert again.status_code == 200
    assert db.session.execute(db.select(User).where(User.email == "x@example.org")).first() is None


def test_an_email_already_in_use_is_refused_by_the_field(
    client: FlaskClient, staff: User, resident: User
) -> None:
    request = gen_join_request(**{**JOIN, "email": resident.email})
    AuthActions(client).login(staff)
    refused = client.post(
        f"/people/join-requests/{request.id}", data={"name": "Grace", "email": resident.email}
    )
    assert refused.status_code == 400
    assert "There is already an account with that email address" in refused.get_data(as_text=True)
    db.session.refresh(request)
    assert request.status == "new" and request.phone == "07700 900 214"
