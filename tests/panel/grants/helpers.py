"""Driving the grants pages as staff and as a group with its private link."""

import re
from typing import Any

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import Grant


def make_offer(client: FlaskClient, round_id: int, application_id: int, **values: Any) -> Grant:
    """Staff save an offer (signed in already); the grant it made."""
    data = {
        "version": "0",
        "amount": "1000",
        "conditions": "Spend it on the project.",
        "planned_start": "2027-01-10",
        "planned_end": "2027-06-30",
        "report_due_on": "2027-08-31",
        **values,
    }
    response = client.post(f"/rounds/{round_id}/grants/offer/{application_id}", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    grant = db.session.execute(
        db.select(Grant).where(Grant.application_id == application_id)
    ).scalar_one()
    return grant


def issue_link(client: FlaskClient, grant: Grant, purpose: str) -> str:
    """Staff make a private link; the token, read from the page that shows it once."""
    page = client.post(f"/rounds/{grant.round_id}/grants/{grant.id}/link/{purpose}")
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    found = re.search(r"/grant/([A-Za-z0-9_-]{30,})<", page.get_data(as_text=True))
    assert found, page.get_data(as_text=True)
    return found.group(1)


def multipart(fields: dict[str, str], files: list[tuple[str, str, bytes]]) -> dict[str, Any]:
    """A multipart body built here (the test client would spool a big file to a temporary
    file it never closes): keyword arguments for `client.post`."""
    parts = [
        f'--XyZ\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts += [
        f'--XyZ\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
        for name, filename, data in files
    ]
    body = b"".join(parts) + b"--XyZ--\r\n"
    return {"data": body, "content_type": "multipart/form-data; boundary=XyZ"}
