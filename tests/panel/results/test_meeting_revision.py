"""At the panel meeting, panellists may revise their own scores with a reason (audited)."""

from typing import Any

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, Review, Stage
from panel.results import services
from tests.conftest import AuthActions


def _form(worked: dict[str, Any], review: Review, first: int, second: int, **extra: str) -> dict:
    a, b = worked["rubric"].scored
    return {
        f"score_{a.id}": str(first),
        f"score_{b.id}": str(second),
        "version": str(review.version),
        "action": "submit",
        **extra,
    }


def test_a_panellist_revises_a_submitted_review_at_the_meeting_with_a_reason(
    client: FlaskClient, worked: dict[str, Any]
) -> None:
    p1, app_c = worked["panel"][0], worked["apps"]["C"]
    review = db.session.execute(
        db.select(Review).where(Review.panellist_id == p1.id, Review.application_id == app_c.id)
    ).scalar_one()
    AuthActions(client).login(p1)
    url = f"/rounds/{worked['round'].id}/scoring/{app_c.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Why are you changing your scores?" in page

    missing = client.post(url, data=_form(worked, review, 2, 3))
    assert missing.status_code == 400
    assert "Say briefly why you are changing your scores" in missing.get_data(as_text=True)

    done = client.post(url, data=_form(worked, review, 2, 3, reason="Heard P5's concerns"))
    assert done.status_code == 302
    db.session.refresh(review)
    assert review.revised is True and [s.value for s in review.scores] == [2, 3]
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "review.revised_at_meeting")
    ).scalar_one()
    assert event.after is not None and event.after["reason"] == "Heard P5's concerns"
    result = services.compute(worked["round"]).result.result_for("C")
    assert round(result.mean or 0, 4) == round((2.5 + 4.0 + 3.5 + 1.0) / 4, 4)


def test_scores_cannot_change_at_the_meeting_without_a_submitted_review_or_once_decided(
    client: FlaskClient, worked: dict[str, Any]
) -> None:
    """Item 8: after scoring closes, changes are refused."""
    p1, app_a = worked["panel"][0], worked["apps"]["A"]
    review = db.session.execute(
        db.select(Review).where(Review.panellist_id == p1.id, Review.application_id == app_a.id)
    ).scalar_one()
    round_ = worked["round"]
    round_.stage = Stage.DECIDED
    db.session.commit()
    AuthActions(client).login(p1)
    url = f"/rounds/{round_.id}/scoring/{app_a.id}"
    response = client.post(url, data=_form(worked, review, 0, 0, reason="Too late"))
    assert response.status_code == 409
    db.session.refresh(review)
    assert [s.value for s in review.scores] == [4, 4]
