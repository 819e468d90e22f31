"""A full disk: saves and the csv export answer 503 and lose nothing (#13 item 16).

The database lives on a small real filesystem (a tmpfs mounted for the test) that the test fills.
"""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, User
from tests.conftest import _create_schema
from tests.panel.faults.cases import CASES
from tests.panel.faults.conftest import kept_form, open_form, says_nothing_was_saved
from tests.panel.faults.pages import post
from tests.panel.faults.servers import fill, small_disk
from tests.security.helpers import sign_in
from tests.worlds import gen_worked_round


@pytest.fixture
def database_url() -> Iterator[str]:
    """This test's SQLite database, alone on a 8 MB filesystem (whatever TEST_DATABASE_URL says)."""
    with small_disk("8m") as disk:
        url = f"sqlite:///{disk / 'panel.sqlite3'}"
        _create_schema(url)
        yield url


def full_disk() -> Path:
    """Empty the write-ahead log (so the next save must grow it), then fill the disk."""
    path = db.engine.url.database
    assert path
    with sqlite3.connect(path) as conn:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        assert busy == 0
    return fill(Path(path).parent)


@pytest.mark.parametrize("name", list(CASES))
def test_a_save_on_a_full_disk_keeps_the_form_and_answers_503(
    client: FlaskClient, staff: User, name: str
) -> None:
    """Item 44: with the disk full, a save answers 503 with Retry-After and a plain message,
    the form holding exactly what was typed; once space is freed, sending it again saves."""
    case = CASES[name](staff)
    form = open_form(client, case)
    filler = full_disk()
    try:
        response = post(client, case.page, form, case.button)
        assert response.status_code == 503, response.status_code
        assert response.headers["Retry-After"].isdigit()
        page = says_nothing_was_saved(response)
        assert "run out of storage space" in page
        kept = kept_form(response, case)
    finally:
        filler.unlink()
    assert case.stored() == []
    saved = post(client, case.page, kept, case.button)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    stored = case.stored()
    for text in case.keeps:
        assert text in stored, (text, stored)


def test_the_csv_export_on_a_full_disk_answers_503_and_records_nothing(
    client: FlaskClient, staff: User
) -> None:
    """Item 44: an export that cannot record itself on a full disk answers a plain 503 with
    Retry-After (never a 500), and works once space is freed."""
    worked = gen_worked_round(staff)
    url = f"/rounds/{worked['round'].id}/export/csv"
    assert sign_in(client, staff).status_code == 302
    filler = full_disk()
    try:
        response = client.get(url)
        assert response.status_code == 503, response.status_code
        assert response.headers["Retry-After"].isdigit()
        assert response.mimetype == "text/html"
        page = response.get_data(as_text=True)
        assert "run out of storage space" in page and "Traceback" not in page
    finally:
        filler.unlink()
    exported = sa.select(AuditEvent).where(AuditEvent.action.like("%export%"))
    assert db.session.execute(exported).first() is None
    again = client.get(url)
    assert again.status_code == 200 and again.mimetype == "text/csv"
    assert "Project A" in again.get_data(as_text=True)
