"""Helpers for the decision tests: write a reason for every draft, and "Confirm all drafts" as
a person does it (open the list of what will be confirmed, then confirm exactly that)."""

import re
from typing import Any

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from panel.extensions import db
from panel.models import Decision


def write_reasons(client: FlaskClient, round_id: int, reason: str = "The panel's reason.") -> int:
    """Save every reasonless draft again as a draft, with the same outcome and a reason."""
    drafts = db.session.execute(
        db.select(Decision).where(Decision.round_id == round_id, Decision.status == "draft")
    ).scalars()
    written = 0
    for d in list(drafts):
        if d.reason:
            continue
        data: dict[str, Any] = {
            "outcome": d.outcome,
            "reason": reason,
            "version": str(d.version),
            "action": "draft",
            "over_budget_ok": "y",
        }
        if d.outcome == "part":
            data["amount"] = str(d.amount_awarded_pence / 100)
        response = client.post(f"/rounds/{round_id}/decisions/{d.application_id}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        written += 1
    db.session.expire_all()
    return written


def shown_drafts(client: FlaskClient, round_id: int) -> str:
    """The drafts the confirm page lists, as its hidden field holds them."""
    page = client.get(f"/rounds/{round_id}/decisions/confirm").get_data(as_text=True)
    found = re.search(r'name="drafts"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="drafts"', page)
    return (found.group(1) or found.group(2) or "") if found else ""


def confirm_all(client: FlaskClient, round_id: int, **extra: str) -> TestResponse:
    """Open "Confirm all drafts", then confirm what it shows."""
    data = {"drafts": shown_drafts(client, round_id), **extra}
    return client.post(f"/rounds/{round_id}/decisions/confirm", data=data)


def include_every_comment(round_id: int) -> int:
    """Staff include every panel comment of the round as written (the feedback review)."""
    from panel.models import FundingRound, User
    from panel.results import comments
    from panel.results.services import compute

    round_ = db.session.get(FundingRound, round_id)
    assert round_ is not None
    staff = db.session.execute(db.select(User).where(User.role == "staff").limit(1)).scalar_one()
    n = 0
    for group in comments.panel_comments(compute(round_)):
        for c in group.comments:
            comments.review_comment(
                round_=round_,
                comment=c,
                include=True,
                text=c.original,
                expected_version=0,
                actor=staff,
            )
            n += 1
    db.session.commit()
    return n
