"""Reading every counted review's scores: from the bytes kept on its row, or from its Score rows
where those bytes are not current; both ways give the same rows."""

import random
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from panel.extensions import db
from panel.models import (
    Application,
    FundingRound,
    Review,
    Role,
    RubricCriterion,
    Score,
    Stage,
    User,
)
from panel.results import reading, services
from tests.factories import gen_application, gen_review, gen_rubric, gen_rubric_criterion


def _rows(read: Any, references: dict[int, str], recused: set[tuple[int, int]]) -> list[Any]:
    """The engine's rows of the reviews the results count, as compute() makes them."""
    counted = services.counted_reviews(read, references, recused)
    return services.engine_rows(read, counted, references)


def _round(
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
    staff: User,
    *,
    criteria: int,
    scores: Callable[[int, int], list[int | None]],
    kept: bool = True,
) -> dict[str, Any]:
    """A 0-10 round: 3 applications, 4 panellists, `criteria` scored criteria (an eligibility
    question between them), every review submitted with scores(application, panellist), its
    scores kept as bytes on its row unless `kept` is False."""
    panel = [make_user(Role.RESIDENT, name=f"P{i}") for i in range(4)]
    round_ = make_round(members=tuple(panel), stage=Stage.PANEL, scale_min=0, scale_max=10)
    rubric = gen_rubric(round_, staff, scored=(), eligibility=())
    scored = []
    for i in range(criteria):
        if i == 1:
            gen_rubric_criterion(rubric, title="Eligible?", kind="eligibility", position=99)
        scored.append(gen_rubric_criterion(rubric, title=f"Q{i}", weight=i + 1, position=i + 1))
    apps = []
    for a in range(3):
        application = gen_application(
            round_,
            a + 1,
            reference=f"R{a}",
            organisation_name=f"Group {a}",
            amount_requested_pence=1000_00,
        )
        apps.append(application)
        for p, panellist in enumerate(panel):
            gen_review(
                application,
                panellist,
                rubric=rubric,
                scores=dict(zip(scored, scores(a, p), strict=True)),
                commit=False,
                keep_bytes=kept,
            )
    db.session.commit()
    return {"round": round_, "rubric": rubric, "apps": apps, "panel": panel}


def _direct(round_: FundingRound, scored: list[RubricCriterion]) -> set[tuple[str, str, tuple]]:
    """The same rows read score by score through the ORM, the slow obvious way."""
    place = {c.id: i for i, c in enumerate(scored)}
    references = {
        a.id: a.reference
        for a in db.session.execute(
            db.select(Application).where(Application.round_id == round_.id)
        ).scalars()
    }
    cells: dict[tuple[str, str], list[int | None]] = {}
    for review in db.session.execute(
        db.select(Review).where(Review.round_id == round_.id)
    ).scalars():
        row = cells.setdefault(
            (references[review.application_id], str(review.panellist_id)), [None] * len(scored)
        )
        for score in review.scores:
            if score.rubric_criterion_id in place:
                row[place[score.rubric_criterion_id]] = score.value
    return {(a, p, tuple(v)) for (a, p), v in cells.items()}


@pytest.mark.parametrize("kept", [True, False], ids=["kept-bytes", "score-rows"])
@pytest.mark.parametrize("criteria", [1, 8, 12, 15, 16, 31])
def test_packed_rows_match_the_scores_one_by_one(
    app: Flask,
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
    staff: User,
    criteria: int,
    kept: bool,
) -> None:
    """Every count of criteria, with 0 and 10 at the scale's edges, read from the kept bytes
    and from the Score rows alike."""
    draw = random.Random(criteria)
    edges = [0, 10]

    def scores(a: int, p: int) -> list[int | None]:
        return [
            edges[(a + p + i) % 2] if i % 3 == 0 else draw.randint(0, 10) for i in range(criteria)
        ]

    made = _round(make_round, make_user, staff, criteria=criteria, scores=scores, kept=kept)
    scored = made["rubric"].scored
    references = {a.id: a.reference for a in made["apps"]}
    read = reading.read_reviews(made["round"].id, scored)
    rows = _rows(read, references, set())
    got = {(a, p, tuple(v)) for a, p, v in rows}
    assert got == _direct(made["round"], scored)
    assert len(got) == 12


def test_an_empty_score_in_a_submitted_review_is_named_not_read_as_a_zero(
    app: Flask,
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
    staff: User,
) -> None:
    made = _round(
        make_round,
        make_user,
        staff,
        criteria=3,
        scores=lambda a, p: [5, None, 0] if (a, p) == (1, 2) else [5, 5, 0],
    )
    scored = made["rubric"].scored
    read = reading.read_reviews(made["round"].id, scored)
    rows = _rows(read, {a.id: a.reference for a in made["apps"]}, set())
    gap = [v for a, p, v in rows if a == "R1" and p == str(made["panel"][2].id)]
    assert [tuple(v) for v in gap] == [(5, None, 0)]
    with pytest.raises(services.ResultsUnavailable, match=f"criterion '{scored[1].key}'"):
        services.compute(made["round"])


def test_reviews_of_other_applications_or_set_aside_by_a_conflict_are_not_counted(
    app: Flask,
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
    staff: User,
) -> None:
    made = _round(make_round, make_user, staff, criteria=2, scores=lambda a, p: [a, p])
    scored = made["rubric"].scored
    read = reading.read_reviews(made["round"].id, scored)
    assert len(read) == 12
    rows = _rows(read, {made["apps"][0].id: "R0"}, set())
    assert {a for a, _, _ in rows} == {"R0"} and len(rows) == 4
    first = made["apps"][0].id
    set_aside = {(first, made["panel"][0].id)}
    rows = _rows(read, {first: "R0"}, set_aside)
    assert sorted(p for _, p, _ in rows) == sorted(str(u.id) for u in made["panel"][1:])


def test_a_submitted_review_without_any_score_row_is_named_too(
    app: Flask,
    make_round: Callable[..., FundingRound],
    make_user: Callable[..., User],
    staff: User,
) -> None:
    made = _round(make_round, make_user, staff, criteria=2, scores=lambda a, p: [a, p])
    review = db.session.execute(
        db.select(Review).where(
            Review.application_id == made["apps"][2].id,
            Review.panellist_id == made["panel"][1].id,
        )
    ).scalar_one()
    db.session.execute(db.delete(Score).where(Score.review_id == review.id))
    db.session.commit()
    read = reading.read_reviews(made["round"].id, made["rubric"].scored)
    rows = _rows(read, {a.id: a.reference for a in made["apps"]}, set())
    assert ("R2", str(made["panel"][1].id), [None, None]) in [(a, p, list(v)) for a, p, v in rows]
    with pytest.raises(services.ResultsUnavailable, match="application 'R2'"):
        services.compute(made["round"])
