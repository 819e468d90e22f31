"""docs/security.md items 49 to 52: private notes, hidden comments, "Join in", people's records.

The walk of item 49 goes over `app.url_map` like the access tests (tests/panel/test_access.py),
so a page added later that shows criteria, ideas or comments is walked too.
"""

import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from panel.codesign import services as codesign
from panel.extensions import db
from panel.ideas import services as ideas
from panel.ideas.queries import ideas_for_round
from panel.models import AuditEvent, FundingRound, JoinRequest, Role, User
from panel.notes import hide
from panel.results import exports as ex
from panel.welcome import people
from tests.factories import gen_idea, gen_idea_comment, gen_member
from tests.pages import without_tokens
from tests.panel.results.export_reading import export_bytes
from tests.panel.test_access import all_routes, world  # noqa: F401 - the shared fixture
from tests.security.helpers import csrf_token, sign_in
from tests.worlds import gen_worked_panel

WHY_CRITERION = "Zq7 my son was excluded from school"
WHY_CRITERION_V2 = "Zq8 my son was excluded twice"
COMMENT_CRITERION = "Zq9 I was homeless in 2019"
HIDDEN = "Zq5 the treasurer stole money"
WHY_IDEA = "Zq6 we used the food bank"
COMMENT_IDEA = "Zq4 my neighbour hits his kids"
MARKERS = [WHY_CRITERION, WHY_CRITERION_V2, COMMENT_CRITERION, HIDDEN, WHY_IDEA, COMMENT_IDEA]


def _private_notes(world: dict[str, Any], author: User) -> dict[str, Any]:  # noqa: F811
    """Every kind of private note, by `author` (a member of the world's round), in that round:
    a private reason on a criterion (edited once, so its versions differ), a private and a hidden
    comment on a criterion, a private idea the round responds to, and a private idea comment.
    The criterion is then adopted, so the record, scoring and rubric pages show it."""
    round_, staff = world["round"], world["staff"]
    idea = gen_idea(author, title="Quiet study space", why=WHY_IDEA, why_private=True)
    ideas.set_round_ideas(round_=round_, idea_ids=[idea.id], actor=staff)
    gen_idea_comment(idea, author, body=COMMENT_IDEA, private=True)
    wording = codesign.Wording(
        title="Safe for children",
        description="Children are safe at the project.",
        why=WHY_CRITERION,
        kind="scored",
        descriptors={str(n): f"Safe at level {n}" for n in range(11)},
        why_private=True,
    )
    criterion = codesign.propose(round_=round_, wording=wording, actor=author, idea=idea)
    codesign.edit(
        criterion=criterion,
        wording=codesign.Wording(**{**wording.__dict__, "why": WHY_CRITERION_V2}),
        expected_version=1,
        actor=author,
    )
    codesign.add_comment(criterion=criterion, body=COMMENT_CRITERION, private=True, actor=author)
    shown = codesign.add_comment(criterion=criterion, body=HIDDEN, actor=author)
    db.session.flush()
    hide(comment=shown, reason="It named someone", actor=staff, round_id=round_.id)
    rubric = codesign.current_rubric(round_)
    codesign.adopt(
        round_=round_,
        choices=[codesign.Choice(criterion=criterion, position=1, weight=100, reason="Agreed")],
        note="",
        actor=staff,
        expected_version=rubric.version if rubric else 0,
    )
    db.session.commit()
    return {"criterion": criterion, "idea": idea}


@pytest.mark.parametrize("who", ["panellist", "other_panellist", "outsider", "anonymous"])
def test_item_49_no_page_shows_a_private_note_to_anyone_but_its_author_and_staff(
    app: Flask,
    world: dict[str, Any],  # noqa: F811
    make_user: Callable[..., User],
    who: str,
) -> None:
    """Item 49: walk every GET route of the app as the round's own panellist, another round's,
    a resident on no panel and an anonymous visitor: no private reason, private comment or
    hidden comment is in any answer, though each page that lists them says a note exists."""
    routes = all_routes(app, world)  # every area's objects first
    author = make_user(Role.RESIDENT, name="Asha Author")
    gen_member(world["round"], author)
    made = _private_notes(world, author)
    # And every route again with the private criterion and idea in its URL.
    world["url_arguments"] = {
        **world["url_arguments"],
        "criterion_id": made["criterion"].id,
        "idea_id": made["idea"].id,
    }
    routes += all_routes(app, world)
    client = app.test_client()
    if who != "anonymous":
        assert sign_in(client, world[who]).status_code == 302
    seen = 0
    for endpoint, method, url in routes:
        if method != "GET":
            continue
        body = client.get(url).get_data()
        leaked = [m for m in MARKERS if m.encode() in body]
        assert leaked == [], (who, endpoint, url, leaked)
        seen += 1
    assert seen > 120
    if who == "panellist":  # the member sees that the notes exist
        criterion_page = client.get(
            f"/rounds/{world['round'].id}/criteria/{made['criterion'].id}"
        ).get_data(as_text=True)
        assert "Safe for children" in criterion_page
        assert criterion_page.count("A note shared with staff only.") == 2  # reason, comment
        assert "This comment was hidden by staff." in criterion_page
        assert "Changed: a note shared with staff only" in criterion_page
        assert "Asha Author" in criterion_page  # as the proposer, not as a note's author
        idea_page = client.get(f"/ideas/{made['idea'].id}").get_data(as_text=True)
        assert idea_page.count("A note shared with staff only.") == 2


