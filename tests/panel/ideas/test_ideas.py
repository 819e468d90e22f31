"""The ideas board: residents post, support and discuss ideas; staff answer every one."""

from collections.abc import Callable

from flask.testing import FlaskClient

from panel.extensions import db
from panel.ideas import services
from panel.ideas.queries import ideas_for_round
from panel.models import AuditEvent, FundingRound, Idea, IdeaStatus, Role, User
from tests.conftest import AuthActions
from tests.factories import gen_idea, gen_idea_comment


def _actions() -> list[str]:
    return list(db.session.execute(db.select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_a_resident_on_no_panel_posts_an_idea_and_the_fields_say_what_is_missing(
    client: FlaskClient, resident: User
) -> None:
    AuthActions(client).login(resident)
    page = client.get("/ideas/new").get_data(as_text=True)
    assert "It takes about 5 minutes an idea." in page
    empty = client.post("/ideas/new", data={"title": "", "why": "", "why_shared": "everyone"})
    text = empty.get_data(as_text=True)
    assert empty.status_code == 400 and "<title>Error: " in text
    assert "Enter the title of your idea" in text and "Enter why it matters" in text
    assert 'href="#title"' in text and 'href="#why"' in text
    sent = client.post(
        "/ideas/new",
        data={
            "title": "Somewhere warm in winter",
            "why": "Older neighbours sit in the cold.",
            "why_shared": "everyone",
            "where": "Northfield",
        },
    )
    idea = db.session.execute(db.select(Idea)).scalar_one()
    assert sent.status_code == 302 and sent.location == f"/ideas/{idea.id}"
    assert (idea.title, idea.where, idea.status, idea.why_private) == (
        "Somewhere warm in winter",
        "Northfield",
        "new",
        False,
    )
    event = db.session.execute(db.select(AuditEvent)).scalar_one()
    assert (event.action, event.actor_id, event.object_id) == ("idea.created", resident.id, idea.id)
    board = client.get("/ideas").get_data(as_text=True)
    assert "Waiting for an answer (1)" in board and "Somewhere warm in winter" in board
    assert "Posted by Rita Resident" in board


def test_support_and_comments_are_recorded_as_the_residents_own_activity(
    client: FlaskClient, resident: User, make_user: Callable[..., User]
) -> None:
    author = make_user(Role.RESIDENT, name="Olu Author")
    idea = gen_idea(author, title="A homework club")
    AuthActions(client).login(resident)
    client.post(f"/ideas/{idea.id}/support")
    again = client.post(f"/ideas/{idea.id}/support", follow_redirects=True)
    assert "You already support this idea." in again.get_data(as_text=True)
    client.post(f"/ideas/{idea.id}/comments", data={"body": "Yes!", "shared": "everyone"})
    client.post(f"/ideas/{idea.id}/withdraw")
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "0 people support this idea." in page and "Yes!" in page
    assert _actions() == [
        "idea.created",
        "idea.supported",
        "idea.commented",
        "idea.support_withdrawn",
    ]
    events = db.session.execute(db.select(AuditEvent).where(AuditEvent.actor_id == resident.id))
    assert {e.actor_id for e in events.scalars()} == {resident.id}


def test_a_private_reason_is_read_by_its_author_and_staff_only(
    client: FlaskClient, resident: User, staff: User, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.RESIDENT, name="Nell Neighbour")
    idea = gen_idea(resident, why="We used the food bank last winter.", why_private=True)
    gen_idea_comment(idea, resident, body="A note for staff about my family.", private=True)
    for person, reads in ((resident, True), (staff, True), (other, False)):
        client = client.application.test_client()
        AuthActions(client).login(person)
        page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
        assert ("We used the food bank last winter." in page) is reads
        assert ("A note for staff about my family." in page) is reads
        assert (page.count("A note shared with staff only.") == 2) is not reads


def test_staff_answer_with_a_status_everyone_sees_and_not_now_needs_a_reason(
    client: FlaskClient, resident: User, staff: User
) -> None:
    idea = gen_idea(resident, title="A minibus")
    AuthActions(client).login(staff)
    url = f"/ideas/{idea.id}/answer"
    missing = client.post(url, data={"status": "not_now", "reason": ""})
    assert missing.status_code == 400
    assert "Enter why not now" in missing.get_data(as_text=True)
    taken = client.post(url, data={"status": "taken", "reason": ""})
    assert taken.status_code == 400  # "taken" comes only from choosing the idea for a round
    assert (
        client.post(url, data={"status": "not_now", "reason": "It costs too much."}).status_code
        == 302
    )
    db.session.refresh(idea)
    assert (idea.status, idea.status_reason, idea.answered_by_id) == (
        "not_now",
        "It costs too much.",
        staff.id,
    )
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "idea.status_changed")
    ).scalar_one()
    assert event.before == {"status": "new", "reason": None}
    assert event.after == {"status": "not_now", "reason": "It costs too much."}
    AuthActions(client).logout()
    AuthActions(client).login(resident)
    page = client.get(f"/ideas/{idea.id}").get_data(as_text=True)
    assert "Not now" in page and "It costs too much." in page
    assert client.get(url).status_code == 404  # residents cannot answer


