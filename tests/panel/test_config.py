"""Configuration: a secret key is made once and kept private; the database URL is chosen by env."""

import os
import stat
from pathlib import Path

import pytest

from panel.config import _instance_secret_key


def test_a_secret_key_is_generated_once_with_owner_only_permissions(tmp_path: Path) -> None:
    first = _instance_secret_key(tmp_path)
    second = _instance_secret_key(tmp_path)
    assert first == second and len(first) >= 64
    mode = stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode)
    assert mode == 0o600


def test_environment_variables_choose_the_database_and_key(monkeypatch, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from panel import create_app

    monkeypatch.setenv("PANEL_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("PANEL_SECRET_KEY", "from-the-environment")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/x.sqlite3"
    assert app.config["SECRET_KEY"] == "from-the-environment"
    with app.app_context():
        from panel.extensions import db

        db.engine.dispose()


PRODUCTION = {
    "PANEL_ENV": "production",
    "SECRET_KEY": "a" * 16 + "b" * 16 + "c" * 32,
    "SQLALCHEMY_DATABASE_URI": "sqlite://",
}


def test_production_forces_secure_cookies_and_sends_hsts(tmp_path: Path) -> None:
    """Items 12 and 18: production forces Secure cookies and sends HSTS."""
    from panel import create_app

    app = create_app(dict(PRODUCTION))
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    response = app.test_client().get("/login")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


@pytest.mark.parametrize(
    "change, message",
    [
        ({"DEBUG": True}, "DEBUG is on"),
        ({"SECRET_KEY": None}, "no secret key"),
        ({"SECRET_KEY": "changeme"}, "too short or a placeholder"),
        ({"SESSION_COOKIE_SECURE": False}, "SESSION_COOKIE_SECURE is off"),
        ({"SESSION_COOKIE_HTTPONLY": False}, "SESSION_COOKIE_HTTPONLY is off"),
        ({"SESSION_COOKIE_SAMESITE": "None"}, "SESSION_COOKIE_SAMESITE must be Lax or Strict"),
    ],
)
def test_production_refuses_to_start_unsafely(change: dict[str, object], message: str) -> None:
    """Item 19: production refuses DEBUG, a weak key or unsafe cookies."""
    from panel import create_app
    from panel.config import UnsafeConfig

    config = {**PRODUCTION, **change}
    config = {k: v for k, v in config.items() if v is not None}
    with pytest.raises(UnsafeConfig, match=message):
        create_app(config)


def test_production_errors_show_a_plain_page_without_a_traceback() -> None:
    """Item 19: production errors show a plain page."""
    from panel import create_app
    from panel.access import policy

    app = create_app(dict(PRODUCTION))

    @app.route("/boom")
    @policy("public")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in page
    assert "secret internals" not in page and "Traceback" not in page


def test_proxy_headers_are_trusted_only_with_a_configured_hop_count() -> None:
    from panel import create_app
    from panel.access import policy

    for hops, expected in ((0, "127.0.0.1"), (1, "203.0.113.9")):
        app = create_app({**PRODUCTION, "PANEL_PROXY_HOPS": hops})

        @app.route("/whoami")
        @policy("public")
        def whoami() -> str:
            from flask import request

            return request.remote_addr or ""

        response = app.test_client().get(
            "/whoami",
            headers={"X-Forwarded-For": "203.0.113.9"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
        assert response.get_data(as_text=True) == expected


def test_trusted_hosts_refuse_other_host_headers() -> None:
    from panel import create_app
    from panel.extensions import db

    app = create_app({**PRODUCTION, "TRUSTED_HOSTS": "grants.example.org"})
    with app.app_context():
        db.create_all()  # the sign-in page's header reads the fund's name from its settings
    client = app.test_client()
    assert client.get("/login", headers={"Host": "grants.example.org"}).status_code == 200
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