def test_item_49_the_author_and_staff_read_the_notes_that_others_cannot(
    app: Flask,
    world: dict[str, Any],  # noqa: F811
    make_user: Callable[..., User],
) -> None:
    """Item 49: the control: the same pages show the author and staff every note's words."""
    author = make_user(Role.RESIDENT, name="Asha Author")
    gen_member(world["round"], author)
    made = _private_notes(world, author)
    criterion_url = f"/rounds/{world['round'].id}/criteria/{made['criterion'].id}"
    for person, sees_hidden in ((author, False), (world["staff"], True)):
        client = app.test_client()
        sign_in(client, person)
        page = client.get(criterion_url).get_data(as_text=True)
        assert WHY_CRITERION_V2 in page and COMMENT_CRITERION in page
        assert "It named someone" in page  # the reason the author and staff see
        assert (HIDDEN in page) is False  # not even staff: the audit log keeps it
        idea_page = client.get(f"/ideas/{made['idea'].id}").get_data(as_text=True)
        assert WHY_IDEA in idea_page and COMMENT_IDEA in idea_page
        assert sees_hidden == ("Hidden by staff on" in page)


def test_item_49_exports_the_rubric_and_you_said_we_did_never_carry_a_private_note(
    app: Flask,
    world: dict[str, Any],  # noqa: F811
    make_user: Callable[..., User],
) -> None:
    """Item 49: every export format of a decided round whose criterion, comments and idea are
    private has none of their words; the adopted rubric keeps no private reason; and
    `ideas_for_round`, which "You said, we did" reads, gives no private reason."""
    author = make_user(Role.RESIDENT, name="Asha Author")
    gen_member(world["round"], author)
    made = _private_notes(world, author)
    rubric = codesign.current_rubric(world["round"])
    assert rubric is not None and [c.why for c in rubric.criteria if c.title == "Safe for children"]
    assert all(c.why == "" for c in rubric.criteria if c.title == "Safe for children")
    public = ideas_for_round(world["round"].id)
    assert [(i.title, i.why) for i in public] == [("Quiet study space", "")]
    assert not any(m in repr(public) for m in MARKERS)

    panel = gen_worked_panel()
    worked_round = db.session.get(FundingRound, panel.round_id)
    assert worked_round is not None
    proposal = codesign.criteria_of(worked_round)[0]
    proposal.why, proposal.why_private = WHY_CRITERION, True
    codesign.add_comment(criterion=proposal, body=COMMENT_CRITERION, private=True, actor=author)
    ideas.set_round_ideas(round_=worked_round, idea_ids=[made["idea"].id], actor=world["staff"])
    db.session.commit()
    for fmt in ex.FORMAT_LABELS:
        data = export_bytes(panel.round_id, fmt)
        texts = [data]
        if data[:2] == b"PK":
            with zipfile.ZipFile(io.BytesIO(data)) as package:
                texts += [package.read(name) for name in package.namelist()]
        leaked = [m for m in MARKERS if any(m.encode() in t for t in texts)]
        assert leaked == [], (fmt, leaked)


def test_item_50_a_hidden_comment_keeps_its_words_in_the_audit_log_only(
    client: FlaskClient, staff: User, make_user: Callable[..., User], make_round: Any
) -> None:
    """Item 50: a panellist reports a comment once (never their own); staff hide it with a
    reason through the page; the row loses its words, the audit log keeps them, and the author
    reads the reason."""
    author, reader = make_user(Role.RESIDENT, name="Al Author"), make_user(Role.RESIDENT)
    round_ = make_round(members=(author, reader))
    criterion = codesign.propose(
        round_=round_,
        wording=codesign.Wording(title="Kind", description="", why="Because.", kind="scored"),
        actor=author,
    )
    comment = codesign.add_comment(criterion=criterion, body=HIDDEN, actor=author)
    db.session.commit()
    base = f"/rounds/{round_.id}/criteria/{criterion.id}"
    sign_in(client, author)
    own = client.post(
        f"{base}/comments/{comment.id}/report", data={"csrf_token": csrf_token(client, base)}
    )
    assert own.status_code == 302
    assert "You cannot report your own comment" in client.get(base).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, reader)
    for _ in range(2):
        client.post(
            f"{base}/comments/{comment.id}/report", data={"csrf_token": csrf_token(client, base)}
        )
    reports = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "comment.reported")
    ).scalars()
    assert len(list(reports)) == 1
    assert "You reported this comment" in client.get(base).get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, staff)
    assert "Reported by 1 person" in client.get("/reported-comments").get_data(as_text=True)
    hide_url = f"{base}/comments/{comment.id}/hide"
    empty = client.post(hide_url, data={"csrf_token": csrf_token(client, hide_url), "reason": ""})
    assert empty.status_code == 400
    assert "Enter why the comment is hidden" in empty.get_data(as_text=True)
    done = client.post(
        hide_url,
        data={"csrf_token": csrf_token(client, hide_url), "reason": "It accused a named person"},
    )
    assert done.status_code == 302
    db.session.refresh(comment)
    assert comment.body == "" and comment.hidden_reason == "It accused a named person"
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "comment.hidden")
    ).scalar_one()
    assert event.before == {"body": HIDDEN, "private": False}
    assert HIDDEN not in client.get("/reported-comments").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, author)
    page = client.get(base).get_data(as_text=True)
    assert "Staff hid your comment. Their reason: It accused a named person" in page
    assert HIDDEN not in page


