"""seed-synthetic: a complete round at the Panel meeting stage, made with bulk inserts."""

from statistics import mean, pstdev

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

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
    User,
)
from panel.models.types import utcnow
from panel.results.cli import seed_synthetic_command
from panel.results.services import compute
from panel.results.synthetic import seed_synthetic
from tests.conftest import PASSWORD, AuthActions


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


def test_a_scoring_stage_round_has_no_reviews_yet_and_panellists_who_can_sign_in(
    app: Flask, client: FlaskClient
) -> None:
    round_id = seed(
        app,
        "--applications",
        "6",
        "--panellists",
        "3",
        "--criteria",
        "2",
        "--seed",
        "4",
        "--stage",
        "scoring",
        "--submitted-fraction",
        "0",
        "--password",
        PASSWORD,
    )
    round_ = db.session.get(FundingRound, round_id)
    assert round_ is not None and round_.current_stage is Stage.SCORING
    assert round_.scoring_deadline is not None and round_.scoring_deadline > utcnow()
    assert count(Review, Review.round_id == round_id) == 0
    member = (
        db.session.execute(
            sa.select(User)
            .join(RoundMember, RoundMember.user_id == User.id)
            .where(RoundMember.round_id == round_id, RoundMember.role == "panellist")
            .order_by(User.id)
        )
        .scalars()
        .first()
    )
    assert member is not None
    email, member_id = member.email, member.id
    conflicted = set(
        db.session.execute(
            sa.select(Conflict.application_id).where(Conflict.panellist_id == member_id)
        ).scalars()
    )
    application_id = (
        db.session.execute(
            sa.select(Application.id)
            .where(Application.round_id == round_id, Application.id.not_in(conflicted))
            .order_by(Application.id)
        )
        .scalars()
        .first()
    )
    criterion_ids = (
        db.session.execute(
            sa.select(RubricCriterion.id)
            .where(RubricCriterion.rubric.has(round_id=round_id), RubricCriterion.kind == "scored")
            .order_by(RubricCriterion.position)
        )
        .scalars()
        .all()
    )

    assert AuthActions(client).login(email, "not the password").status_code == 400
    signed_in = AuthActions(client).login(email, PASSWORD)
    assert signed_in.status_code == 302
    queue = client.get(f"/rounds/{round_id}/scoring")
    assert queue.status_code == 200
    assert f"/rounds/{round_id}/scoring/{application_id}" in queue.get_data(as_text=True)
    saved = client.post(
        f"/rounds/{round_id}/scoring/{application_id}",
        data={"version": "0", "action": "draft", f"score_{criterion_ids[0]}": "3"},
    )
    assert saved.status_code == 302
    review = db.session.execute(
        sa.select(Review).where(
            Review.application_id == application_id, Review.panellist_id == member_id
        )
    ).scalar_one()
    assert review.status == "draft"
    assert {s.rubric_criterion_id: s.value for s in review.scores} == {
        criterion_ids[0]: 3,
        criterion_ids[1]: None,
    }


def test_without_a_password_synthetic_panellists_cannot_sign_in(app: Flask) -> None:
    round_id = seed(app, "--applications", "2", "--panellists", "2", "--criteria", "1")
    hashes = (
        db.session.execute(
            sa.select(User.password_hash)
            .join(RoundMember, RoundMember.user_id == User.id)
            .where(RoundMember.round_id == round_id)
        )
        .scalars()
        .all()
    )
    assert hashes == [None, None]


def test_the_submitted_fraction_leaves_the_rest_not_started(app: Flask) -> None:
    round_id = seed(
        app,
        "--applications",
        "50",
        "--panellists",
        "8",
        "--criteria",
        "2",
        "--seed",
        "9",
        "--stage",
        "scoring",
        "--submitted-fraction",
        "0.25",
    )
    conflicts = count(Conflict, Conflict.round_id == round_id)
    submitted = count(Review, Review.round_id == round_id, Review.status == "submitted")
    assert count(Review, Review.round_id == round_id) == submitted  # no drafts either
    assert 0.15 * (400 - conflicts) <= submitted <= 0.35 * (400 - conflicts)
    scores = count(
        Score, Score.review_id.in_(sa.select(Review.id).where(Review.round_id == round_id))
    )
    assert scores == submitted * 2


def test_seed_synthetic_refuses_a_bad_fraction_or_a_short_password(app: Flask) -> None:
    runner = app.test_cli_runner()
    result = runner.invoke(seed_synthetic_command, ["--submitted-fraction", "1.5"])
    assert result.exit_code == 2
    assert "1.5 is not in the range" in result.output
    result = runner.invoke(
        seed_synthetic_command, ["--applications", "2", "--panellists", "2", "--password", "short"]
    )
    assert result.exit_code == 1
    assert "The password must be at least 8 characters long." in result.output
    assert count(FundingRound) == 0


def test_on_postgresql_the_synthetic_round_leaves_planner_statistics(app) -> None:  # type: ignore[no-untyped-def]
    """Bulk-loaded tables are analysed, so the first queries get good plans."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's")
    seed_synthetic(applications=3, panellists=4, criteria_count=2, seed=3)
    db.session.commit()
    analysed = db.session.execute(
        sa.text("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'score'")
    ).scalar_one()
    assert analysed is not None
