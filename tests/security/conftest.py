"""The security tests run with CSRF protection on, as in production."""

from typing import Any

import pytest


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    from tests.conftest import base_config

    # A mail server is set up (nothing listens there, and no worker runs): the routes that need
    # one (sending a message again, "Forgot your password?") do their work.
    return base_config(database_url, WTF_CSRF_ENABLED=True, MAIL_SERVER="127.0.0.1", MAIL_PORT=9)