def test_item_51_join_in_is_rate_limited_and_logs_nothing_personal(
    client: FlaskClient, app: Flask
) -> None:
    """Item 51: the public form takes a request with its CSRF token; five an hour from one
    address, then 429 with nothing kept; the audit log and the app's log hold nothing the
    resident typed; a bot that fills the hidden field is thanked and nothing is kept."""
    typed = {
        "name": "Zara Joiner",
        "email": "zara.joiner@example.org",
        "phone": "07700 900 555",
        "preferred_contact": "text",
        "access_needs": "Zq3 I am deaf",
        "languages": "British Sign Language",
    }
    without = client.post("/join", data=typed)
    assert without.status_code == 400
    assert db.session.execute(db.select(JoinRequest)).first() is None
    for n in range(5):
        sent = client.post("/join", data={**typed, "csrf_token": csrf_token(client, "/join")})
        assert sent.status_code == 302 and sent.location == "/join/thanks", n
    refused = client.post("/join", data={**typed, "csrf_token": csrf_token(client, "/join")})
    assert refused.status_code == 429
    assert len(db.session.execute(db.select(JoinRequest)).scalars().all()) == 5
    events = db.session.execute(db.select(AuditEvent)).scalars().all()
    assert [e.action for e in events] == ["join.requested"] * 5
    logged = repr([(e.before, e.after) for e in events])
    assert not any(value in logged for value in typed.values())
    assert "We have your details" in client.get("/join/thanks").get_data(as_text=True)


def test_item_51_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(
    client: FlaskClient,
) -> None:
    """Item 51: the honeypot: the usual thanks, no request."""
    data = {"name": "Bot", "email": "bot@example.org", "preferred_contact": "email"}
    sent = client.post(
        "/join", data={**data, "website": "spam", "csrf_token": csrf_token(client, "/join")}
    )
    assert sent.status_code == 302 and sent.location == "/join/thanks"
    assert db.session.execute(db.select(JoinRequest)).first() is None


def test_item_52_a_persons_record_is_staff_only_and_erasure_logs_no_values(
    client: FlaskClient, staff: User, make_user: Callable[..., User]
) -> None:
    """Item 52: residents get 404 on a record's pages; staff save and erase it; the audit log
    names the parts, never their values; after erasure nothing is held."""
    person, other = make_user(Role.RESIDENT, name="Rae Record"), make_user(Role.RESIDENT)
    sign_in(client, other)
    assert client.get(f"/people/{person.id}/record").status_code == 404
    client.post("/logout", data={"csrf_token": csrf_token(client)})
    sign_in(client, staff)
    url = f"/people/{person.id}/record"
    saved = client.post(
        url,
        data={
            "csrf_token": csrf_token(client, url),
            "phone": "07700 900 888",
            "preferred_contact": "phone",
            "access_needs": "Zq2 wheelchair user",
            "languages": "Urdu",
        },
    )
    assert saved.status_code == 302
    assert "Zq2 wheelchair user" in client.get(f"/people/{person.id}").get_data(as_text=True)
    erased = client.post(f"{url}/erase", data={"csrf_token": csrf_token(client, url)})
    assert erased.status_code == 302
    assert people.details_of(person) is None
    assert "Zq2" not in without_tokens(client.get(f"/people/{person.id}").get_data(as_text=True))
    events = (
        db.session.execute(
            db.select(AuditEvent).where(AuditEvent.object_id == person.id).order_by(AuditEvent.id)
        )
        .scalars()
        .all()
    )
    assert [(e.action, e.after) for e in events] == [
        (
            "person.details_changed",
            {"changed": ["phone", "preferred_contact", "access_needs", "languages"]},
        ),
        (
            "person.details_erased",
            {"erased": ["phone", "preferred_contact", "access_needs", "languages"]},
        ),
    ]
