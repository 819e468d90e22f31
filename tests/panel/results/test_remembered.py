"""Remembered analyses: a round is analysed once per change, and any change is seen at once."""

import random
from typing import Any

from flask import Flask

from panel.extensions import db
from panel.models import Application, ConflictKind, Review, User
from panel.results import reading, services
from panel.scoring.services.conflicts import declare_conflict
from panel.scoring.services.reviews import ScoreEntry, save_review


def _mean(worked: dict[str, Any], reference: str) -> float | None:
    return services.compute(worked["round"]).result.result_for(reference).mean


def _review(worked: dict[str, Any], panellist: User, reference: str) -> Review:
    return db.session.execute(
        db.select(Review).where(
            Review.panellist_id == panellist.id,
            Review.application_id == worked["apps"][reference].id,
        )
    ).scalar_one()


def _from_scratch(worked: dict[str, Any]) -> Any:
    """The analysis an app that remembers nothing would make now."""
    services.analyses().entries.clear()
    return services.compute(worked["round"]).result


def _revise(worked: dict[str, Any], panellist: User, reference: str, a: int, b: int) -> None:
    review = _review(worked, panellist, reference)
    first, second = worked["rubric"].scored
    save_review(
        round_=worked["round"],
        application=worked["apps"][reference],
        panellist=panellist,
        actor=panellist,
        scores={first.id: ScoreEntry(a), second.id: ScoreEntry(b)},
        overall_comment="",
        submit=True,
        expected_version=review.version,
        reason="Changed my mind",
    )
    db.session.commit()


def _declare(worked: dict[str, Any], staff: User, panellist: User, reference: str) -> None:
    declare_conflict(
        round_=worked["round"],
        application=worked["apps"][reference],
        panellist=panellist,
        kind=ConflictKind.OTHER,
        note="Declared at the meeting",
        actor=staff,
    )
    db.session.commit()


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
    _revise(worked, worked["panel"][0], "C", 0, 1)
    assert _mean(worked, "C") == (0.5 + 4.0 + 3.5 + 1.0) / 4
    assert services.analyses().computed == 2


def test_a_conflict_declared_after_scoring_sets_the_review_aside_at_once(
    app: Flask, worked: dict[str, Any], staff: User
) -> None:
    before = services.compute(worked["round"]).result.result_for("B")
    assert before.n == 5
    _declare(worked, staff, worked["panel"][3], "B")
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
    services.compute(worked["round"])
    entry = store.entries[worked["round"].id]
    for other in range(1000, 1000 + services.KEEP_ANALYSES):
        store.put(other, entry, read=0)
    assert worked["round"].id not in store.entries
    assert len(store.entries) == services.KEEP_ANALYSES


def test_each_app_keeps_its_own_analyses(app: Flask, worked: dict[str, Any]) -> None:
    services.compute(worked["round"])
    other = Flask("other")
    with other.app_context():
        assert services.analyses() is not None
        assert services.analyses().entries == {}


def test_after_a_revision_only_that_review_is_read_again(
    app: Flask, worked: dict[str, Any]
) -> None:
    store = services.analyses()
    services.compute(worked["round"])
    submitted = len(reading.review_versions(worked["round"].id))
    assert store.reviews_read == submitted > 20
    _revise(worked, worked["panel"][1], "E", 5, 5)
    incremental = services.compute(worked["round"]).result
    assert store.reviews_read == submitted + 1
    assert incremental.result_for("E").mean == (3.5 + 5.0 + 4.0 + 2.5 + 3.5) / 5
    assert incremental == _from_scratch(worked)


def test_a_conflict_or_an_eligibility_change_needs_no_review_read_again(
    app: Flask, worked: dict[str, Any], staff: User
) -> None:
    store = services.analyses()
    services.compute(worked["round"])
    _declare(worked, staff, worked["panel"][0], "E")
    after_conflict = services.compute(worked["round"]).result
    application = db.session.get(Application, worked["apps"]["A"].id)
    assert application is not None
    application.status = "ineligible"
    db.session.commit()
    after_eligibility = services.compute(worked["round"]).result
    submitted = len(reading.review_versions(worked["round"].id))
    assert store.computed == 3 and store.reviews_read == submitted
    assert after_conflict.result_for("E").n == 4
    assert "A" not in {r.reference for r in after_eligibility.applications}
    assert after_eligibility == _from_scratch(worked)


def test_changed_method_settings_read_every_review_again(
    app: Flask, worked: dict[str, Any]
) -> None:
    store = services.analyses()
    services.compute(worked["round"])
    worked["round"].calibrate = True
    db.session.commit()
    calibrated = services.compute(worked["round"]).result
    assert store.reviews_read == 2 * len(reading.review_versions(worked["round"].id))
    assert calibrated.result_for("A").calibrated is not None
    assert calibrated == _from_scratch(worked)


def test_a_run_of_changes_always_matches_an_analysis_from_scratch(
    app: Flask, worked: dict[str, Any], staff: User
) -> None:
    draw = random.Random(7)
    panel, references = worked["panel"], sorted(worked["apps"])
    for step in range(12):
        kind = step % 3
        reference = draw.choice(references)
        if kind == 0:
            panellist = draw.choice(panel)
            if _counted(worked, panellist, reference):
                _revise(worked, panellist, reference, draw.randint(0, 5), draw.randint(0, 5))
        elif kind == 1:
            panellist = draw.choice(panel)
            pair = (worked["apps"][reference].id, panellist.id)
            if pair not in services.standing_conflicts(worked["round"].id):
                _declare(worked, staff, panellist, reference)
        else:
            worked["round"].rank_by = draw.choice(["mean", "median"])
            db.session.commit()
        remembered = services.compute(worked["round"]).result
        assert remembered == _from_scratch(worked), f"step {step}"
        services.compute(worked["round"])  # remember again before the next change


def _counted(worked: dict[str, Any], panellist: User, reference: str) -> bool:
    conflicts = services.standing_conflicts(worked["round"].id)
    application_id = worked["apps"][reference].id
    if (application_id, panellist.id) in conflicts:
        return False
    return (
        db.session.execute(
            db.select(Review.id).where(
                Review.panellist_id == panellist.id, Review.application_id == application_id
            )
        ).first()
        is not None
    )
