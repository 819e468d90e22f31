"""Remembered analyses: a round is analysed once per change, and any change is seen at once."""

from typing import Any

from flask import Flask

from panel.extensions import db
from panel.models import Application, ConflictKind, Review, User
from panel.results import services
from panel.scoring.services import ScoreEntry, declare_conflict, save_review


def _mean(worked: dict[str, Any], reference: str) -> float | None:
    return services.compute(worked["round"]).result.result_for(reference).mean


def _review(worked: dict[str, Any], panellist: User, reference: str) -> Review:
    return db.session.execute(
        db.select(Review).where(
            Review.panellist_id == panellist.id,
            Review.application_id == worked["apps"][reference].id,
        )
    ).scalar_one()


def test_a_round_is_analysed_once_until_something_changes(
    app: Flask, worked: dict[str, Any]
) -> None:
    store = services.analyses()
    first = services.compute(worked["round"])
    again = services.compute(worked["round"])
    assert store.computed == 1
    assert again.result is first.result


def test_a_revised_score_is_in_the_next_results(app: Flask, worked: dict[str, Any]) -> None:
    assert _mean(worked, "C") == 3.25
    p1 = worked["panel"][0]
    review = _review(worked, p1, "C")
    a, b = worked["rubric"].scored
    save_review(
        round_=worked["round"],
        application=worked["apps"]["C"],
        panellist=p1,
        actor=p1,
        scores={a.id: ScoreEntry(0), b.id: ScoreEntry(1)},
        overall_comment="",
        submit=True,
        expected_version=review.version,
        reason="We talked it through",
    )
    db.session.commit()
    assert _mean(worked, "C") == (0.5 + 4.0 + 3.5 + 1.0) / 4
    assert services.analyses().computed == 2


def test_a_conflict_declared_after_scoring_sets_the_review_aside_at_once(
    app: Flask, worked: dict[str, Any], staff: User
) -> None:
    before = services.compute(worked["round"]).result.result_for("B")
    assert before.n == 5
    declare_conflict(
        round_=worked["round"],
        application=worked["apps"]["B"],
        panellist=worked["panel"][3],
        kind=ConflictKind.FAMILY,
        note="My sister runs it",
        actor=staff,
    )
    db.session.commit()
    after = services.compute(worked["round"]).result.result_for("B")
    assert after.n == 4 and after.recusals == 1
    assert after.mean == (3.0 + 3.5 + 2.5 + 3.0) / 4


def test_an_application_ruled_ineligible_leaves_the_results_at_once(
    app: Flask, worked: dict[str, Any]
) -> None:
    assert "D" in {r.reference for r in services.compute(worked["round"]).result.applications}
    application = db.session.get(Application, worked["apps"]["D"].id)
    assert application is not None
    application.status = "ineligible"
    db.session.commit()
    references = {r.reference for r in services.compute(worked["round"]).result.applications}
    assert references == {"A", "B", "C", "E", "F"}


def test_a_changed_method_setting_reranks_at_once(app: Flask, worked: dict[str, Any]) -> None:
    assert services.compute(worked["round"]).result.settings.rank_by == "mean"
    worked["round"].rank_by = "median"
    db.session.commit()
    result = services.compute(worked["round"]).result
    assert result.settings.rank_by == "median"
    assert [r.figure for r in result.applications] == sorted(
        (r.median for r in result.applications), reverse=True
    )


def test_only_the_most_recent_rounds_are_kept(app: Flask, worked: dict[str, Any]) -> None:
    store = services.analyses()
    result = services.compute(worked["round"]).result
    key = next(iter(store.entries.values()))[0]
    for other in range(1000, 1000 + services.KEEP_ANALYSES):
        store.put(other, key, result)
    assert worked["round"].id not in store.entries
    assert len(store.entries) == services.KEEP_ANALYSES


def test_each_app_keeps_its_own_analyses(app: Flask, worked: dict[str, Any]) -> None:
    services.compute(worked["round"])
    other = Flask("other")
    with other.app_context():
        assert services.analyses() is not None
        assert services.analyses().entries == {}
