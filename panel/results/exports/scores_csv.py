"""The per-score csv: the Scores sheet's rows and columns, streamed straight from one query.

The workbook's Scores sheet takes the counted reviews from the round's analysis; this csv
decides "counted" in SQL with the same rule (`counted_condition`: a submitted review of an
eligible application of the round whose panellist has no standing conflict on it), so it
neither runs the analysis nor reads the scores twice. Rows come from the driver as plain tuples
(no ORM entities, a server-side cursor on PostgreSQL) and each field is made once per value it
repeats (a reference, a panellist, a criterion, a review's time), then written by the csv
module. Measured at 500 x 30 x 12 (170,616 rows): see benchmarks/README.md, issue 20.
"""

import csv
import io
from collections.abc import Callable, Generator, Iterator, Mapping
from contextlib import suppress
from typing import IO, Any

from sqlalchemy import ColumnElement, Connection, and_

from panel.applications.queries import eligible_in_round
from panel.extensions import db
from panel.models import Application, FundingRound, Review, RubricCriterion, Score
from panel.results.exports.names import Names, criterion_titles
from panel.results.exports.spreadsheet import CSV_CHUNK_ROWS, csv_safe, naive_utc
from panel.results.services import NO_CRITERIA, ResultsUnavailable
from panel.rubrics import current_rubric
from panel.scoring.services.lookups import is_counted

HEADERS = [
    "Reference",
    "Panellist",
    "Criterion",
    "Weight",
    "Score",
    "Comment",
    "Submitted at",
    "Revised",
]


def counted_condition(round_id: int) -> ColumnElement[bool]:
    """SQL condition on `Review` joined to its `Application`: the review counts in the round's
    results (the rule of `RoundResults.counted`, decided by the database)."""
    return and_(Review.round_id == round_id, is_counted(), eligible_in_round(round_id))


def counted_scores_query(round_id: int) -> Any:
    """Every score of the round's counted reviews, in the Scores sheet's order, as tuples."""
    return (
        db.select(
            Application.reference,
            Review.panellist_id,
            Score.rubric_criterion_id,
            RubricCriterion.weight,
            Score.value,
            Score.comment,
            Review.submitted_at,  # read by the driver: SQLite's stored text, or a datetime
            Review.revised,
        )
        .select_from(Score)
        .join(Review, Score.review_id == Review.id)
        .join(Application, Review.application_id == Application.id)
        .join(RubricCriterion, Score.rubric_criterion_id == RubricCriterion.id)
        .where(counted_condition(round_id), Score.value.is_not(None))
        .order_by(Application.reference, Review.panellist_id, RubricCriterion.position)
    )


class _Fields(dict[Any, Any]):
    """A field per value, made on first use and remembered (references, panellists, criteria
    and a review's time repeat row after row), so each row is made by C lookups alone. At most
    KEEP values are remembered (then it starts again: rows come in order, so the values in use
    are soon back), and only short fields, so a round of long comments stays out of memory."""

    KEEP = 20_000

    def __init__(self, make: Callable[[Any], str]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, value: Any) -> str:
        field = self.make(value)
        if len(field) < 200:
            if len(self) >= self.KEEP:
                self.clear()
            self[value] = field
        return field


def _connection(conn: Any) -> Connection:
    """A Core connection: `conn` itself, or the session's own."""
    return conn if isinstance(conn, Connection) else conn.connection()


def _whole(value: Any) -> str:
    """A whole number as its field (None: empty)."""
    return "" if value is None else str(value)


def _time(at: Any) -> str:
    """The time a review was submitted as the Scores sheet's csv gives it: SQLite's stored UTC
    text to the second, or a PostgreSQL time in UTC."""
    if at is None:
        return ""
    if isinstance(at, str):  # SQLite's stored UTC time ("2026-05-01 12:00:00.000000")
        return at[:19]
    return naive_utc(at).strftime("%Y-%m-%d %H:%M:%S")


def scores_csv_chunks(
    round_: FundingRound,
    *,
    anonymise: bool,
    conn: Any,
    progress: Callable[[int], None] | None = None,
) -> Iterator[bytes]:
    """The per-score csv in chunks of a few thousand rows, UTF-8 with a byte-order mark.

    The round is checked and the names read here, before the first chunk is taken (so
    ResultsUnavailable is raised before anything is sent); the scores are read through `conn`
    as the chunks are taken."""
    rubric = current_rubric(round_)
    if rubric is None or not rubric.scored:
        raise ResultsUnavailable(NO_CRITERIA)
    titles = criterion_titles(rubric.scored)
    names = Names(round_.id, anonymise=anonymise)
    columns: list[Mapping[Any, Any]] = [
        _Fields(lambda v: csv_safe(str(v))),  # reference
        _Fields(lambda v: csv_safe(names(v))),  # panellist
        _Fields(lambda v: csv_safe(titles.get(v, f"Criterion #{v}"))),  # criterion
        _Fields(_whole),  # weight
        _Fields(_whole),  # score
        _Fields(lambda v: csv_safe(v) if v else ""),  # comment
        _Fields(_time),  # submitted at
        {False: "", True: "Yes"},  # revised (0 and 1 on SQLite)
    ]
    query = counted_scores_query(round_.id)
    return _chunks(_rows(_connection(conn), query), columns, progress)


def _rows(conn: Connection, query: Any) -> Generator[list[tuple[Any, ...]], None, None]:
    """The query's rows in batches, straight from the driver's cursor (a server-side cursor on
    PostgreSQL, so the round is never held in memory). Only for queries of ids and fixed
    words: the values are rendered into the SQL."""
    sql = str(query.compile(dialect=conn.dialect, compile_kwargs={"literal_binds": True}))
    dbapi = conn.connection
    if conn.dialect.name == "postgresql":
        cursor = dbapi.driver_connection.cursor(name="scores_csv")  # type: ignore[union-attr]
        cursor.itersize = CSV_CHUNK_ROWS
    else:
        cursor = dbapi.cursor()
    try:
        cursor.execute(sql)
        while batch := cursor.fetchmany(CSV_CHUNK_ROWS):
            yield batch
    finally:
        # A download dropped unread may be collected after its connection was closed, which
        # took the cursor with it.
        with suppress(Exception):
            cursor.close()


def _chunks(
    batches: Generator[list[tuple[Any, ...]], None, None],
    columns: list[Mapping[Any, Any]],
    progress: Callable[[int], None] | None,
) -> Iterator[bytes]:
    """Each batch of rows as csv text, every field looked up column by column. A download
    stopped early closes the cursor here, before its connection is closed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    head = "\ufeff"
    lookups = [column.__getitem__ for column in columns]
    try:
        for batch in batches:
            writer.writerows(zip(*map(map, lookups, zip(*batch, strict=True)), strict=True))
            yield (head + buffer.getvalue()).encode("utf-8")
            head = ""
            buffer.seek(0)
            buffer.truncate()
            if progress is not None:
                progress(len(batch))
    finally:
        batches.close()
    if head:  # no scores: the headers alone
        yield (head + buffer.getvalue()).encode("utf-8")


def write_scores_csv(
    round_: FundingRound,
    out: IO[bytes],
    *,
    anonymise: bool,
    conn: Any,
    release: Callable[[], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> None:
    """The per-score csv written to `out`; `release` is called once the session's reads are
    done, before the scores stream through `conn`."""
    chunks = scores_csv_chunks(round_, anonymise=anonymise, conn=conn, progress=progress)
    if release is not None:
        release()
    for chunk in chunks:
        out.write(chunk)
