"""Each review's scores kept on its row as bytes (`score_pack`) are current after every save,
and marked stale by the database whenever a score changes any other way (issue 20, target 4:
the results read a round's reviews from these bytes instead of 170,000 score rows).

On SQLite and on PostgreSQL (the triggers are in panel/models/packed.py).
"""

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from panel.extensions import db
from panel.models import SCORE_PACK_TRIGGERS, Review, Rubric, Score, Stage
from panel.models.review import NO_SCORE, pack_scores
from panel.results.reading import read_reviews
from panel.results.synthetic import seed_synthetic
from tests.conftest import CountQueries
from tests.factories import gen_review
from tests.panel.scoring.conftest import ScoringWorld, score_data, sign_in_as


def kept(review_id: int) -> tuple[bytes | None, int | None, int]:
    """The review's kept bytes, the version they were made at, and its version, read afresh."""
    db.session.expire_all()
    row = db.session.execute(
        sa.select(Review.score_pack, Review.score_pack_version, Review.version).where(
            Review.id == review_id
        )
    ).one()
    pack = None if row[0] is None else bytes(row[0])
    return pack, row[1], row[2]


def from_rows(review: Review) -> bytes:
    """The bytes the review's Score rows make, by the rule (pack_scores)."""
    db.session.expire_all()
    values = dict(
        db.session.execute(
            sa.select(Score.rubric_criterion_id, Score.value).where(Score.review_id == review.id)
        ).all()
    )
    rubric = db.session.get(Rubric, review.rubric_id)
    assert rubric is not None
    return pack_scores(values.get(c.id) for c in rubric.scored)


def test_every_save_from_the_scoring_page_leaves_the_bytes_current(
    app: Flask, client: FlaskClient, world: ScoringWorld
) -> None:
    pat = world.panellists[0]
    url = f"/rounds/{world.round.id}/scoring/{world.applications[0].id}"
    sign_in_as(client, pat)
    response = client.post(url, data=score_data(world, [2, 0, None], action="draft"))
    assert response.status_code == 302
    review = db.session.execute(sa.select(Review).where(Review.panellist_id == pat.id)).scalar_one()
    assert kept(review.id) == (bytes([2, 0, NO_SCORE]), 1, 1)
    response = client.post(url, data=score_data(world, [2, 0, 4], version=1))
    assert response.status_code == 302
    assert kept(review.id) == (bytes([2, 0, 4]), 2, 2)
    response = client.post(url, data=score_data(world, [3, 5, 4], version=2))
    assert response.status_code == 302
    assert kept(review.id) == (bytes([3, 5, 4]), 3, 3)
    assert kept(review.id)[0] == from_rows(review)
    # A stale form is refused and changes nothing, bytes included.
    response = client.post(url, data=score_data(world, [1, 1, 1], version=2))
    assert response.status_code == 409
    assert kept(review.id) == (bytes([3, 5, 4]), 3, 3)


def test_a_score_changed_any_other_way_leaves_the_bytes_stale_never_wrong(
    app: Flask, world: ScoringWorld
) -> None:
    """Item 81: a repair by hand, a deleted or emptied score all send the results to the rows."""
    reviews = [gen_review(world.applications[0], p, scores=[3, 3, 3]) for p in world.panellists]
    ids = [r.id for r in reviews]
    assert [kept(i) for i in ids] == [(bytes([3, 3, 3]), 1, 1)] * 3
    first = db.session.execute(
        sa.select(Score.id).where(Score.review_id == ids[0]).order_by(Score.id)
    ).scalars()
    first_score = next(iter(first))
    # A comment alone does not touch the scores: the bytes stay current.
    db.session.execute(sa.update(Score).where(Score.id == first_score).values(comment="Good"))
    db.session.commit()
    assert kept(ids[0]) == (bytes([3, 3, 3]), 1, 1)
    # A value changed by hand, as a repair in the database might, without a new version.
    db.session.execute(sa.update(Score).where(Score.id == first_score).values(value=9))
    db.session.commit()
    assert kept(ids[0])[1] is None
    # A score row deleted, and one added.
    db.session.execute(
        sa.delete(Score).where(Score.review_id == ids[1]).where(Score.id != first_score)
    )
    db.session.commit()
    assert kept(ids[1])[1] is None
    db.session.execute(sa.update(Score).where(Score.review_id == ids[2]).values(value=None))
    db.session.commit()
    assert kept(ids[2])[1] is None
    # The results read the changed reviews from their rows: the repaired value, the gaps.
    read = read_reviews(world.round.id, world.rubric.scored)
    assert list(read[ids[0]][3]) == [9, 3, 3]
    assert list(read[ids[1]][3]) == [None, None, None]
    assert list(read[ids[2]][3]) == [None, None, None]


def test_the_results_read_current_bytes_without_a_score_row(
    app: Flask, world: ScoringWorld, count_queries: CountQueries
) -> None:
    """No score row is read while every review's bytes are current."""
    for n, application in enumerate(world.applications):
        for p, panellist in enumerate(world.panellists):
            gen_review(application, panellist, scores=[n, p, n + p])
    with count_queries() as statements:
        read = read_reviews(world.round.id, world.rubric.scored)
    assert len(read) == 9
    assert not [s for s in statements if "FROM score" in s]
    by_pair = {(a, p): list(v) for _, a, p, v in read.values()}
    assert by_pair[(world.applications[2].id, world.panellists[1].id)] == [2, 1, 3]


def test_a_synthetic_round_is_seeded_with_every_reviews_bytes_current(app: Flask) -> None:
    round_ = seed_synthetic(
        applications=12, panellists=5, criteria_count=4, seed=5, stage=Stage.SCORING
    )
    db.session.commit()
    reviews = list(
        db.session.execute(sa.select(Review).where(Review.round_id == round_.id)).scalars()
    )
    assert len(reviews) > 20
    for review in reviews:
        pack, made_at, version = kept(review.id)
        assert made_at == version and pack == from_rows(review) and len(pack) == 4


def test_the_triggers_are_in_the_database(app: Flask) -> None:
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            rows = conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            rows = conn.exec_driver_sql("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {name for (name,) in rows}
    assert set(SCORE_PACK_TRIGGERS) <= names
