"""Reporting a comment on an idea, and staff hiding it or keeping it."""

from collections.abc import Callable

from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import AuditEvent, CommentReport, Role, User
from tests.conftest import AuthActions
from tests.factories import gen_idea, gen_idea_comment


def test_staff_keep_a_reported_comment_and_the_report_closes(
    client: FlaskClient, resident: User, staff: User, make_user: Callable[..., User]
) -> None:
    author = make_user(Role.RESIDENT, name="Olu Author")
    idea = gen_idea(author, title="A bench by the bus stop")
    comment = gen_idea_comment(idea, author, body="The bus company should pay for it.")
    AuthActions(client).login(resident)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    report_url = f"/ideas/{idea.id}/comments/{comment.id}/report"
    assert f'action="{report_url}"' in page
    assert client.post(report_url).status_code == 302
    AuthActions(client).logout()
    AuthActions(client).login(staff)
    listed = client.get("/reported-comments").get_data(as_text=True)
    assert "Comment on “A bench by the bus stop”" in listed and "Reported by 1 person" in listed
    review = client.get(f"/ideas/{idea.id}/comments/{comment.id}/hide").get_data(as_text=True)
    assert "The bus company should pay for it." in review
    kept = client.post(f"/ideas/{idea.id}/comments/{comment.id}/keep")
    assert kept.status_code == 302 and kept.location == "/reported-comments"
    assert "No comments are waiting for you." in client.get("/reported-comments").get_data(
        as_text=True
    )
    report = db.session.execute(db.select(CommentReport)).scalar_one()
    assert report.resolved_at is not None
    db.session.refresh(comment)
    assert comment.body == "The bus company should pay for it." and comment.hidden_at is None
    actions = db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars()
    assert list(actions)[-2:] == ["comment.reported", "comment.kept"]


def test_a_hidden_idea_comment_shows_its_reason_to_its_author_and_a_plain_note_to_others(
    client: FlaskClient, resident: User, staff: User, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.RESIDENT, name="Nell Neighbour")
    idea = gen_idea(other, title="A bench")
    comment = gen_idea_comment(idea, resident, body="Number 12 never pays rent.")
    AuthActions(client).login(staff)
    url = f"/ideas/{idea.id}/comments/{comment.id}/hide"
    assert client.post(url, data={"reason": "It is about a neighbour."}).status_code == 302
    assert client.get(url).status_code == 200  # the page now says it is hidden, with no form
    AuthActions(client).logout()
    for person, expected in (
        (resident, "Staff hid your comment. Their reason: It is about a neighbour."),
        (other, "This comment was hidden by staff."),
    ):
        AuthActions(client).login(person)
        page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert expected in page and "Number 12 never pays rent." not in page
        if person is other:
            assert "It is about a neighbour." not in page
        AuthActions(client).logout()
