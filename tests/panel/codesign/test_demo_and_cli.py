"""The demo's criteria went through the whole co-design flow; the CLI prints the rubric."""

from typing import Any

from flask import Flask

from panel.codesign import services
from panel.extensions import db
from panel.models import (
    AuditEvent,
    Boundary,
    Criterion,
    CriterionComment,
    CriterionSupport,
    CriterionVersion,
    FundingRound,
    User,
    WeightShare,
)


def _round(slug: str) -> FundingRound:
    return db.session.execute(db.select(FundingRound).where(FundingRound.slug == slug)).scalar_one()


def test_the_spring_demo_criteria_went_through_co_design(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    spring = _round("spring-demo")
    criteria = services.criteria_of(spring, archived=True)
    proposers = {c.proposed_by.display_name for c in criteria}
    assert {"Maureen Walsh", "Delroy Campbell", "Priya Shah", "Tom Greene"} <= proposers
    fixed = [c for c in criteria if c.fixed]
    assert [(c.title, c.kind, c.fixed_reason) for c in fixed] == [
        (
            "Works inside our neighbourhoods",
            "eligibility",
            "the fund can only pay for work inside our neighbourhoods",
        )
    ]
    ids = [c.id for c in criteria]
    edited = (
        db.session.execute(
            db.select(CriterionVersion.criterion_id).where(
                CriterionVersion.criterion_id.in_(ids), CriterionVersion.number == 2
            )
        )
        .scalars()
        .all()
    )
    assert len(edited) >= 2
    assert (
        db.session.execute(
            db.select(db.func.count(CriterionComment.id)).where(
                CriterionComment.criterion_id.in_(ids)
            )
        ).scalar()
        >= 5
    )
    assert (
        db.session.execute(
            db.select(db.func.count(CriterionSupport.id)).where(
                CriterionSupport.criterion_id.in_(ids)
            )
        ).scalar()
        >= 5
    )
    sharers = db.session.execute(
        db.select(db.func.count(db.distinct(WeightShare.user_id))).where(
            WeightShare.round_id == spring.id
        )
    ).scalar()
    assert sharers >= 5 and services.weight_summary(spring).members >= 5
    boundary = db.session.execute(
        db.select(Boundary).where(Boundary.round_id == spring.id)
    ).scalar_one()
    assert (boundary.title, boundary.reason) == (
        "Awards are between £250 and £5,000",
        "set by the board",
    )
    rubric = services.current_rubric(spring)
    assert rubric is not None and rubric.version == 1
    scored = rubric.scored
    assert sum(c.weight for c in scored) == 100
    adjusted = [c for c in scored if c.weight_reason]
    assert adjusted and all(c.weight != c.proposed_weight for c in adjusted)
    assert {c.title for c in rubric.eligibility} == {
        "Works inside our neighbourhoods",
        "Is a not-for-profit group",
    }
    actions = set(
        db.session.execute(
            db.select(AuditEvent.action).where(AuditEvent.round_id == spring.id)
        ).scalars()
    )
    assert {
        "criterion.proposed",
        "criterion.edited",
        "criterion.fixed",
        "criterion.supported",
        "criterion.commented",
        "criterion.removed",
        "boundary.added",
        "weights.shared",
        "rubric.adopted",
    } <= actions


def test_the_autumn_demo_starts_from_a_copy_and_adopts_its_own(app: Flask, runner: Any) -> None:
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    spring, autumn = _round("spring-demo"), _round("autumn-demo")
    copies = (
        db.session.execute(db.select(Criterion).where(Criterion.round_id == autumn.id))
        .scalars()
        .all()
    )
    spring_ids = set(
        db.session.execute(db.select(Criterion.id).where(Criterion.round_id == spring.id)).scalars()
    )
    assert copies and all(c.copied_from_id in spring_ids for c in copies)
    rubric = services.current_rubric(autumn)
    assert rubric is not None and sum(c.weight for c in rubric.scored) == 100
    assert services.weight_summary(autumn).members >= 5


def test_show_criteria_prints_the_adopted_rubric(app: Flask, runner: Any) -> None:
    missing = runner.invoke(args=["show-criteria", "no-such-round"])
    assert missing.exit_code != 0 and "There is no round" in missing.output
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    result = runner.invoke(args=["show-criteria", "spring-demo"])
    assert result.exit_code == 0, result.output
    assert "criteria version 1, adopted by Asha Patel" in result.output
    assert "1. Brings neighbours together (scored, weight 33)" in result.output
    assert "Will it last? (scored, weight 20) - changed from 18:" in result.output
    assert "Works inside our neighbourhoods (pass or fail)" in result.output
    assert db.session.execute(db.select(User.id)).first() is not None
