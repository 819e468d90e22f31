"""The security tests run with CSRF protection on, as in production."""

from typing import Any

import pytest


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    from tests.conftest import base_config

    return base_config(database_url, WTF_CSRF_ENABLED=True)
