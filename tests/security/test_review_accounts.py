"""docs/security.md items 34 (sign-in part), 36, 37, 38, 39 and 41: accounts and start-up,
found by the outside reviews of December 2026. CSRF is on (tests/security/conftest.py)."""

from collections.abc import Callable
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
from tests.conftest import PASSWORD
from tests.security.helpers import csrf_token

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
    link = _invite_link(staff, person)
    page = client.get(link)
    token = csrf_token(client, page.location if page.status_code == 302 else link)
    target = page.location if page.status_code == 302 else link
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
