"""Plain helpers for the security tests, which run with CSRF on (see conftest.py)."""

from typing import Any

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, User
from tests.conftest import PASSWORD
from tests.pages import TOKEN


def csrf_token(client: FlaskClient, path: str = "/") -> str:
    """The session's CSRF token, read from a page as a browser would."""
    page = client.get(path).get_data(as_text=True)
    match = TOKEN.search(page)
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def sign_in(client: FlaskClient, user: User | str, password: str = PASSWORD) -> Any:
    """Sign in through the real form (with its CSRF token)."""
    email = user if isinstance(user, str) else user.email
    token = csrf_token(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def sign_out(client: FlaskClient) -> Any:
    return client.post("/logout", data={"csrf_token": csrf_token(client)})


def switch_to(client: FlaskClient, user: User) -> None:
    """Sign out whoever is signed in, then sign in as `user`."""
    if client.get_cookie("session") is not None and client.get("/").status_code == 200:
        sign_out(client)
    response = sign_in(client, user)
    assert response.status_code == 302, "sign-in failed"


def post_form(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> Any:
    """POST with a valid CSRF token, so only the server's own checks can refuse it."""
    token = csrf_token(client)
    return client.post(path, data={**(data or {}), "csrf_token": token})


def audit_count() -> int:
    return int(db.session.execute(db.select(db.func.count()).select_from(AuditEvent)).scalar_one())
