"""Signing in and out: throttling, identical failures, safe redirects, sessions that really end."""

from collections.abc import Callable

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from panel.auth import services
from panel.auth.views import safe_next
from panel.extensions import db
from panel.models import Role, Throttle, User
from tests.conftest import PASSWORD, AuthActions, write_lock_is_free


def test_a_resident_signs_in_with_any_case_of_their_email(
    client: FlaskClient, resident: User
) -> None:
    response = AuthActions(client).login(resident.email.upper())
    assert response.status_code == 302
    home = client.get("/")
    assert "Rita Resident" in home.get_data(as_text=True)


def test_unknown_email_and_wrong_password_get_the_same_answer(
    client: FlaskClient, resident: User
) -> None:
    """Item 10: unknown user and wrong password look identical."""
    wrong_password = AuthActions(client).login(resident, password="not the password")
    unknown = AuthActions(client).login("nobody@example.org", password="not the password")
    assert wrong_password.status_code == unknown.status_code == 400
    message = "Enter a correct email address and password"
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_repeated_failures_are_slowed_with_a_clear_message(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 10: repeated failures for an account are slowed, clearly."""
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        AuthActions(client).login(resident, password="wrong guess")
    # Even the right password waits now: the attacker learns nothing from it.
    response = AuthActions(client).login(resident)
    assert response.status_code == 400
    assert "Too many attempts to sign in. Wait 1 minute," in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_emails_are_throttled_like_real_ones(app: Flask, client: FlaskClient) -> None:
    """Item 10: unknown emails are throttled like real ones."""
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        AuthActions(client).login("ghost@example.org", password="wrong guess")
    response = AuthActions(client).login("ghost@example.org", password="wrong guess")
    assert "Too many attempts" in response.get_data(as_text=True)


def test_a_successful_sign_in_clears_earlier_failures(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    AuthActions(client).login(resident, password="wrong guess")
    failures = db.session.get(Throttle, f"email:{resident.email}")
    assert failures is not None and failures.failures == 1
    AuthActions(client).login(resident)
    db.session.expire_all()
    assert db.session.get(Throttle, f"email:{resident.email}") is None


def test_a_deactivated_account_cannot_sign_in(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """Item 7: a deactivated account cannot sign in."""
    closed = make_user(Role.RESIDENT, active=False)
    response = AuthActions(client).login(closed)
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_a_replayed_cookie_after_sign_out_is_refused(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 13: a replayed cookie after logout is refused."""
    AuthActions(client).login(resident)
    cookie = client.get_cookie("session")
    assert cookie is not None
    AuthActions(client).logout()
    other = app.test_client()
    other.set_cookie("session", cookie.value)
    response = other.get("/")
    assert response.status_code == 302
    assert response.location.startswith("/login")


def test_deactivation_ends_the_session_on_the_next_request(
    client: FlaskClient, resident: User
) -> None:
    """Items 7 and 13: deactivation ends the session on the next request."""
    AuthActions(client).login(resident)
    assert client.get("/").status_code == 200
    resident.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_an_old_password_hash_is_upgraded_at_the_next_sign_in(
    client: FlaskClient, resident: User
) -> None:
    """Item 9: an old hash is upgraded at the next sign-in."""
    weak = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1)
    resident.password_hash = weak.hash(PASSWORD)
    db.session.commit()
    old = resident.password_hash
    AuthActions(client).login(resident)
    db.session.refresh(resident)
    assert resident.password_hash != old
    assert "m=1024" in resident.password_hash


@pytest.mark.parametrize(
    "target, expected",
    [
        ("/rounds/1", "/rounds/1"),
        ("/rounds/1?page=2", "/rounds/1?page=2"),
        ("//evil.example", None),
        ("/\\evil.example", None),
        ("https://evil.example/", None),
        ("javascript:alert(1)", None),
        ("/%0d%0aLocation:x", "/%0d%0aLocation:x"),
        ("/\tx", None),
        ("", None),
    ],
)
def test_next_accepts_only_local_paths(target: str, expected: str | None) -> None:
    """Item 14: next= accepts only local paths."""
    assert safe_next(target) == expected


def test_sign_in_follows_a_local_next_and_ignores_an_outside_one(
    client: FlaskClient, resident: User
) -> None:
    """Item 14: sign-in follows a local next and ignores another."""
    response = client.post(
        "/login?next=//evil.example/", data={"email": resident.email, "password": PASSWORD}
    )
    assert response.location == "/"
    AuthActions(client).logout()
    response = client.post(
        "/login?next=/account/password", data={"email": resident.email, "password": PASSWORD}
    )
    assert response.location == "/account/password"


def test_an_empty_sign_in_form_names_each_missing_field(client: FlaskClient) -> None:
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#email"' in page and "Enter your email address" in page
    assert 'href="#password"' in page and "Enter your password" in page


def test_the_staff_role_is_shown_the_staff_home(client: FlaskClient, staff: User) -> None:
    AuthActions(client).login(staff)
    assert "Set up a new round" in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("right", [True, False])
def test_the_password_is_checked_without_holding_the_write_lock(
    app: Flask, client: FlaskClient, resident: User, monkeypatch: pytest.MonkeyPatch, right: bool
) -> None:
    """Argon2 costs a tenth of a second of CPU: on SQLite, 200 panellists signing in at once
    queued every save behind it (issue 20). Another writer gets the lock while it runs, and the
    attempt still counts: a failure is recorded, a success clears the account's failures."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's single write lock")
    path = str(db.engine.url.database)
    real = services.verify_password
    free: list[bool] = []

    def watched(stored: str | None, password: str) -> tuple[bool, str | None]:
        free.append(write_lock_is_free(path))
        return real(stored, password)

    monkeypatch.setattr(services, "verify_password", watched)
    response = AuthActions(client).login(resident, password=PASSWORD if right else "wrong guess")
    assert free == [True]
    assert response.status_code == (302 if right else 400)
    row = db.session.get(Throttle, f"email:{resident.email}")
    assert (row is None) if right else (row is not None and row.failures == 1)


def test_a_password_changed_during_the_check_is_checked_again(
    app: Flask, client: FlaskClient, resident: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The verdict is for the hash that was checked: if a reset lands between the check and the
    lock, the new hash decides, so the old password no longer signs in."""
    real = services.verify_password
    calls: list[str | None] = []
    resident_id, email = resident.id, resident.email
    db.session.commit()  # the test's own transaction is over before the request's begin

    def reset_meanwhile(stored: str | None, password: str) -> tuple[bool, str | None]:
        if not calls:
            user = db.session.get(User, resident_id)
            assert user is not None
            user.password_hash = PasswordHasher().hash("a brand new passphrase")
            db.session.commit()
        calls.append(stored)
        return real(stored, password)

    monkeypatch.setattr(services, "verify_password", reset_meanwhile)
    response = AuthActions(client).login(email)
    assert len(calls) == 2 and calls[0] != calls[1]
    assert response.status_code == 400
    assert "Enter a correct email address and password" in response.get_data(as_text=True)


def test_a_hash_made_with_argon2s_own_defaults_is_remade_at_owasps_setting(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 9: hashes made before the app chose OWASP's setting (argon2-cffi's 64 MiB, 3 passes,
    4 lanes) still sign in, and are remade at the app's setting."""
    app.config["PASSWORD_HASH_PARAMS"] = None
    resident.password_hash = PasswordHasher().hash(PASSWORD)
    db.session.commit()
    assert "m=65536,t=3,p=4" in resident.password_hash
    assert AuthActions(client).login(resident).status_code == 302
    db.session.refresh(resident)
    assert resident.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