def test_choosing_ideas_for_a_round_takes_them_in_and_taking_out_gives_them_back(
    resident: User, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    first, second = gen_idea(resident, title="First"), gen_idea(resident, title="Second")
    spring, autumn = make_round(), make_round()
    services.set_round_ideas(round_=spring, idea_ids=[first.id, second.id], actor=staff)
    services.set_round_ideas(round_=autumn, idea_ids=[first.id], actor=staff)
    db.session.commit()
    assert [i.title for i in ideas_for_round(spring.id)] == ["First", "Second"]
    assert (first.status, second.status) == (IdeaStatus.TAKEN, IdeaStatus.TAKEN)
    # Out of spring: the first is still taken into autumn; the second is considered again.
    assert services.set_round_ideas(round_=spring, idea_ids=[], actor=staff)
    db.session.commit()
    assert (first.status, second.status) == (IdeaStatus.TAKEN, IdeaStatus.CONSIDERING)
    assert ideas_for_round(spring.id) == []
    assert not services.set_round_ideas(round_=autumn, idea_ids=[first.id], actor=staff)
    # Chosen again: the kept link comes back.
    services.set_round_ideas(round_=spring, idea_ids=[second.id], actor=staff)
    db.session.commit()
    assert [i.title for i in ideas_for_round(spring.id)] == ["Second"]
    try:
        services.answer(idea=first, status="considering", reason="", actor=staff)
    except services.IdeaError as exc:
        assert "This idea is taken into Round 2" in str(exc)
    else:
        raise AssertionError("a taken idea was answered differently")


def test_ideas_for_round_never_gives_a_private_reason(
    resident: User, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    shared = gen_idea(resident, title="Shared", why="Everyone may read this.")
    kept = gen_idea(resident, title="Kept", why="Only staff may read this.", why_private=True)
    round_ = make_round()
    services.set_round_ideas(round_=round_, idea_ids=[shared.id, kept.id], actor=staff)
    db.session.commit()
    assert [(i.title, i.why, i.status_label) for i in ideas_for_round(round_.id)] == [
        ("Shared", "Everyone may read this.", "Taken into a round"),
        ("Kept", "", "Taken into a round"),
    ]


def test_the_board_lists_ideas_by_their_answer(
    client: FlaskClient, resident: User, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    ideas = {name: gen_idea(resident, title=name) for name in ("Waiting", "Maybe", "No", "Yes")}
    services.answer(idea=ideas["Maybe"], status="considering", reason="", actor=staff)
    services.answer(idea=ideas["No"], status="not_now", reason="Not this year.", actor=staff)
    services.set_round_ideas(round_=make_round(), idea_ids=[ideas["Yes"].id], actor=staff)
    db.session.commit()
    AuthActions(client).login(resident)
    page = client.get("/ideas").get_data(as_text=True)
    headings = ["Waiting for an answer (1)", "Under consideration (1)"]
    headings += ["Taken into a round (1)", "Not now (1)"]
    positions = [page.index(h) for h in headings]
    assert positions == sorted(positions)
