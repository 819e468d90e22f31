"""Reading a round's submitted reviews: one scan of the round's reviews, each review's scores
taken from the bytes kept on its row (panel.models.review.pack_scores).

Aggregates never come from ORM objects per score (measured: they made results 22x slower at
500,000 scores). Measured at 500 x 30 x 12 (14,218 reviews): packing each review's scores in SQL
with one SUM per review took 40 ms on SQLite and 55-110 ms on PostgreSQL (an index lookup per
review into 170,000 score rows); the kept bytes need no score row at all. Only a review whose
bytes are not current is read from its Score rows. `panel.results.services` keeps what was
read, so after a change only the reviews whose version moved are read again.
"""

from collections.abc import Sequence
from typing import Any

from panel.extensions import db
from panel.models import Review, ReviewStatus, RubricCriterion, Score
from panel.models.review import NO_SCORE

ScoreRow = tuple[str, str, Sequence[int | None]]


def raw_rows(query: Any) -> Sequence[Any]:
    """Run a select through the driver's own cursor (no Row object per result row).

    Only for statements without user input (int ids and fixed words): the values are rendered
    into the SQL.
    """
    connection = db.session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return cursor.fetchall()
    finally:
        cursor.close()


# A submitted review as the results read it: (version, application id, panellist id, scores in
# the rubric's scored order, None where a score is empty).
ReadReview = tuple[int, int, int, Sequence[int | None]]

# Reviews whose Score rows are read in one statement (well under SQLite's 32,766 parameters).
BATCH = 5000


def read_reviews(
    round_id: int, scored: list[RubricCriterion], only: Sequence[int] | None = None
) -> dict[int, ReadReview]:
    """Every submitted review of the round (or those of `only`), by id, scores from the bytes
    kept on each review's row; from its Score rows where those bytes are not current.

    Reviews set aside by a conflict are read too: which conflicts stand is checked when the
    rows go to the engine, so a remembered review stays valid when a conflict comes or goes.
    """
    rubric_id = scored[0].rubric_id if scored else None
    wanted = [Review.round_id == int(round_id), Review.status == ReviewStatus.SUBMITTED.value]
    if only is not None:
        wanted.append(Review.id.in_([int(i) for i in only]))
    fetched = raw_rows(
        db.select(
            Review.id,
            Review.version,
            Review.application_id,
            Review.panellist_id,
            Review.rubric_id,
            Review.score_pack_version,
            Review.score_pack,
        ).where(*wanted)
    )
    width = len(scored)
    found: dict[int, ReadReview] = {}
    by_rows: list[int] = []
    for review_id, version, application_id, panellist_id, rubric, made_at, pack in fetched:
        # The bytes hold when they were made at this version, against this rubric, and every
        # score is there (an empty one is read from the rows, so it keeps its place as None).
        if made_at == version and rubric == rubric_id and pack is not None:
            values = bytes(pack)  # PostgreSQL's driver may hand back a memoryview
            if len(values) == width and NO_SCORE not in values:
                found[review_id] = (version, application_id, panellist_id, values)
                continue
        found[review_id] = (version, application_id, panellist_id, ())
        by_rows.append(review_id)
    for start in range(0, len(by_rows), BATCH):
        for review_id, cells in _scores_from_rows(by_rows[start : start + BATCH], scored).items():
            found[review_id] = (*found[review_id][:3], cells)
    return found


def _scores_from_rows(
    reviews: list[int], scored: list[RubricCriterion]
) -> dict[int, tuple[int | None, ...]]:
    """These reviews' scores read from their Score rows, None where a score is empty."""
    place = {c.id: i for i, c in enumerate(scored)}
    cells: dict[int, list[int | None]] = {r: [None] * len(scored) for r in reviews}
    for review_id, criterion_id, value in db.session.execute(
        db.select(Score.review_id, Score.rubric_criterion_id, Score.value).where(
            Score.review_id.in_(reviews),
            Score.rubric_criterion_id.in_(list(place)),
        )
    ):
        cells[review_id][place[criterion_id]] = value
    return {r: tuple(values) for r, values in cells.items()}


def review_versions(round_id: int) -> tuple[tuple[int, int], ...]:
    """(id, version) of every submitted review of the round, by id."""
    return tuple(
        raw_rows(
            db.select(Review.id, Review.version)
            .where(
                Review.round_id == int(round_id),
                Review.status == ReviewStatus.SUBMITTED.value,
            )
            .order_by(Review.id)
        )
    )


def current_reviews(
    round_id: int,
    scored: list[RubricCriterion],
    versions: tuple[tuple[int, int], ...],
    known: dict[int, ReadReview],
) -> tuple[dict[int, ReadReview], int]:
    """The round's submitted reviews, reading again only those not known at their version."""
    stale = [i for i, version in versions if known.get(i, (None,))[0] != version]
    if not stale:
        fresh: dict[int, ReadReview] = {}
    elif len(stale) * 4 > len(versions):  # many changed: one pass over the round is cheaper
        fresh = read_reviews(round_id, scored)
    else:
        fresh = read_reviews(round_id, scored, only=stale)
    reviews: dict[int, ReadReview] = {}
    for review_id, _ in versions:
        found = fresh.get(review_id) or known.get(review_id)
        if found is not None:  # None: gone between the two queries
            reviews[review_id] = found
    return reviews, len(fresh)
