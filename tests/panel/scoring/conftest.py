"""Factories for the scoring tests: rubrics, applications and a round that is open for scoring."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from panel.extensions import db
from panel.models import (
    Application,
    ApplicationStatus,
    FundingRound,
    Role,
    Rubric,
    RubricCriterion,
    Stage,
    User,
)
from tests.conftest import AuthActions

DESCRIPTORS = {
    "0": "No evidence at all",
    "1": "Very little",
    "2": "Some, but unclear",
    "3": "Clear benefit to a few households",
    "4": "Clear benefit to many households",
    "5": "Outstanding, with evidence",
}
CRITERIA = [
    ("Community benefit", "How much will neighbours gain?", 3),
    ("Value for money", "Is the amount asked for sensible for what it does?", 2),
    ("Local involvement", "Are residents running or shaping it?", 2),
]


def create_rubric(
    round_: FundingRound,
    adopted_by: User,
    criteria: list[tuple[str, str, int]] | None = None,
    version: int = 1,
) -> Rubric:
    """An adopted rubric with scored criteria (title, description, weight) and one eligibility."""
    rubric = Rubric(round_id=round_.id, version=version, adopted_by_id=adopted_by.id)
    db.session.add(rubric)
    db.session.flush()
    position = 0
    for title, description, weight in criteria or CRITERIA:
        position += 1
        db.session.add(
            RubricCriterion(
                rubric_id=rubric.id,
                position=position,
                title=title,
                description=description,
                why=f"The panel chose {title.lower()} because it matters here.",
                kind="scored",
                weight=weight,
                descriptors=dict(DESCRIPTORS),
            )
        )
    db.session.add(
        RubricCriterion(
            rubric_id=rubric.id,
            position=position + 1,
            title="Based in our area",
            description="The group works in our neighbourhoods.",
            kind="eligibility",
            weight=0,
        )
    )
    db.session.commit()
    return rubric


def create_application(
    round_: FundingRound,
    number: int,
    status: str = ApplicationStatus.ELIGIBLE,
    **values: Any,
) -> Application:
    """A complete application, with contact details panellists must never see."""
    fields: dict[str, Any] = {
        "round_id": round_.id,
        "number": number,
        "reference": f"{round_.reference_prefix}-{round_.id:02d}{number:03d}",
        "organisation_name": f"Group {number}",
        "organisation_type": "community_group",
        "contact_name": f"Contact Person {number}",
        "contact_email": f"contact{number}@group.example",
        "contact_phone": f"07700 900{number:03d}",
        "postcode": "LS1 4AB",
        "project_title": f"Project {number}",
        "summary": f"What project {number} does for neighbours.",
        "spend_on": "Tea urn, chairs and a room booking.",
        "amount_requested_pence": 1_000_00 * number,
        "beneficiaries": 40 + number,
        "location": "Beeston",
        "status": status,
    }
    fields.update(values)
    application = Application(**fields)
    db.session.add(application)
    db.session.commit()
    return application


@dataclass
class ScoringWorld:
    round: FundingRound
    rubric: Rubric
    panellists: list[User]
    applications: list[Application]
    staff: User

    @property
    def criteria(self) -> list[RubricCriterion]:
        return self.rubric.scored


@pytest.fixture
def make_scoring_round(
    make_user: Callable[..., User], make_round: Callable[..., FundingRound], staff: User
) -> Callable[..., ScoringWorld]:
    def make(panellists: int = 3, applications: int = 3, **round_values: Any) -> ScoringWorld:
        people = [
            make_user(Role.RESIDENT, name=name)
            for name in ["Pat Panellist", "Olu Other", "Kim Third", "Lee Fourth", "Mo Fifth"][
                :panellists
            ]
        ]
        while len(people) < panellists:
            people.append(make_user(Role.RESIDENT))
        round_values.setdefault("stage", Stage.SCORING)
        round_ = make_round(members=tuple(people), **round_values)
        rubric = create_rubric(round_, staff)
        apps = [create_application(round_, n) for n in range(1, applications + 1)]
        return ScoringWorld(round_, rubric, people, apps, staff)

    return make


@pytest.fixture
def world(make_scoring_round: Callable[..., ScoringWorld]) -> ScoringWorld:
    """A round at Scoring: three panellists, three criteria, three eligible applications."""
    return make_scoring_round()


def score_data(
    world: ScoringWorld, values: list[Any], action: str = "submit", version: int = 0, **extra: Any
) -> dict[str, Any]:
    """Form data for the scoring page: one value per criterion (None leaves it out)."""
    data: dict[str, Any] = {"action": action, "version": str(version)}
    for criterion, value in zip(world.criteria, values, strict=True):
        if value is not None:
            data[f"score_{criterion.id}"] = str(value)
    data.update(extra)
    return data


def sign_in_as(client: Any, user: User) -> None:
    """Sign out whoever is signed in, then sign in as `user`."""
    actions = AuthActions(client)
    actions.logout()
    response = actions.login(user)
    assert response.status_code == 302, "sign-in failed"
