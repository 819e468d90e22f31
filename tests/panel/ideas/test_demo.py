"""The demo shows the whole flow of issue #17: ideas in every status (one taken into autumn-demo),
a welcome page, a request to join in, and private notes."""

from typing import Any

from flask import Flask

from panel.codesign import services as codesign
from panel.extensions import db
from panel.fund import services as fund
from panel.ideas.queries import ideas_for_round
from panel.models import (
    CriterionComment,
    FundingRound,
    Idea,
    IdeaComment,
    IdeaStatus,
    JoinRequest,
    User,
)
from panel.welcome import conduct
from tests.conftest import AuthActions


def _round(slug: str) -> FundingRound:
    return db.session.execute(db.select(FundingRound).where(FundingRound.slug == slug)).scalar_one()


def _person(email: str) -> User:
    return db.session.execute(db.select(User).where(User.email == email)).scalar_one()


def test_the_demo_has_ideas_in_every_status_a_welcome_a_join_request_and_private_notes(
    app: Flask, runner: Any
) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    statuses = {i.status for i in db.session.execute(db.select(Idea)).scalars()}
    assert statuses == set(IdeaStatus)
    assert [i.title for i in ideas_for_round(_round("autumn-demo").id)] == [
        "Help with food costs for families"
    ]
    spring = _round("spring-demo")
    record = codesign.agreement_record(codesign.current_rubric(spring))
    seeded = [(e.item.title, e.idea.title) for e in record if e.idea is not None]
    assert seeded == [("Brings neighbours together", "More chances for neighbours to meet")]
    text = fund.welcome()
    assert text.contact_phone == "0113 496 0000" and "Community Fund" in text.welcome_role
    request = db.session.execute(db.select(JoinRequest)).scalar_one()
    assert (request.name, request.status) == ("Grace Adeyemi", "new")
    assert db.session.execute(db.select(Idea).where(Idea.why_private.is_(True))).first()
    assert db.session.execute(db.select(IdeaComment).where(IdeaComment.private.is_(True))).first()
    assert db.session.execute(
        db.select(CriterionComment).where(CriterionComment.private.is_(True))
    ).first()
    beth, maureen = _person("beth.morgan@demo.example"), _person("maureen.walsh@demo.example")
    assert conduct.must_agree(beth) and not conduct.must_agree(maureen)


def test_a_demo_resident_reads_the_board_without_anyone_elses_private_notes(
    app: Flask, runner: Any
) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    client = app.test_client()
    AuthActions(client).login("beth.morgan@demo.example", "panel-demo-2026")
    food = db.session.execute(
        db.select(Idea).where(Idea.title == "Help with food costs for families")
    ).scalar_one()
    page = client.get(f"/ideas/{food.id}").get_data(as_text=True)
    assert "Taken into" in page and "Autumn 2026 Community Fund" in page
    assert "food bank" not in page and "same position" not in page
    assert page.count("A note shared with staff only.") == 2
    board = client.get("/ideas").get_data(as_text=True)
    for heading in (
        "Waiting for an answer",
        "Under consideration",
        "Taken into a round",
        "Not now",
    ):
        assert heading in board
