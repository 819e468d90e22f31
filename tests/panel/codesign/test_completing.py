"""A proposal posted with a title and a reason only is completed by anyone on the panel before it
can be shortlisted or adopted; a reason shared with staff only stays the proposer's."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from panel.codesign import services
from panel.extensions import db
from panel.models import CriterionVersion, FundingRound, Role, User
from tests.conftest import AuthActions

LIGHT = services.Wording(title="Warm spaces", description="", why="Bills doubled.", kind="scored")


def test_an_incomplete_criterion_cannot_be_shortlisted_until_someone_completes_it(
    client: FlaskClient,
    staff: User,
    resident: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    other = make_user(Role.RESIDENT, name="Joyce Okafor")
    round_ = make_round(members=(resident, other))
    criterion = services.propose(round_=round_, wording=LIGHT, actor=resident)
    db.session.commit()
    with pytest.raises(services.NotAllowed, match="still needs what it means, what a 0 looks"):
        services.set_shortlisted(criterion=criterion, shortlisted=True, actor=staff)
    db.session.rollback()
    base = f"/rounds/{round_.id}/criteria/{criterion.id}"
    AuthActions(client).login(staff)
    assert "Add to the shortlist" not in client.get(base).get_data(as_text=True)
    AuthActions(client).logout()
    # Another resident writes the rest, with the example set beside each box.
    AuthActions(client).login(other)
    form = client.get(f"{base}/edit").get_data(as_text=True)
    assert "Example for 2: " in form
    assert "A one-off event where a few neighbours could meet." in form
    assert "Still to write before it can be shortlisted" in form
    data = {
        "title": "Warm spaces",
        "description": "Somewhere warm and free to spend the day.",
        "why": "Bills doubled.",
        "why_shared": "everyone",
        "kind": "scored",
        "version": "1",
        **{f"level_{n}": f"Warmth level {n}" for n in range(6)},
    }
    assert client.post(f"{base}/edit", data=data).status_code == 302
    db.session.refresh(criterion)
    assert criterion.version == 2 and services.missing_parts(criterion, round_) == []
    version = db.session.execute(
        db.select(CriterionVersion).where(CriterionVersion.number == 2)
    ).scalar_one()
    assert version.edited_by_id == other.id
    services.set_shortlisted(criterion=criterion, shortlisted=True, actor=staff)
    db.session.commit()
    assert criterion.shortlisted


def test_adoption_refuses_a_criterion_still_being_written(
    staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = services.propose(round_=round_, wording=LIGHT, actor=resident)
    services.fix(criterion=criterion, reason="the board asked for it", actor=staff)
    with pytest.raises(services.Invalid) as refused:
        services.adopt(
            round_=round_,
            choices=[services.Choice(criterion=criterion, position=1, weight=100, reason="x")],
            note="",
            actor=staff,
            expected_version=0,
        )
    assert refused.value.problems[0] == (
        f"include_{criterion.id}",
        "“Warm spaces” still needs what it means, what a 0 looks like and 5 more. Anyone on "
        "the panel can write it.",
    )


def test_someone_else_completing_a_criterion_never_sees_or_changes_a_private_reason(
    client: FlaskClient,
    staff: User,
    resident: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    other = make_user(Role.RESIDENT, name="Joyce Okafor")
    round_ = make_round(members=(resident, other))
    criterion = services.propose(
        round_=round_,
        wording=services.Wording(
            title="Warm spaces",
            description="",
            why="I could not heat my flat.",
            kind="eligibility",
            why_private=True,
        ),
        actor=resident,
    )
    db.session.commit()
    base = f"/rounds/{round_.id}/criteria/{criterion.id}"
    AuthActions(client).login(other)
    form = client.get(f"{base}/edit").get_data(as_text=True)
    assert "I could not heat my flat." not in form
    assert 'name="why"' not in form and 'name="why_shared"' not in form
    assert "shared why it matters with staff only" in form
    client.post(
        f"{base}/edit",
        data={
            "title": "Warm spaces",
            "description": "Free and warm.",
            "why": "Overwritten?",
            "why_shared": "everyone",
            "kind": "eligibility",
            "version": "1",
        },
    )
    db.session.refresh(criterion)
    assert (criterion.description, criterion.why, criterion.why_private) == (
        "Free and warm.",
        "I could not heat my flat.",
        True,
    )
    AuthActions(client).logout()
    # The proposer may share it with everyone later; their earlier words stay hidden in history.
    AuthActions(client).login(resident)
    client.post(
        f"{base}/edit",
        data={
            "title": "Warm spaces",
            "description": "Free and warm.",
            "why": "Heating costs too much for many of us.",
            "why_shared": "everyone",
            "kind": "eligibility",
            "version": "2",
        },
    )
    AuthActions(client).logout()
    AuthActions(client).login(other)
    page = client.get(base).get_data(as_text=True)
    assert "Heating costs too much for many of us." in page
    assert "I could not heat my flat." not in page
    assert "Changed: a note shared with staff only" in page
