"""docs/security.md items 34 (sign-in part), 36, 37, 38, 39 and 41: accounts and start-up,
found by the outside reviews of December 2026. CSRF is on (tests/security/conftest.py)."""

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel import create_app
from panel.auth import services as accounts
from panel.auth.passwords import password_problem
from panel.config import UnsafeConfig
from panel.extensions import db
from panel.models import Role, User
from panel.models.types import utcnow
from tests.conftest import PASSWORD
from tests.pages import without_tokens
from tests.security.helpers import csrf_token, sign_in

PRODUCTION = {
    "PANEL_ENV": "production",
    "SECRET_KEY": "k" * 32 + "e" * 32,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
}


def _dispose(app: Any) -> None:
    with app.app_context():
        db.engine.dispose()


# --------------------------------------------------------------------------- item 41


@pytest.mark.parametrize("spelling", ["Production", "PRODUCTION", " production "])
def test_item_41_panel_env_production_is_read_in_any_case(
    monkeypatch: pytest.MonkeyPatch, spelling: str
) -> None:
    """Item 41: PANEL_ENV=Production (any case, stray spaces) runs in production mode: secure
    cookies, HSTS, and the production refusals (here: no secret key) apply."""
    monkeypatch.setenv("PANEL_ENV", spelling)
    monkeypatch.setenv("PANEL_DATABASE_URL", "sqlite://")
    monkeypatch.delenv("PANEL_SECRET_KEY", raising=False)
    with pytest.raises(UnsafeConfig, match="no secret key"):
        create_app()
    monkeypatch.setenv("PANEL_SECRET_KEY", "k" * 64)
    app = create_app()
    assert app.config["PANEL_ENV"] == "production"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    response = app.test_client().get("/login", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    _dispose(app)


@pytest.mark.parametrize("value", ["prod", "staging", "live", "productoin"])
def test_item_41_an_unknown_panel_env_refuses_to_start_saying_what_is_allowed(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """Item 41: an unknown PANEL_ENV is refused at start, with the value and the choices."""
    monkeypatch.setenv("PANEL_ENV", value)
    monkeypatch.setenv("PANEL_DATABASE_URL", "sqlite://")
    with pytest.raises(UnsafeConfig) as refused:
        create_app()
    message = str(refused.value)
    assert f"PANEL_ENV is {value!r}" in message
    assert "production" in message and "development" in message


def test_item_41_development_is_still_the_default_and_accepted_in_any_case(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Item 41: no PANEL_ENV, or "Development", runs in development mode."""
    monkeypatch.setenv("PANEL_DATABASE_URL", "sqlite://")
    monkeypatch.delenv("PANEL_ENV", raising=False)
    app = create_app()
    assert app.config["PANEL_ENV"] == "development"
    _dispose(app)
    monkeypatch.setenv("PANEL_ENV", "Development")
    app = create_app()
    assert app.config["PANEL_ENV"] == "development"
    assert app.config["SESSION_COOKIE_SECURE"] is False
    _dispose(app)


# --------------------------------------------------------------------------- item 36


def _invite_link(staff: User, person: User) -> str:
    issued = accounts.issue_link(user=person, purpose="invite", actor=staff)
    db.session.commit()
    return f"/set-password/{issued.token}"


@pytest.mark.parametrize(
    "weak, why",
    [
        ("pass1234", "it is one of the most common passwords"),
        ("starwars", "it is one of the most common passwords"),
        ("summer123", "it is a common word with numbers added"),
    ],
)
def test_item_36_passwords_the_old_list_let_through_are_refused_saying_why(
    client: FlaskClient, staff: User, make_user: Callable[..., User], weak: str, why: str
) -> None:
    """Item 36: pass1234, starwars and summer123 (accepted by the old 100-entry list) are
    refused by the field, in plain words saying why; nothing is stored."""
    person = make_user(Role.RESIDENT, with_password=False)
    target = client.get(_invite_link(staff, person)).location
    token = csrf_token(client, target)
    response = client.post(target, data={"password": weak, "confirm": weak, "csrf_token": token})
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    error = text.split('id="password-error"', 1)[1].split("</p>", 1)[0]
    assert f"This password is too easy to guess: {why}." in error
    db.session.refresh(person)
    assert person.password_hash is None


@pytest.mark.parametrize(
    "weak, why",
    [
        ("Summer2024!", "it is a common word with numbers or symbols added"),
        ("smith2020", "it is a common name with numbers added"),
        ("p@ssw0rd", "look-alike numbers or symbols"),
        ("drowssap", "written backwards"),
        ("aaaaaaaaaa", "it repeats the same characters"),
        ("abcdefgh1234", "it is an easy sequence, like abc or 1234"),
        ("rita.resident", "it is made of your name or email address"),
    ],
)
def test_item_36_each_kind_of_weak_password_is_named_in_plain_words(
    app: Flask, weak: str, why: str
) -> None:
    """Item 36: the reason names what makes the password easy to guess (a common word, a name,
    swapped letters, a reversed word, repeats, sequences, the person's own name or email)."""
    problem = password_problem(weak, email="rita@example.org", name="Rita Resident")
    assert problem is not None and problem.startswith("This password is too easy to guess: ")
    assert why in problem


@pytest.mark.parametrize(
    "good",
    [
        PASSWORD,
        "a brand new passphrase",
        "a brand new kettle lamp",
        "kettle garden lamp",
        "new kettle lamp",
        "my allotment has the best runner beans on the whole estate " * 5,
    ],
)
def test_item_36_the_tests_own_passphrases_and_long_ones_are_accepted(
    app: Flask, good: str
) -> None:
    """Item 36: passphrases of a few uncommon words (the tests' own among them) pass."""
    assert password_problem(good, email="rita@example.org", name="Rita Resident") is None


# --------------------------------------------------------------------------- item 37


def _attempt(client: FlaskClient, email: str, password: str) -> str:
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"email": email, "password": password, "csrf_token": token}
    )
    return response.get_data(as_text=True) if response.status_code != 302 else "SIGNED IN"


WRONG = "Enter a correct email address and password"


def test_item_37_failures_bring_growing_waits_and_the_right_password_after_one_signs_in(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 37: after 5 wrong passwords the account waits (the right password too is not
    checked meanwhile, and the page says how long in plain words); once the wait has passed the
    right password signs in. Each failure past the free ones doubles the wait. Before, the right
    password was refused for 15 minutes: anyone could keep the owner out."""
    app.config["LOGIN_FIRST_WAIT_SECONDS"] = 1
    for _ in range(app.config["LOGIN_FREE_FAILURES"]):
        assert WRONG in _attempt(client, resident.email, "not the password")
    assert "Too many attempts to sign in. Wait 1 second, then try again" in _attempt(
        client, resident.email, PASSWORD
    )
    time.sleep(1.2)
    assert WRONG in _attempt(client, resident.email, "still not it")  # the 6th: waits 2 s
    assert "Wait 2 seconds" in _attempt(client, resident.email, PASSWORD)
    time.sleep(2.2)
    assert _attempt(client, resident.email, PASSWORD) == "SIGNED IN"


def test_item_37_the_wait_is_said_in_minutes_grows_and_never_passes_the_longest(app: Flask) -> None:
    """Item 37: with the app's own settings the waits after the free failures run 1, 2, 4, 8
    and then 15 minutes at most, and the message says so in plain words."""
    free = app.config["LOGIN_FREE_FAILURES"]
    waits = [accounts.wait_after(free + n, free=free) for n in range(8)]
    assert [w.total_seconds() for w in waits] == [60, 120, 240, 480, 900, 900, 900, 900]
    assert accounts.wait_after(free - 1, free=free).total_seconds() == 0
    assert str(accounts.TooManyAttempts(900)).startswith(
        "Too many attempts to sign in. Wait 15 minutes, then try again"
    )
    assert "Wait 1 minute," in str(accounts.TooManyAttempts(31))
    assert "Wait 2 minutes," in str(accounts.TooManyAttempts(61))


def test_item_37_an_address_with_many_failures_waits_and_others_do_not(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 37, per address: 20 failures from one address across many emails make that address
    wait (whatever the email, the right password too), another address is not affected, and
    after the wait the right password from the first address signs in. Unknown emails and a
    real one get the same answers throughout (item 10's promise)."""
    app.config["LOGIN_FIRST_WAIT_SECONDS"] = 1
    for n in range(app.config["LOGIN_ADDRESS_FREE_FAILURES"]):
        assert WRONG in _attempt(client, f"guess{n}@example.org", "wrong")
    known = _attempt(client, resident.email, PASSWORD)
    unknown = _attempt(client, "nobody@example.org", "wrong")
    assert "Too many attempts to sign in. Wait 1 second" in known
    assert _message(known) == _message(unknown)
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert _attempt(other, resident.email, PASSWORD) == "SIGNED IN"
    time.sleep(1.2)
    assert _attempt(client, resident.email, PASSWORD) == "SIGNED IN"


def _message(page: str) -> str:
    return page.split('class="error-summary__list"', 1)[1].split("</ul>", 1)[0]


def test_item_37_a_wait_for_an_unknown_email_reads_exactly_as_for_a_real_one(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Items 10 and 37: the same failures on a real account and on an email with no account
    give the same pages, the waiting message included."""
    pages: dict[str, list[str]] = {}
    for email in (resident.email, "ghost@example.org"):
        pages[email] = [
            _message(_attempt(client, email, "wrong guess"))
            for _ in range(app.config["LOGIN_FREE_FAILURES"] + 1)
        ]
    assert pages[resident.email] == pages["ghost@example.org"]
    assert "Wait 1 minute" in pages["ghost@example.org"][-1]


# --------------------------------------------------------------------------- item 38


def test_item_38_a_csrf_token_from_before_sign_in_stops_working_at_sign_in(
    app: Flask, client: FlaskClient, resident: User
) -> None:
    """Item 38: the token a visitor (or someone who planted their cookie) had before signing in
    is refused once they are signed in; the page's new token works. Nothing kept in the session
    before sign-in survives it."""
    before = csrf_token(client, "/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = client.post(
        "/login", data={"email": resident.email, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    with client.session_transaction() as session:
        assert "planted" not in session
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert client.get("/").status_code == 200  # still signed in: the old token did nothing
    after = csrf_token(client, "/")
    assert after != before
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302
    assert client.get("/").status_code == 302


def test_item_38_changing_the_password_renews_the_csrf_token_too(
    client: FlaskClient, resident: User
) -> None:
    """Item 38: after a password change (which signs in afresh on this device) the token from
    before is refused."""
    sign_in(client, resident)
    before = csrf_token(client, "/account/password")
    new = "a brand new kettle lamp"
    response = client.post(
        "/account/password",
        data={"current": PASSWORD, "password": new, "confirm": new, "csrf_token": before},
    )
    assert response.status_code == 302
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.get("/").status_code == 200


def test_item_38_production_names_the_session_cookie_with_the_host_prefix() -> None:
    """Item 38: in production the session cookie is `__Host-session`: Secure, Path=/ and no
    Domain, so no other site or subdomain can set or read it; a Domain setting refuses to start."""
    app = create_app(dict(PRODUCTION, WTF_CSRF_ENABLED=True))
    response = app.test_client().get("/login", base_url="https://localhost")
    (cookie,) = response.headers.getlist("Set-Cookie")
    parts = [p.strip() for p in cookie.split(";")]
    assert parts[0].startswith("__Host-session=")
    assert "Secure" in parts and "Path=/" in parts
    assert not any(p.lower().startswith("domain=") for p in parts)
    assert app.config["REMEMBER_COOKIE_NAME"].startswith("__Host-")
    _dispose(app)
    with pytest.raises(UnsafeConfig, match="SESSION_COOKIE_DOMAIN"):
        create_app(dict(PRODUCTION, SESSION_COOKIE_DOMAIN="example.org"))


# --------------------------------------------------------------------------- item 39


def test_item_39_the_link_is_swapped_for_a_session_value_and_the_page_is_never_stored(
    app: Flask, client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    """Item 39: opening /set-password/<token> redirects at once to /set-password, whose URL
    holds no token (so access logs and the history keep none after the first visit); the page
    shows the person's name and email with Cache-Control: no-store, and its form posts to the
    URL without the token; the password is set from there."""
    person = make_user(
        Role.RESIDENT, name="Tess Token", email="tess@example.org", with_password=False
    )
    issued = accounts.issue_link(user=person, purpose="invite", actor=staff)
    db.session.commit()
    first = client.get(f"/set-password/{issued.token}")
    assert first.status_code == 302 and first.location == "/set-password"
    assert first.headers["Cache-Control"] == "no-store"
    page = client.get("/set-password")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert "Tess Token" in text and "tess@example.org" in text
    assert issued.token not in text  # the form posts back to /set-password: no token there
    new = "a brand new kettle lamp"
    token = csrf_token(client, "/set-password")
    done = client.post("/set-password", data={"password": new, "confirm": new, "csrf_token": token})
    assert done.status_code == 302 and client.get("/").status_code == 200
    db.session.refresh(person)
    assert person.password_hash is not None
    again = client.get("/set-password")  # back to the page after the password is set
    assert again.status_code == 410 and "Choose a password" not in again.get_data(as_text=True)


def test_item_39_a_browser_without_the_session_value_or_with_an_old_one_gets_a_plain_page(
    app: Flask, client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    """Item 39: /set-password without a visit to the link, with a session value past its short
    life, or for a link that has expired or been used gives a plain page that names nobody,
    with Cache-Control: no-store; opening the link again works while it is live."""
    person = make_user(Role.RESIDENT, name="Tess Token", email="tess@example.org")
    issued = accounts.issue_link(user=person, purpose="reset", actor=staff)
    db.session.commit()
    for response in (client.get("/set-password"), client.post("/set-password")):
        assert response.status_code == 410
        assert response.headers["Cache-Control"] == "no-store"
        assert "Tess" not in without_tokens(response.get_data(as_text=True))
    client.get(f"/set-password/{issued.token}")
    with client.session_transaction() as session:
        visit = dict(session["password_link"])
        visit["until"] = (utcnow() - timedelta(seconds=1)).timestamp()
        session["password_link"] = visit
    stale = client.get("/set-password")
    assert stale.status_code == 410 and "Tess" not in stale.get_data(as_text=True)
    assert "Open the link" in stale.get_data(as_text=True)
    client.get(f"/set-password/{issued.token}")
    assert client.get("/set-password").status_code == 200  # the live link opens it again
    issued.link.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    gone = client.get(f"/set-password/{issued.token}")
    assert gone.status_code == 410 and gone.headers["Cache-Control"] == "no-store"
    assert client.get("/set-password").status_code == 410
