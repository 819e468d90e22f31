"""A small round open for scoring, built from the scoring area's plain factories."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from panel.models import Application, FundingRound, Role, Rubric, RubricCriterion, Stage, User
from tests.panel.scoring.conftest import create_application, create_rubric


@dataclass
class World:
    round: FundingRound
    rubric: Rubric
    panellists: list[User]
    applications: list[Application]
    staff: User

    @property
    def criteria(self) -> list[RubricCriterion]:
        return self.rubric.scored


def make_world(
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
    staff: User,
    applications: int = 3,
    **round_values: Any,
) -> World:
    """Pat, Olu and Kim on a round at Scoring with three criteria and eligible applications."""
    people = [make_user(Role.RESIDENT, name=n) for n in ("Pat Panellist", "Olu Other", "Kim K")]
    round_values.setdefault("stage", Stage.SCORING)
    round_ = make_round(members=tuple(people), **round_values)
    rubric = create_rubric(round_, staff)
    apps = [create_application(round_, n) for n in range(1, applications + 1)]
    return World(round_, rubric, people, apps, staff)


def score_data(
    world: World, values: list[Any], action: str = "submit", version: int = 0, **extra: Any
) -> dict[str, Any]:
    """Scoring form data: one value per criterion (None leaves it out)."""
    data: dict[str, Any] = {"action": action, "version": str(version)}
    for criterion, value in zip(world.criteria, values, strict=True):
        if value is not None:
            data[f"score_{criterion.id}"] = str(value)
    data.update(extra)
    return data
