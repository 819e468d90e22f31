"""Too much sent to a form without a file: the 413 says so in words that fit (#13 item 20)."""

from urllib.parse import urlencode

from flask.testing import FlaskClient

from panel.models import User
from tests.pages import without_tokens
from tests.panel.faults.cases import CASES
from tests.panel.faults.conftest import open_form


def test_a_form_without_a_file_sent_10_mb_says_what_was_sent_is_too_long(
    client: FlaskClient, staff: User
) -> None:
    """Item 48: 10 MB sent to the comment form answers 413 "What you sent is too long", not
    "That file is too big" (there is no file), and nothing is saved."""
    case = CASES["comment"](staff)
    form = open_form(client, case)
    data = form.data()
    data["body"] = ["x" * (10 * 1024 * 1024)]
    response = client.post(
        form.action or case.page,
        data=urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "What you sent is too long" in page and "Nothing was saved" in page
    assert "file" not in without_tokens(page).lower()
    assert case.stored() == []
