"""What applicants are told (issue 14): one feedback row per application of the round, and panel
comments only after staff reviewed them (the original kept in the audit)."""

import re

from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    AuditEvent,
    EligibilityCheck,
    FundingRound,
    RubricCriterion,
    User,
)
from panel.rubrics import current_rubric
from tests.conftest import AuthActions
from tests.factories import gen_application, password_hash
from tests.panel.results.export_reading import all_text, export_bytes, records, workbook
from tests.worlds import gen_worked_panel, ref


def _rows(round_id: int) -> dict[str, dict[str, object]]:
    return {r["Reference"]: r for r in records(workbook(export_bytes(round_id, "feedback")).active)}


def test_the_feedback_has_one_row_per_application_with_why_it_was_not_considered(
    app: Flask,
) -> None:
    panel = gen_worked_panel()
    round_ = db.session.get(FundingRound, panel.round_id)
    assert round_ is not None
    d = db.session.get(Application, panel.app_ids["D"])
    assert d is not None
    d.status = ApplicationStatus.INELIGIBLE
    rubric = current_rubric(round_)
    assert rubric is not None
    local = next(c for c in rubric.criteria if c.title == "Local")
    db.session.add(
        EligibilityCheck(
            application_id=d.id,
            rubric_criterion_id=local.id,
            passed=False,
            note="The hall is outside the borough.",
            checked_by_id=panel.staff_id,
        )
    )
    late = gen_application(round_, 7, reference="CF26-0007")
    late.status = ApplicationStatus.WITHDRAWN
    late.withdrawn_reason = "Found other funding."
    db.session.commit()
    rows = _rows(panel.round_id)
    every = db.session.execute(
        db.select(Application.reference).where(Application.round_id == panel.round_id)
    ).scalars()
    assert sorted(rows) == sorted(every)  # exactly one row per application of the round
    assert rows[ref("D")]["Application status"] == "Not eligible"
    assert rows[ref("D")]["Why it was not considered"] == "Local: The hall is outside the borough."
    assert rows["CF26-0007"]["Application status"] == "Withdrawn"
    assert rows["CF26-0007"]["Why it was not considered"] == "Found other funding."
    assert rows[ref("A")]["Application status"] == "Eligible"


def test_panel_comments_reach_the_feedback_only_as_staff_reviewed_them(
    client: FlaskClient, app: Flask
) -> None:
    """Item 59: not reviewed: not sent; left out: not sent; edited: sent as edited, with the
    panellist's words kept in the audit; never a panellist's name."""
    panel = gen_worked_panel()
    rows = _rows(panel.round_id)
    assert rows[ref("A")]["Panel comments"] is None
    assert rows[ref("A")]["Comments not yet reviewed"] == 8  # 4 counted reviews x 2 comments
    staff = db.session.get(User, panel.staff_id)
    assert staff is not None
    staff.password_hash = password_hash()
    db.session.commit()
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{panel.round_id}/feedback").get_data(as_text=True)
    assert "Overall view of A" in page and "Reviewer 1" in page
    for name in panel.names:
        assert name not in page
    found = re.search(rf"/rounds/{panel.round_id}/feedback/(\d+)/overall", page)
    assert found is not None
    review_id = int(found.group(1))
    base = f"/rounds/{panel.round_id}/feedback/{review_id}"
    benefit = db.session.execute(
        db.select(RubricCriterion.id).where(RubricCriterion.title == "Community benefit")
    ).scalar_one()
    edited = client.post(
        f"{base}/overall",
        data={"version": "0", "text": "A clear view of the project.", "action": "include"},
    )
    assert edited.status_code == 302
    client.post(f"{base}/c{benefit}", data={"version": "0", "text": "x", "action": "leave_out"})
    stale = client.post(f"{base}/overall", data={"version": "0", "text": "y", "action": "include"})
    assert stale.status_code == 302  # refused with a message, nothing saved over
    rows = _rows(panel.round_id)
    a = rows[ref("A")]
    assert a["Panel comments"] == "Reviewer 1:\nOverall: A clear view of the project."
    assert a["Comments not yet reviewed"] == 6
    event = (
        db.session.execute(
            db.select(AuditEvent)
            .where(AuditEvent.action == "feedback.comment_reviewed")
            .order_by(AuditEvent.id)
        )
        .scalars()
        .first()
    )
    assert event is not None and event.after is not None
    assert event.after["original"] == "Overall view of A" and event.after["edited"] is True
    text = all_text(workbook(export_bytes(panel.round_id, "feedback")))
    for name in panel.names:
        assert name not in text
    assert "Benefit note A" not in text
