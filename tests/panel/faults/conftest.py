"""Fixtures for the fault tests: CSRF on (every form is sent as the page holds it, token and
all), a short busy timeout for web requests, and helpers that open and check a case's form."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.conftest import base_config
from tests.panel.faults.cases import Case
from tests.panel.faults.pages import PageForm, fill, form_with
from tests.security.helpers import sign_in

# Web requests give up on SQLite's write lock after this long (PANEL_WEB_BUSY_SECONDS).
WEB_BUSY_SECONDS = 0.5


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    return base_config(database_url, WTF_CSRF_ENABLED=True, PANEL_WEB_BUSY_SECONDS=WEB_BUSY_SECONDS)


def open_form(client: FlaskClient, case: Case) -> PageForm:
    """Sign in as the case's person, open its page and type into its form."""
    if case.user is not None:
        assert sign_in(client, case.user).status_code == 302, "sign-in failed"
    page = client.get(case.page)
    assert page.status_code == 200, case.page
    return fill(form_with(page.get_data(as_text=True), case.field), case.typed)


def kept_form(response: Any, case: Case) -> PageForm:
    """The form on `response`, checked to hold exactly what the person typed."""
    page = response.get_data(as_text=True)
    form = form_with(page, case.field)
    for name, value in case.typed.items():
        expected = value.replace("\r\n", "\n").replace("\n", "\r\n")
        assert form.get(name) == expected, (case.name, name, form.get(name))
    return form


def says_nothing_was_saved(response: Any) -> str:
    """The page's text, checked to say plainly that nothing was saved."""
    page = response.get_data(as_text=True)
    assert "Nothing was saved" in page, page
    assert "Traceback" not in page and "OperationalError" not in page
    return page
