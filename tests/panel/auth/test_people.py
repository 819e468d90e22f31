"""Staff add people, hand them single-use links, and deactivate (never delete) accounts."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from panel.auth import services as accounts
from panel.auth.passwords import password_problem
from panel.extensions import db
from panel.models import AuditEvent, PasswordLink, Role, User
from panel.models.types import utcnow
from tests.conftest import AuthActions


def _choose(client: FlaskClient, token: str, password: str, confirm: str | None = None) -> Any:
    """Open the password link, as the person does, then send the form of the page it leads to."""
    opened = client.get(f"/set-password/{token}")
    if opened.status_code != 302:
        return opened
    data = {"password": password, "confirm": password if confirm is None else confirm}
    return client.post(opened.location, data=data)


def _link_token(page: str) -> str:
    marker = "/set-password/"
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_staff_add_a_resident_and_the_resident_chooses_a_password(
    app: Flask, client: FlaskClient, staff: User
) -> None:
    AuthActions(client).login(staff)
    page = client.post(
        "/people/new",
        data={"display_name": "Joyce Okafor", "email": "Joyce@Example.org", "role": "resident"},
    ).get_data(as_text=True)
    assert "Joyce Okafor has been added" in page
    token = _link_token(page)
    joyce = accounts.find_user("joyce@example.org")
    assert joyce is not None and joyce.password_hash is None and joyce.role == "resident"
    stored = db.session.execute(
        db.select(PasswordLink).where(PasswordLink.user_id == joyce.id)
    ).scalar_one()
    assert token not in stored.token_hash and len(stored.token_hash) == 64

    AuthActions(client).logout()
    response = _choose(client, token, "kettle garden lamp")
    assert response.status_code == 302
    assert "Hello Joyce Okafor" in client.get("/").get_data(as_text=True)
    AuthActions(client).logout()
    assert AuthActions(client).login("joyce@example.org", "kettle garden lamp").status_code == 302


def test_a_link_works_only_once(
    app: Flask, client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    person = make_user(Role.RESIDENT, with_password=False)
    issued = accounts.issue_link(user=person, purpose="invite", actor=staff)
    db.session.commit()
    assert _choose(client, issued.token, "kettle garden lamp").status_code == 302
    again = _choose(client, issued.token, "kettle garden lamp")
    assert again.status_code == 410
    assert "expired or has already been used" in again.get_data(as_text=True)


def test_a_link_expires_after_seven_days(
    app: Flask, client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    person = make_user(Role.RESIDENT, with_password=False)
    issued = accounts.issue_link(user=person, purpose="invite", actor=staff)
    assert issued.link.expires_at - issued.link.created_at == timedelta(days=7)
    issued.link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert client.get(f"/set-password/{issued.token}").status_code == 410


def test_a_new_link_stops_the_old_one(
    app: Flask, client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    person = make_user(Role.RESIDENT, with_password=False)
    first = accounts.issue_link(user=person, purpose="invite", actor=staff)
    second = accounts.issue_link(user=person, purpose="invite", actor=staff)
    db.session.commit()
    assert client.get(f"/set-password/{first.token}").status_code == 410
    assert client.get(f"/set-password/{second.token}").status_code == 302


def test_weak_passwords_are_refused_with_the_reason(app: Flask) -> None:
    """Item 9: short, common and email passwords are refused; long ones pass."""
    assert "at least 8 characters" in (password_problem("short") or "")
    assert "too easy to guess" in (password_problem("password123") or "")
    assert "too easy to guess" in (password_problem("Liverpool") or "")
    assert "email" in (password_problem("rita@example.org", email="rita@example.org") or "")
    long_one = "a sentence of many words " * 10
    assert password_problem(long_one) is None


def test_mismatched_passwords_are_named_next_to_the_field(
    app: Flask, client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    person = make_user(Role.RESIDENT, with_password=False)
    issued = accounts.issue_link(user=person, purpose="invite", actor=staff)
    db.session.commit()
    page = _choose(client, issued.token, "kettle garden lamp", "kettle garden lump").get_data(
        as_text=True
    )
    assert "The two passwords do not match" in page
    assert 'href="#confirm"' in page
    db.session.refresh(person)
    assert person.password_hash is None


def test_the_same_email_cannot_be_added_twice_in_any_case(
    client: FlaskClient, staff: User, resident: User
) -> None:
    AuthActions(client).login(staff)
    page = client.post(
        "/people/new",
        data={"display_name": "Rita Again", "email": resident.email.upper(), "role": "resident"},
    ).get_data(as_text=True)
    assert "There is already an account with that email address" in page
    count = db.session.execute(db.select(db.func.count()).select_from(User)).scalar_one()
    assert count == 2


def test_deactivating_keeps_the_account_and_is_audited(
    client: FlaskClient, staff: User, resident: User
) -> None:
    """Items 7 and 25: deactivating keeps the account, audited."""
    AuthActions(client).login(staff)
    client.post(f"/people/{resident.id}/active?to=off")
    db.session.refresh(resident)
    assert resident.active is False
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "account.deactivated")
    ).scalar_one()
    assert event.object_id == resident.id and event.actor_id == staff.id
    assert event.before == {"active": True} and event.after == {"active": False}


def test_staff_cannot_deactivate_themselves(client: FlaskClient, staff: User) -> None:
    AuthActions(client).login(staff)
    client.post(f"/people/{staff.id}/active?to=off")
    db.session.refresh(staff)
    assert staff.active is True


def test_a_new_link_lets_a_resident_who_forgot_their_password_back_in(
    client: FlaskClient, staff: User, resident: User
) -> None:
    AuthActions(client).login(staff)
    page = client.post(f"/people/{resident.id}/link").get_data(as_text=True)
    token = _link_token(page)
    AuthActions(client).logout()
    assert _choose(client, token, "new kettle lamp").status_code == 302
    link = db.session.execute(
        db.select(PasswordLink).where(PasswordLink.user_id == resident.id)
    ).scalar_one()
    assert link.purpose == "reset" and link.used_at is not None
