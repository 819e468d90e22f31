"""tests.pages: the helper empties each CSRF token of a page, and nothing else."""

from typing import Any

import pytest
from flask.testing import FlaskClient

from panel.models import User
from tests.conftest import base_config
from tests.pages import TOKEN, without_tokens
from tests.security.helpers import sign_in


@pytest.fixture
def app_config(database_url: str) -> dict[str, Any]:
    return base_config(database_url, WTF_CSRF_ENABLED=True)  # tokens on the page, as in production


def test_every_token_on_a_signed_in_page_with_a_form_is_emptied(
    client: FlaskClient, staff: User
) -> None:
    sign_in(client, staff)
    page = client.get("/rounds/new").get_data(as_text=True)
    tokens = TOKEN.findall(page)
    assert len(tokens) >= 2  # the sign-out button's and the form's
    emptied = without_tokens(page)
    assert not any(token in emptied for token in tokens)
    assert emptied.count('name="csrf_token"') == page.count('name="csrf_token"')
    assert len(page) - len(emptied) == sum(len(token) for token in tokens)
