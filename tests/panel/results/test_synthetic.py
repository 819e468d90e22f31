"""seed-synthetic: a complete round at the Panel meeting stage, made with bulk inserts."""

from statistics import mean, pstdev

import sqlalchemy as sa
from flask import Flask

from panel.extensions import db
from panel.models import (
    Application,
    AuditEvent,
    Conflict,
    FundingRound,
    Review,
    RoundMember,
    RubricCriterion,
    Score,
    Stage,
)
from panel.results.cli import seed_synthetic_command
from panel.results.services import compute


def count(model: type, *where: object) -> int:
    return db.session.execute(
        sa.select(sa.func.count()).select_from(model).where(*where)
    ).scalar_one()


def seed(app: Flask, *args: str) -> int:
    result = app.test_cli_runner().invoke(seed_synthetic_command, list(args))
    assert result.exit_code == 0, result.output
    return int(result.output.strip())


def test_seed_synthetic_makes_a_complete_round_at_the_panel_meeting(app: Flask) -> None:
    round_id = seed(
        app, "--applications", "40", "--panellists", "10", "--criteria", "5", "--seed", "7"
    )
    round_ = db.session.get(FundingRound, round_id)
    assert round_ is not None and round_.current_stage is Stage.PANEL
    assert count(RoundMember, RoundMember.round_id == round_id) == 10
    kinds = (
        db.session.execute(
            sa.select(RubricCriterion.kind)
            .join(RubricCriterion.rubric)
            .where(RubricCriterion.rubric.has(round_id=round_id))
        )
        .scalars()
        .all()
    )
    assert sorted(kinds) == ["eligibility"] + ["scored"] * 5
    assert (
        count(Application, Application.round_id == round_id, Application.status == "eligible") == 40
    )
    conflicts = count(Conflict, Conflict.round_id == round_id)
    reviews = count(Review, Review.round_id == round_id, Review.status == "submitted")
    assert conflicts + reviews == 400  # every pair either reviewed or recused
    assert 5 <= conflicts <= 40  # about 5%
    scores = count(
        Score, Score.review_id.in_(sa.select(Review.id).where(Review.round_id == round_id))
    )
    assert scores == reviews * 5
    events = (
        db.session.execute(sa.select(AuditEvent.action).where(AuditEvent.round_id == round_id))
        .scalars()
        .all()
    )
    assert events == ["round.synthetic_created"]
    results = compute(round_)
    assert len(results.result.applications) == 40
    assert all(a.mean is not None for a in results.result.applications)


def test_panellists_differ_in_harshness(app: Flask) -> None:
    round_id = seed(
        app, "--applications", "60", "--panellists", "8", "--criteria", "3", "--seed", "3"
    )
    results = compute(db.session.get(FundingRound, round_id))
    means = [p.mean for p in results.result.panellists if p.mean is not None]
    assert len(means) == 8
    assert pstdev(means) > 0.15  # offsets make some panellists harsher than others
    assert 0.5 < mean(means) < 4.5


def test_the_same_seed_gives_the_same_scores(app: Flask) -> None:
    def values(round_id: int) -> list[int]:
        return list(
            db.session.execute(
                sa.select(Score.value)
                .join(Review, Score.review_id == Review.id)
                .where(Review.round_id == round_id)
                .order_by(Score.id)
            ).scalars()
        )

    first = seed(app, "--applications", "12", "--panellists", "4", "--criteria", "2", "--seed", "5")
    second = seed(
        app, "--applications", "12", "--panellists", "4", "--criteria", "2", "--seed", "5"
    )
    other = seed(app, "--applications", "12", "--panellists", "4", "--criteria", "2", "--seed", "6")
    assert first != second
    assert values(first) == values(second)
    assert values(first) != values(other)


def test_seed_synthetic_refuses_impossible_sizes(app: Flask) -> None:
    result = app.test_cli_runner().invoke(seed_synthetic_command, ["--applications", "0"])
    assert result.exit_code == 2
    assert "0 is not in the range" in result.output
