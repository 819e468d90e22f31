"""Reading a round's submitted reviews: every review's scores packed into integers in SQL.

Aggregates never come from ORM objects per score (measured: they made results 22x slower at
500,000 scores): one query reads every submitted review's scores packed into an integer.
`panel.results.services` keeps what was read, so after a change only the reviews whose version
moved are read again.
"""

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from panel.extensions import db
from panel.models import Review, ReviewStatus, RubricCriterion, Score

# Each review's scores come back packed into one integer per 15 criteria, 4 bits a score: the
# database holds every score within 0..10 (a CHECK constraint), stored here as score + 1 so
# that a zero means "no score". Criterion k of a pack sits in the low half of byte k (k < 8),
# then in the high half of byte k - 8, so everything stays below bit 60 of SQL's signed 64-bit
# SUM on SQLite and PostgreSQL. One sum per review then carries all its scores exactly
# and in criterion order (SUM does not care in which order it reads them), and Python turns a
# review into bytes with a few C calls: no per-score work and nothing for the garbage
# collector to track. Measured at 500 x 30 x 12: the packed sums took 40 ms against 81 ms
# to fetch one row per score.
PER_PACK = 15
MISSING = 255  # what an empty score becomes: never a score on a 0..10 scale
LOW = bytes([(b & 15) - 1 if b & 15 else MISSING for b in range(256)])
HIGH = bytes([(b >> 4) - 1 if b >> 4 else MISSING for b in range(256)])


def _shift(place: int) -> int:
    """Where criterion `place` of a pack sits: low halves of bytes 0-7, then high halves."""
    return 8 * (place % 8) + 4 * (place // 8)


def _unpack(total: int | None, width: int) -> bytes:
    """A pack's scores in criterion order, MISSING where a score is empty."""
    raw = (total or 0).to_bytes(8, "little")
    return (raw.translate(LOW) + raw.translate(HIGH))[:width]


ScoreRow = tuple[str, str, Sequence[int | None]]


def _packs(scored: list[RubricCriterion]) -> list[list[RubricCriterion]]:
    """The scored criteria in runs of PER_PACK, one packed SUM each."""
    return [scored[i : i + PER_PACK] for i in range(0, len(scored), PER_PACK)]


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


def read_reviews(
    round_id: int, scored: list[RubricCriterion], only: Sequence[int] | None = None
) -> dict[int, ReadReview]:
    """Every submitted review of the round (or those of `only`), by id, scores packed in SQL.

    Reviews set aside by a conflict are read too: which conflicts stand is checked when the
    rows go to the engine, so a remembered review stays valid when a conflict comes or goes.
    """
    packs = _packs(scored)
    # (score + 1) x 2^shift for this pack's criteria; NULL for an empty score or for another
    # criterion, which SUM leaves out.
    sums = [
        db.cast(
            db.func.sum(
                (Score.value + 1)
                * db.case(
                    {int(c.id): 1 << _shift(i) for i, c in enumerate(pack)},
                    value=Score.rubric_criterion_id,
                )
            ),
            db.BigInteger,
        )
        for pack in packs
    ]
    wanted = [Review.round_id == int(round_id), Review.status == ReviewStatus.SUBMITTED.value]
    if only is not None:
        wanted.append(Review.id.in_([int(i) for i in only]))
    review = (Review.id, Review.version, Review.application_id, Review.panellist_id)
    # One sum per review through the score index (a review without scores gets NULL), which
    # holds the values too (ix_score_review_values), so no score row is read. Both databases
    # do this faster than a GROUP BY over every score: PostgreSQL would hash the GROUP BY, and
    # SQLite's GROUP BY sorts on the four review columns (measured at 500 x 30 x 12 on SQLite,
    # before the covering index: 52 ms against 70 ms).
    per_review = [
        db.select(total).where(Score.review_id == Review.id).scalar_subquery() for total in sums
    ]
    query = db.select(*review, *per_review).where(*wanted)
    fetched = raw_rows(query)
    found: dict[int, ReadReview]
    if len(packs) == 1:  # the usual case
        found = _one_pack(fetched, len(scored))
    else:
        found = {}
        widths = [len(pack) for pack in packs]
        for review_id, version, application_id, panellist_id, *totals in fetched:
            values: Sequence[int | None] = b"".join(map(_unpack, totals, widths))
            found[review_id] = (version, application_id, panellist_id, values)
    if MISSING in b"".join(map(itemgetter(3), found.values())):
        partial = [i for i, (_, _, _, values) in found.items() if MISSING in values]
        for review_id, values in _partial_scores(partial, scored).items():
            found[review_id] = (*found[review_id][:3], values)
    return found


def _one_pack(fetched: Sequence[Any], width: int) -> dict[int, ReadReview]:
    """Reviews of at most PER_PACK criteria, each pack turned into bytes by a few C calls
    (14,000 reviews: 4 ms)."""
    found: dict[int, ReadReview] = {}
    low, high = LOW, HIGH
    for review_id, version, application_id, panellist_id, total in fetched:
        raw = (total or 0).to_bytes(8, "little")
        found[review_id] = (
            version,
            application_id,
            panellist_id,
            (raw.translate(low) + raw.translate(high))[:width],
        )
    return found


def _partial_scores(
    partial: list[int], scored: list[RubricCriterion]
) -> dict[int, tuple[int | None, ...]]:
    """Reviews with an empty score, read score by score so the gap keeps its place."""
    place = {c.id: i for i, c in enumerate(scored)}
    cells: dict[int, list[int | None]] = {r: [None] * len(scored) for r in partial}
    for review_id, criterion_id, value in db.session.execute(
        db.select(Score.review_id, Score.rubric_criterion_id, Score.value).where(
            Score.review_id.in_(partial),
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
