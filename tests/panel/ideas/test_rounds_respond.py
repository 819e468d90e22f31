"""Staff choose the ideas a round responds to; the round page, the co-design board, the public
application form and the record of how the criteria were agreed show them."""

import re
from collections.abc import Callable
from datetime import timedelta

from flask.testing import FlaskClient

from panel.codesign import services as codesign
from panel.extensions import db
from panel.ideas import services
from panel.models import AuditEvent, FundingRound, Idea, Stage, User
from panel.models.types import uk_today
from tests.conftest import AuthActions
from tests.factories import gen_idea

ROUND = {
    "name": "Winter fund",
    "fund_name": "Community Fund",
    "budget": "£9,000",
    "min_award": "£250",
    "max_award": "£2,000",
    "scale": "0-5",
    "quorum": "3",
}


def test_staff_choose_the_ideas_when_they_set_up_and_change_a_round(
    client: FlaskClient, staff: User, resident: User
) -> None:
    warm, club = gen_idea(resident, title="Warm spaces"), gen_idea(resident, title="Homework club")
    AuthActions(client).login(staff)
    form = client.get("/rounds/new").get_data(as_text=True)
    assert "Which ideas does this round respond to?" in form
    assert "Warm spaces (waiting for an answer)" in form
    created = client.post("/rounds/new", data={**ROUND, "ideas": [str(warm.id)]})
    round_ = db.session.execute(db.select(FundingRound)).scalar_one()
    assert created.status_code == 302
    db.session.refresh(warm)
    assert warm.status == "taken"
    detail = client.get(f"/rounds/{round_.id}").get_data(as_text=True)
    assert "Ideas this round responds to" in detail and "Warm spaces" in detail
    # Editing: the form starts with the choice made, and a new choice replaces it.
    edit = client.get(f"/rounds/{round_.id}/edit").get_data(as_text=True)
    assert re.search(rf'<input checked [^>]*value="{warm.id}"', edit)
    assert not re.search(rf'<input checked [^>]*value="{club.id}"', edit)
    client.post(f"/rounds/{round_.id}/edit", data={**ROUND, "ideas": [str(club.id)]})
    db.session.refresh(warm)
    db.session.refresh(club)
    assert (warm.status, club.status) == ("considering", "taken")
    chosen = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "round.ideas_chosen")
    ).scalars()
    assert [(e.before, e.after) for e in chosen] == [
        ({"ideas": []}, {"ideas": [warm.id]}),
        ({"ideas": [warm.id]}, {"ideas": [club.id]}),
    ]


def test_the_public_form_and_the_board_name_the_ideas_and_a_proposal_starts_from_one(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    idea = gen_idea(resident, title="Warm spaces", where="Northfield")
    today = uk_today()
    applying = make_round(
        slug="open-now",
        stage=Stage.APPLICATIONS,
        applications_open_on=today - timedelta(days=1),
        applications_close_on=today + timedelta(days=9),
    )
    codesigning = make_round(members=(resident,))
    for round_ in (applying, codesigning):
        services.set_round_ideas(round_=round_, idea_ids=[idea.id], actor=staff)
    db.session.commit()
    public = client.get("/apply/open-now").get_data(as_text=True)
    assert "This round responds to ideas from local residents" in public
    assert "Warm spaces (Northfield)" in public
    AuthActions(client).login(resident)
    board = client.get(f"/rounds/{codesigning.id}/criteria").get_data(as_text=True)
    assert "Ideas this round responds to" in board
    start = f"/rounds/{codesigning.id}/criteria/new?idea={idea.id}"
    assert start.replace("&", "&amp;") in board or start in board
    page = client.get(start).get_data(as_text=True)
    assert "From the idea" in page and 'value="Warm spaces"' in page
    sent = client.post(
        f"/rounds/{codesigning.id}/criteria/new",
        data={"title": "Keeps people warm", "why": "Bills doubled.", "idea_id": str(idea.id)},
    )
    assert sent.status_code == 302
    criterion = codesign.criteria_of(codesigning)[0]
    shown = client.get(sent.location).get_data(as_text=True)
    assert "Where it came from" in shown and "Warm spaces" in shown
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "criterion.proposed")
    ).scalar_one()
    assert event.after is not None and event.after["idea_id"] == idea.id
    assert criterion.title == "Keeps people warm"
    # An idea this round does not respond to cannot seed a proposal.
    stranger = gen_idea(resident, title="Not for this round")
    assert (
        client.get(f"/rounds/{codesigning.id}/criteria/new?idea={stranger.id}").status_code == 404
    )
    assert db.session.get(Idea, stranger.id) is not None
