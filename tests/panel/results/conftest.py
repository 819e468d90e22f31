"""A round built from docs/scoring-method.md's worked panel, at the Panel meeting stage."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask

from panel.extensions import db
from panel.models import (
    Application,
    Conflict,
    FundingRound,
    Review,
    Role,
    Rubric,
    RubricCriterion,
    Score,
    Stage,
    User,
)

# Sheet scores on 0-5 (None = recused) and amounts requested, from docs/scoring-method.md §3.
WORKED = {
    "A": ([4.0, 3.5, 4.5, None, 4.0], 4_000_00),
    "B": ([3.0, 3.5, 2.5, 2.0, 3.0], 1_500_00),
    "C": ([4.5, 4.0, None, 3.5, 1.0], 3_500_00),
    "D": ([2.0, 1.5, 2.5, 1.0, 3.5], 2_000_00),
    "E": ([3.5, 3.0, 4.0, 2.5, 3.5], 2_500_00),
    "F": ([5.0, None, 4.5, 4.0, 4.5], 5_000_00),
}


def split(sheet: float) -> tuple[int, int]:
    """Two whole-number scores whose mean is the sheet score (two criteria of equal weight)."""
    low = int(sheet)
    return (low, low + 1) if sheet != low else (low, low)


def build_worked_round(
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
    staff: User,
    **round_values: Any,
) -> dict[str, Any]:
    panel = [make_user(Role.RESIDENT, name=f"Panellist {i + 1}") for i in range(5)]
    values = {"stage": Stage.PANEL, "budget_pence": 11_000_00, "quorum": 3, **round_values}
    round_ = make_round(members=tuple(panel), **values)
    rubric = Rubric(round_id=round_.id, version=1, adopted_by_id=staff.id)
    db.session.add(rubric)
    db.session.flush()
    first = RubricCriterion(
        rubric_id=rubric.id,
        position=1,
        title="Community benefit",
        description="d",
        kind="scored",
        weight=1,
    )
    second = RubricCriterion(
        rubric_id=rubric.id,
        position=2,
        title="Value for money",
        description="d",
        kind="scored",
        weight=1,
    )
    db.session.add_all([first, second])
    db.session.flush()
    apps = {}
    for number, (ref, (sheets, amount)) in enumerate(WORKED.items(), start=1):
        app = Application(
            round_id=round_.id,
            number=number,
            reference=ref,
            organisation_name=f"Group {ref}",
            organisation_type="community_group",
            project_title=f"Project {ref}",
            summary="s",
            amount_requested_pence=amount,
            status="eligible",
        )
        db.session.add(app)
        db.session.flush()
        apps[ref] = app
        for panellist, sheet in zip(panel, sheets, strict=True):
            if sheet is None:
                db.session.add(
                    Conflict(
                        round_id=round_.id,
                        application_id=app.id,
                        panellist_id=panellist.id,
                        kind="member",
                        declared_by_id=panellist.id,
                    )
                )
                continue
            review = Review(
                round_id=round_.id,
                application_id=app.id,
                panellist_id=panellist.id,
                rubric_id=rubric.id,
                status="submitted",
                submitted_at=datetime.now(UTC),
            )
            db.session.add(review)
            db.session.flush()
            a, b = split(sheet)
            db.session.add_all(
                [
                    Score(review_id=review.id, rubric_criterion_id=first.id, value=a),
                    Score(review_id=review.id, rubric_criterion_id=second.id, value=b),
                ]
            )
    db.session.commit()
    return {"round": round_, "panel": panel, "apps": apps, "rubric": rubric}


@pytest.fixture
def worked(
    app: Flask, make_round: Callable[..., FundingRound], make_user: Callable[..., User], staff: User
) -> dict[str, Any]:
    return build_worked_round(make_round, make_user, staff)
