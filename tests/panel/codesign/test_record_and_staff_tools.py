"""Staff set boundaries, fix, shortlist and copy criteria; the record explains each one."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from panel.codesign import services
from panel.codesign.services import Choice
from panel.extensions import db
from panel.models import AuditEvent, Boundary, Criterion, FundingRound, Role, User
from tests.conftest import AuthActions
from tests.factories import gen_criterion


def test_staff_fix_a_criterion_with_a_reason_everyone_sees_and_can_unfix_it(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident, "Works inside our neighbourhoods", "eligibility")
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/criteria/{criterion.id}/fix"
    empty = client.post(url, data={"reason": "  "})
    assert empty.status_code == 400 and "Enter the reason" in empty.get_data(as_text=True)
    reason = "Fixed by staff: the fund can only pay for work inside our neighbourhoods"
    assert client.post(url, data={"reason": reason}).status_code == 302
    db.session.refresh(criterion)
    assert criterion.fixed and criterion.fixed_by_id == staff.id
    assert criterion.fixed_reason == "the fund can only pay for work inside our neighbourhoods"
    AuthActions(client).logout()
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/{criterion.id}").get_data(as_text=True)
    assert f"{reason}</p>" in page
    AuthActions(client).logout()
    AuthActions(client).login(staff)
    assert (
        client.post(url, data={"reason": "The board agreed to let the panel decide"}).status_code
        == 302
    )
    db.session.refresh(criterion)
    assert not criterion.fixed and criterion.fixed_reason is None
    events = db.session.execute(
        db.select(AuditEvent.action, AuditEvent.after)
        .where(AuditEvent.action.like("criterion.%fixed"))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["criterion.fixed", "criterion.unfixed"]
    assert events[1].after["reason"] == "The board agreed to let the panel decide"


def test_staff_shortlist_and_unshortlist_a_criterion(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    criterion = gen_criterion(round_, resident)
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/criteria/{criterion.id}/shortlist"
    client.post(url, data={"shortlist": "yes"})
    db.session.refresh(criterion)
    assert criterion.shortlisted
    page = client.get(f"/rounds/{round_.id}/criteria/{criterion.id}").get_data(as_text=True)
    assert "Take off the shortlist" in page
    client.post(url, data={"shortlist": "no"})
    db.session.refresh(criterion)
    assert not criterion.shortlisted


def test_staff_add_and_remove_boundaries_with_reasons(
    client: FlaskClient, staff: User, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/criteria/boundaries"
    bad = client.post(url, data={"title": "", "reason": ""})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400
    assert "Enter what is fixed" in page and "Enter why it is fixed, or who set it" in page
    client.post(
        url, data={"title": "Awards are between £250 and £5,000", "reason": "set by the board"}
    )
    boundary = db.session.execute(db.select(Boundary)).scalar_one()
    AuthActions(client).logout()
    AuthActions(client).login(resident)
    board = client.get(f"/rounds/{round_.id}/criteria").get_data(as_text=True)
    assert (
        "Awards are between £250 and £5,000" in board and "Set by staff: set by the board" in board
    )
    AuthActions(client).logout()
    AuthActions(client).login(staff)
    remove = f"{url}/{boundary.id}/remove"
    assert client.post(remove, data={"reason": ""}).status_code == 400
    assert client.post(remove, data={"reason": "The board lifted the limit"}).status_code == 302
    db.session.refresh(boundary)
    assert boundary.archived_at is not None
    assert client.get(remove).status_code == 404
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "boundary.removed")
    ).scalar_one()
    assert event.after == {"archived": True, "why_removed": "The board lifted the limit"}


def _adopted_round(
    staff: User, people: list[User], make_round: Callable[..., FundingRound], **values: object
) -> tuple[FundingRound, list[Criterion]]:
    round_ = make_round(members=tuple(people), **values)
    a = gen_criterion(round_, people[0], "Brings neighbours together", shortlisted=True)
    b = gen_criterion(round_, people[1], "Value for money", shortlisted=True)
    e = gen_criterion(round_, staff, "Works inside our neighbourhoods", "eligibility")
    services.fix(criterion=e, reason="the fund can only pay for work here", actor=staff)
    services.edit(
        criterion=a,
        wording=services.Wording(
            title=a.title,
            description="People who would not usually meet get to know each other.",
            why=a.why,
            kind="scored",
            descriptors=dict(a.descriptors),
        ),
        expected_version=1,
        actor=people[1],
    )
    for person in people:
        services.support(criterion=a, actor=person)
    services.support(criterion=b, actor=people[1])
    for person, shares in zip(people, ([70, 30], [50, 50], [60, 40]), strict=True):
        services.share_weights(
            round_=round_, shares={a.id: shares[0], b.id: shares[1]}, actor=person
        )
    services.adopt(
        round_=round_,
        choices=[
            Choice(criterion=a, position=1, weight=55, reason="The panel wanted a closer balance."),
            Choice(criterion=b, position=2, weight=45, reason="See the reason above."),
            Choice(criterion=e, position=3),
        ],
        note="Agreed at the March meeting.",
        actor=staff,
        expected_version=0,  # the first adoption of this round
    )
    db.session.commit()
    return round_, [a, b, e]


def test_the_record_explains_every_adopted_criterion(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    people = [
        make_user(Role.RESIDENT, name=name)
        for name in ("Maureen Walsh", "Delroy Campbell", "Joyce Okafor")
    ]
    round_, _ = _adopted_round(staff, people, make_round)
    AuthActions(client).login(people[2])
    page = client.get(f"/rounds/{round_.id}/criteria/record").get_data(as_text=True)
    assert "How these criteria were agreed" in page
    assert "Sam Staff on" in page and "Agreed at the March meeting." in page
    first, rest = page.split("2. Value for money", 1)
    assert "1. Brings neighbours together" in first
    assert "Maureen Walsh on" in first  # who proposed it
    assert "Version 2: changed by Delroy Campbell" in first
    assert "3 members: Delroy Campbell, Joyce Okafor, Maureen Walsh" in first
    # Mean of 70, 50, 60 is 60; the shares proposed 60 and staff adopted 55 with a reason.
    assert "From 3 members: lowest 50, median 60, highest 70; mean 60. Proposed weight 60." in first
    assert "55, changed from 60 by Sam Staff. Reason: The panel wanted a closer balance." in first
    assert "Fixed by staff: the fund can only pay for work here" in rest
    assert "3. Works inside our neighbourhoods" in rest


def test_the_record_says_when_nothing_is_adopted_yet(
    client: FlaskClient, resident: User, make_round: Callable[..., FundingRound]
) -> None:
    round_ = make_round(members=(resident,))
    AuthActions(client).login(resident)
    page = client.get(f"/rounds/{round_.id}/criteria/record").get_data(as_text=True)
    assert "The criteria have not been adopted yet." in page


def test_staff_start_from_a_previous_rounds_adopted_criteria(
    client: FlaskClient,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    people = [make_user() for _ in range(3)]
    old, (a, _b, _e) = _adopted_round(staff, people, make_round, name="Spring")
    new = make_round(name="Autumn", scale_min=1, scale_max=5)
    AuthActions(client).login(staff)
    url = f"/rounds/{new.id}/criteria/copy"
    page = client.get(url).get_data(as_text=True)
    assert "Spring" in page and f'value="{new.id}"' not in page
    assert client.post(url, data={"source": old.id, "what": "adopted"}).status_code == 302
    copies = (
        db.session.execute(
            db.select(Criterion).where(Criterion.round_id == new.id).order_by(Criterion.id)
        )
        .scalars()
        .all()
    )
    assert [c.title for c in copies] == [
        "Brings neighbours together",
        "Value for money",
        "Works inside our neighbourhoods",
    ]
    first = copies[0]
    assert first.copied_from_id == a.id and first.proposed_by_id == staff.id
    assert first.description == "People who would not usually meet get to know each other."
    # Only the levels of the new round's 1-5 scale are kept; nothing starts fixed or shortlisted.
    assert sorted(first.descriptors) == ["1", "2", "3", "4", "5"]
    assert not any(c.fixed or c.shortlisted for c in copies)
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "criteria.copied")
    ).scalar_one()
    assert event.after is not None and event.after["from_round_id"] == old.id
    assert event.after["criteria"] == [c.id for c in copies]


def test_copying_only_works_from_a_round_that_has_something_to_copy(
    app: object, staff: User, make_round: Callable[..., FundingRound]
) -> None:
    empty = make_round()
    new = make_round()
    assert services.rounds_to_copy_from(new) == []
    with pytest.raises(services.Invalid, match="has not adopted its criteria yet"):
        services.copy_criteria(round_=new, source=empty, what="adopted", actor=staff)
