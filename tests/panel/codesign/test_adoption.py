"""Staff or the chair adopt the criteria as a frozen, versioned rubric; a review locks it."""

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient

from panel.codesign import services
from panel.extensions import db
from panel.models import (
    AuditEvent,
    Criterion,
    FundingRound,
    PanelRole,
    RoundMember,
    Rubric,
    RubricCriterion,
    Stage,
    User,
)
from panel.rounds.services import StageRefused, advance_stage, stage_problems
from tests.conftest import AuthActions
from tests.factories import (
    gen_application,
    gen_criterion,
    gen_review,
    gen_rubric,
    gen_rubric_criterion,
)


@pytest.fixture
def agreed(
    app: object,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> tuple[FundingRound, list[Criterion], list[User]]:
    """A round with two shortlisted scored criteria, one fixed eligibility check and shares
    proposing 67 / 33."""
    people = [make_user() for _ in range(3)]
    round_ = make_round(members=tuple(people))
    a = gen_criterion(round_, people[0], "Brings neighbours together", shortlisted=True)
    b = gen_criterion(round_, people[1], "Value for money", shortlisted=True)
    e = gen_criterion(round_, staff, "Works inside our neighbourhoods", "eligibility")
    services.fix(criterion=e, reason="the fund can only pay for work here", actor=staff)
    for person, shares in zip(people, ([70, 30], [60, 40], [70, 30]), strict=True):
        services.share_weights(
            round_=round_, shares={a.id: shares[0], b.id: shares[1]}, actor=person
        )
    db.session.commit()
    return round_, [a, b, e], people


def _form(criteria: list[Criterion], version: str = "0", **overrides: str) -> dict[str, str]:
    """What the adopt page posts, made while `version` was in force ("0": none yet)."""
    a, b, e = criteria
    data = {
        "version": version,
        f"include_{a.id}": "y",
        f"position_{a.id}": "1",
        f"weight_{a.id}": "67",
        f"include_{b.id}": "y",
        f"position_{b.id}": "2",
        f"weight_{b.id}": "33",
        f"include_{e.id}": "y",
        f"position_{e.id}": "3",
    }
    data.update(overrides)
    return data


def test_staff_adopt_version_1_with_frozen_copies_and_the_proposed_weights(
    client: FlaskClient, staff: User, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, _ = agreed
    a, b, e = criteria
    AuthActions(client).login(staff)
    page = client.get(f"/rounds/{round_.id}/criteria/adopt").get_data(as_text=True)
    assert f'name="weight_{a.id}" type="text" value="67"' in page
    assert "Proposed from members&#39; shares: 67" in page
    response = client.post(
        f"/rounds/{round_.id}/criteria/adopt",
        data=_form(criteria, **{f"position_{e.id}": "0"} | {f"position_{e.id}": "3"}),
    )
    assert response.status_code == 302
    rubric = db.session.execute(db.select(Rubric)).scalar_one()
    assert rubric.version == 1 and rubric.adopted_by_id == staff.id
    items = [
        (i.title, i.kind, i.weight, i.proposed_weight, i.weight_reason) for i in rubric.criteria
    ]
    assert items == [
        ("Brings neighbours together", "scored", 67, 67, None),
        ("Value for money", "scored", 33, 33, None),
        ("Works inside our neighbourhoods", "eligibility", 0, None, None),
    ]
    first = rubric.criteria[0]
    assert first.descriptors == a.descriptors and first.criterion_id == a.id
    assert first.shares == {
        "members": 3,
        "lowest": 60,
        "median": "70",
        "highest": 70,
        "mean": "66.67",
    }
    assert rubric.criteria[2].fixed_reason == "the fund can only pay for work here"
    # Frozen: later edits to the proposal do not change the adopted copy.
    a.title = "Changed afterwards"
    db.session.commit()
    db.session.refresh(first)
    assert first.title == "Brings neighbours together"
    event = db.session.execute(
        db.select(AuditEvent).where(AuditEvent.action == "rubric.adopted")
    ).scalar_one()
    assert event.after is not None and event.after["version"] == 1
    assert [c["weight"] for c in event.after["criteria"]] == [67, 33, 0]


def test_the_order_follows_the_places_given(
    client: FlaskClient, staff: User, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, _ = agreed
    a, b, e = criteria
    AuthActions(client).login(staff)
    data = _form(criteria, **{f"position_{a.id}": "3", f"position_{e.id}": "1"})
    client.post(f"/rounds/{round_.id}/criteria/adopt", data=data)
    rubric = db.session.execute(db.select(Rubric)).scalar_one()
    assert [(i.position, i.title) for i in rubric.criteria] == [
        (1, "Works inside our neighbourhoods"),
        (2, "Value for money"),
        (3, "Brings neighbours together"),
    ]


def test_a_changed_weight_needs_a_reason_and_keeps_it(
    client: FlaskClient, staff: User, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, _ = agreed
    a, b, _e = criteria
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/criteria/adopt"
    changed = _form(criteria, **{f"weight_{a.id}": "60", f"weight_{b.id}": "40"})
    response = client.post(url, data=changed)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Say why you changed the weight of Brings neighbours together from 67" in page
    assert "Say why you changed the weight of Value for money from 33" in page
    assert f'id="reason_{a.id}-error"' in page
    assert db.session.execute(db.select(Rubric)).first() is None
    changed[f"reason_{a.id}"] = "The panel agreed value for money matters more this year."
    changed[f"reason_{b.id}"] = "See above."
    assert client.post(url, data=changed).status_code == 302
    items = db.session.execute(
        db.select(
            RubricCriterion.title,
            RubricCriterion.weight,
            RubricCriterion.proposed_weight,
            RubricCriterion.weight_reason,
        ).order_by(RubricCriterion.position)
    ).all()
    assert items[0] == (
        "Brings neighbours together",
        60,
        67,
        "The panel agreed value for money matters more this year.",
    )


def test_weights_must_add_up_to_100_and_cannot_all_be_zero(
    client: FlaskClient, staff: User, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, _ = agreed
    a, b, _e = criteria
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/criteria/adopt"
    reasons = {f"reason_{a.id}": "Because", f"reason_{b.id}": "Because"}
    short = client.post(url, data=_form(criteria, **{f"weight_{a.id}": "57"}, **reasons))
    assert "The weights add up to 90. They must add up to 100" in short.get_data(as_text=True)
    zeros = client.post(
        url, data=_form(criteria, **{f"weight_{a.id}": "0", f"weight_{b.id}": "0"}, **reasons)
    )
    assert "The weights cannot all be 0" in zeros.get_data(as_text=True)
    negative = client.post(
        url, data=_form(criteria, **{f"weight_{a.id}": "110", f"weight_{b.id}": "-10"}, **reasons)
    )
    page = negative.get_data(as_text=True)
    assert "The weight of Value for money cannot be negative" in page
    assert "The weight of Brings neighbours together cannot be more than 100" in page
    # Each by its own box (criteria.weights.weight_problems names the weight at fault).
    assert f'id="weight_{a.id}-error"' in page and f'id="weight_{b.id}-error"' in page
    only_eligibility = {k: v for k, v in _form(criteria).items() if not k.startswith("include_")}
    only_eligibility[f"include_{criteria[2].id}"] = "y"
    page = client.post(url, data=only_eligibility).get_data(as_text=True)
    assert "Choose at least one scored criterion" in page
    assert db.session.execute(db.select(Rubric)).first() is None


def test_leaving_a_criterion_out_ignores_its_boxes(
    client: FlaskClient, staff: User, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, _ = agreed
    a, b, _e = criteria
    AuthActions(client).login(staff)
    data = _form(
        criteria,
        **{f"weight_{a.id}": "100", f"reason_{a.id}": "Only one left", f"weight_{b.id}": "abc"},
    )
    del data[f"include_{b.id}"]
    assert client.post(f"/rounds/{round_.id}/criteria/adopt", data=data).status_code == 302
    rubric = db.session.execute(db.select(Rubric)).scalar_one()
    assert [i.title for i in rubric.criteria] == [
        "Brings neighbours together",
        "Works inside our neighbourhoods",
    ]


def test_re_adoption_before_scoring_makes_version_2_and_a_submitted_review_locks_it(
    client: FlaskClient, staff: User, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, people = agreed
    AuthActions(client).login(staff)
    url = f"/rounds/{round_.id}/criteria/adopt"
    client.post(url, data=_form(criteria))
    round_.stage = Stage.SCORING
    db.session.commit()
    stale = client.post(url, data=_form(criteria, version="0"))  # made before version 1
    assert stale.status_code == 409
    assert "Someone else adopted version 1 of the criteria" in stale.get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in stale.get_data(as_text=True)
    assert client.post(url, data=_form(criteria, version="1")).status_code == 302
    versions = (
        db.session.execute(db.select(Rubric.version).order_by(Rubric.version)).scalars().all()
    )
    assert versions == [1, 2]
    rubric = services.current_rubric(round_)
    assert rubric is not None and rubric.version == 2
    application = gen_application(round_, status="received")
    gen_review(application, people[0], rubric=rubric)
    assert services.rubric_locked(round_)
    response = client.post(url, data=_form(criteria, version="2"))
    page = response.get_data(as_text=True)
    assert (
        "A panellist has submitted a review, so the adopted criteria can no longer change" in page
    )
    assert 'name="weight_' not in page
    assert db.session.execute(db.select(db.func.count(Rubric.id))).scalar() == 2
    with pytest.raises(services.Closed):
        services.adopt(round_=round_, choices=[], note="", actor=staff, expected_version=2)


def test_adopting_from_a_stale_version_is_refused_by_the_service_and_replaces_nothing(
    staff: User, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, _ = agreed
    a, b, _e = criteria
    choices = [
        services.Choice(criterion=a, position=1, weight=67),
        services.Choice(criterion=b, position=2, weight=33),
    ]
    first = services.adopt(round_=round_, choices=choices, note="", actor=staff, expected_version=0)
    db.session.commit()
    for stale in (0, 2):
        with pytest.raises(services.StaleAdoption) as refused:
            services.adopt(
                round_=round_, choices=choices, note="", actor=staff, expected_version=stale
            )
        assert refused.value.in_force is first
        assert "Someone else adopted version 1 of the criteria" in str(refused.value)
    db.session.rollback()
    assert db.session.execute(db.select(Rubric.version)).scalars().all() == [1]
    again = services.adopt(round_=round_, choices=choices, note="", actor=staff, expected_version=1)
    assert again.version == 2


@pytest.mark.parametrize("version", [None, "", " ", "one", "-1", "1.0", "\u00b2"])
def test_a_form_without_the_version_it_was_made_from_is_a_bad_request(
    client: FlaskClient,
    staff: User,
    agreed: tuple[FundingRound, list[Criterion], list[User]],
    version: str | None,
) -> None:
    round_, criteria, _ = agreed
    AuthActions(client).login(staff)
    data = _form(criteria)
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = client.post(f"/rounds/{round_.id}/criteria/adopt", data=data)
    assert response.status_code == 400
    assert "There is a problem with that request" in response.get_data(as_text=True)
    assert db.session.execute(db.select(Rubric)).first() is None
    assert (
        client.post(f"/rounds/{round_.id}/criteria/adopt", data=_form(criteria)).status_code == 302
    )


def test_the_chair_may_adopt_and_other_panellists_may_not(
    client: FlaskClient, agreed: tuple[FundingRound, list[Criterion], list[User]]
) -> None:
    round_, criteria, people = agreed
    chair_row = db.session.execute(
        db.select(RoundMember).where(RoundMember.user_id == people[0].id)
    ).scalar_one()
    chair_row.role = PanelRole.CHAIR
    db.session.commit()
    url = f"/rounds/{round_.id}/criteria/adopt"
    AuthActions(client).login(people[1])
    page = client.get(url).get_data(as_text=True)
    assert "Staff or the panel's chair adopt the criteria" in page and 'name="weight_' not in page
    refused = client.post(url, data=_form(criteria))
    assert refused.status_code == 403
    assert db.session.execute(db.select(Rubric)).first() is None
    AuthActions(client).logout()
    AuthActions(client).login(people[0])
    assert client.post(url, data=_form(criteria)).status_code == 302
    rubric = db.session.execute(db.select(Rubric)).scalar_one()
    assert rubric.adopted_by_id == people[0].id


def test_eligibility_and_scoring_need_adopted_criteria_with_a_weight(
    app: object,
    staff: User,
    make_user: Callable[..., User],
    make_round: Callable[..., FundingRound],
) -> None:
    round_ = make_round(members=tuple(make_user() for _ in range(3)), stage=Stage.APPLICATIONS)
    with pytest.raises(StageRefused, match="Adopt the criteria before the eligibility check"):
        advance_stage(round_=round_, actor=staff, expected=Stage.APPLICATIONS)
    assert round_.stage == Stage.APPLICATIONS
    assert "Adopt the criteria before scoring opens." in stage_problems(round_, Stage.SCORING)
    rubric = gen_rubric(round_, staff, scored=(), eligibility=("Local",))
    assert not any("criteria" in p for p in stage_problems(round_, Stage.ELIGIBILITY))
    problems = stage_problems(round_, Stage.SCORING)
    assert any("at least one scored criterion with a weight above 0" in p for p in problems)
    gen_rubric_criterion(rubric, title="Value", weight=100)
    db.session.expire_all()
    assert not any("criteria" in p for p in stage_problems(round_, Stage.SCORING))
