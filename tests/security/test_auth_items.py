"""docs/security.md items 9, 10, 12, 13, 14 and 19 (authentication, sessions, start-up), CSRF on."""

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.auth import services as accounts
from panel.auth.passwords import hash_password
from panel.extensions import db
from panel.models import Role, User
from tests.conftest import PASSWORD
from tests.pages import without_tokens
from tests.security.helpers import csrf_token, post_form, sign_in, sign_out

PRODUCTION = {
    "PANEL_ENV": "production",
    "SECRET_KEY": "k" * 32 + "e" * 32,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
}


def invite(staff: User, person: User) -> str:
    issued = accounts.issue_link(user=person, purpose="invite", actor=staff)
    db.session.commit()
    return f"/set-password/{issued.token}"


# --------------------------------------------------------------------------- item 9


def test_item_9_passwords_are_hashed_with_argon2id_at_the_apps_own_strength(app: Flask) -> None:
    """Item 9: Argon2id; without test overrides the app uses OWASP's setting (19 MiB, 2 passes,
    1 lane), and a hash never contains the password."""
    app.config["PASSWORD_HASH_PARAMS"] = None
    hashed = hash_password("kettle garden lamp")
    assert hashed.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    assert "kettle" not in hashed


def test_item_9_a_long_passphrase_is_used_in_full_and_weak_ones_are_refused_by_the_field(
    client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    """Item 9: at least 8 characters and not a common password (refused by the field, nothing
    stored); a 300-character passphrase is kept in full: its first 72 characters do not work."""
    person = make_user(Role.RESIDENT, with_password=False)
    link = invite(staff, person)
    form_page = client.get(link).location  # the link leads to the page, which holds no token
    assert form_page == "/set-password"
    for weak, message in (
        ("short7!", "at least 8 characters"),
        ("password123", "too easy to guess"),
    ):
        token = csrf_token(client, form_page)
        data = {"password": weak, "confirm": weak, "csrf_token": token}
        response = client.post(form_page, data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 400 and "There is a problem" in page
        error = page.split('id="password-error"', 1)[1].split("</p>", 1)[0]
        assert message in error  # by the field, as well as in the summary
        db.session.refresh(person)
        assert person.password_hash is None
    long_one = ("my allotment has the best runner beans on the whole estate " * 6)[:300]
    token = csrf_token(client, form_page)
    response = client.post(
        form_page, data={"password": long_one, "confirm": long_one, "csrf_token": token}
    )
    assert response.status_code == 302
    db.session.refresh(person)
    assert person.password_hash is not None and person.password_hash.startswith("$argon2id$")
    sign_out(client)
    assert sign_in(client, person, long_one[:72]).status_code == 400
    assert sign_in(client, person, long_one[:-1] + "X").status_code == 400
    assert sign_in(client, person, long_one).status_code == 302


# --------------------------------------------------------------------------- item 10


def test_item_10_many_failures_from_one_address_are_slowed_whatever_the_email(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 10: failures are counted per address too (a guesser trying many accounts), with a
    clear message; an unknown email and a wrong password get the same answer."""
    token = csrf_token(client, "/login")

    def attempt(email: str, password: str) -> Any:
        return client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )

    wrong = attempt(resident.email, "not the password").get_data(as_text=True)
    unknown = attempt("nobody@example.org", "not the password").get_data(as_text=True)
    message = "Enter a correct email address and password"
    assert message in wrong and message in unknown
    cap = app.config["LOGIN_ADDRESS_FREE_FAILURES"]
    for n in range(cap - 2):
        assert message in attempt(f"guess{n}@example.org", "wrong").get_data(as_text=True)
    # The address is now slowed: even the real resident's right password waits.
    page = attempt(resident.email, PASSWORD)
    assert page.status_code == 400
    assert "Too many attempts to sign in. Wait 1 minute," in page.get_data(as_text=True)
    assert client.get("/").status_code == 302
    # Another address is not affected.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert sign_in(other, resident).status_code == 302


# --------------------------------------------------------------------------- item 12


def test_item_12_no_remember_cookie_is_issued_and_its_settings_are_safe(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 12: sign-in sets only the session cookie (no long-lived remember cookie); the
    remember cookie's settings are HttpOnly and SameSite=Lax all the same."""
    response = sign_in(client, resident)
    cookies = response.headers.getlist("Set-Cookie")
    assert [c.split("=", 1)[0] for c in cookies] == ["session"]
    assert app.config["REMEMBER_COOKIE_HTTPONLY"] is True
    assert app.config["REMEMBER_COOKIE_SAMESITE"] == "Lax"


def test_item_12_production_cookies_carry_secure_httponly_and_samesite() -> None:
    """Item 12: in production the Set-Cookie header itself says Secure, HttpOnly, SameSite=Lax."""
    from panel import create_app

    app = create_app(dict(PRODUCTION, WTF_CSRF_ENABLED=True))
    response = app.test_client().get("/login", base_url="https://localhost")
    (cookie,) = response.headers.getlist("Set-Cookie")
    assert cookie.startswith("__Host-session=")
    for flag in ("Secure", "HttpOnly", "SameSite=Lax"):
        assert flag in cookie
    assert app.config["REMEMBER_COOKIE_SECURE"] is True
    with app.app_context():
        db.engine.dispose()


# --------------------------------------------------------------------------- item 13


def test_item_13_logout_password_change_and_deactivation_end_sessions_server_side(
    app: Flask, client: FlaskClient, staff: User, resident: User
) -> None:
    """Item 13: a replayed cookie after logout is refused; changing the password signs out
    every other device; deactivating then reactivating leaves old cookies dead (session version)."""
    sign_in(client, resident)
    cookie = client.get_cookie("session")
    assert cookie is not None
    sign_out(client)
    replay = app.test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/").status_code == 302
    # Password change: this device stays in, the other is signed out.
    phone, laptop = app.test_client(), app.test_client()
    sign_in(phone, resident)
    sign_in(laptop, resident)
    new = "a brand new kettle lamp"
    response = post_form(
        laptop, "/account/password", {"current": PASSWORD, "password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert laptop.get("/").status_code == 200
    assert phone.get("/").status_code == 302
    # Deactivation, then reactivation: the cookie from before stays refused.
    old = laptop.get_cookie("session")
    assert old is not None
    admin = app.test_client()
    sign_in(admin, staff)
    assert post_form(admin, f"/people/{resident.id}/active?to=off").status_code == 302
    assert post_form(admin, f"/people/{resident.id}/active?to=on").status_code == 302
    db.session.refresh(resident)
    assert resident.active is True
    again = app.test_client()
    again.set_cookie("session", old.value)
    assert again.get("/").status_code == 302


# --------------------------------------------------------------------------- item 14


@pytest.mark.parametrize(
    "target",
    ["//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)"],
)
def test_item_14_sign_in_never_follows_next_off_the_site(
    client: FlaskClient, resident: User, target: str
) -> None:
    """Item 14: next= accepts only local paths; anything else lands on the home page."""
    token = csrf_token(client, "/login")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": resident.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302 and response.location == "/"


def test_item_14_a_local_next_from_the_sign_in_redirect_is_followed(
    client: FlaskClient, resident: User, make_round: Callable[..., Any]
) -> None:
    """Item 14: the sign-in redirect keeps a local path and sign-in returns there."""
    round_ = make_round(members=(resident,))
    first = client.get(f"/rounds/{round_.id}")
    assert first.location == f"/login?next=/rounds/{round_.id}"
    token = csrf_token(client, first.location)
    response = client.post(
        first.location, data={"email": resident.email, "password": PASSWORD, "csrf_token": token}
    )
    assert response.location == f"/rounds/{round_.id}"


# --------------------------------------------------------------------------- item 19


def test_item_19_outside_tests_an_error_shows_a_plain_page_even_in_development() -> None:
    """Item 19: with TESTING off, an unexpected error is a plain 500 page, never a traceback
    (production's refusals are in tests/panel/test_config.py)."""
    from panel import create_app
    from panel.access import policy

    app = create_app({"SECRET_KEY": "x" * 64, "SQLALCHEMY_DATABASE_URI": "sqlite://"})

    @app.route("/boom")
    @policy("public")
    def boom() -> str:
        raise RuntimeError("internal detail 7f3a")

    response = app.test_client().get("/boom")
    page = without_tokens(response.get_data(as_text=True))
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert (
        "7f3a" not in without_tokens(page)
        and "Traceback" not in page
        and "RuntimeError" not in page
    )
    with app.app_context():
        db.engine.dispose()
