"""docs/security.md items 34 (sign-in part), 36, 37, 38, 39 and 41: accounts and start-up,
found by the outside reviews of December 2026. CSRF is on (tests/security/conftest.py)."""

from typing import Any

import pytest

from panel import create_app
from panel.config import UnsafeConfig
from panel.extensions import db

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
