"""The database marks a review's kept score bytes stale whenever one of its scores changes.

`review.score_pack` holds the review's scores as bytes (panel.models.review.pack_scores) and
counts only while `score_pack_version` equals the review's version. The app remakes both after
it has written the Score rows (panel.scoring.services.reviews). Triggers on `score` set
`score_pack_version` to NULL whenever a score row is inserted, deleted or given another value,
by whatever writer: a writer that changes scores and does not remake the bytes, from a bulk
seed to a fix by hand, leaves them stale rather than wrong, and the results then read that
review's Score rows. A change of comment alone leaves the bytes as they are.

Migration 0017 creates the same triggers; this module covers schemas made with create_all
(tests, benchmarks). tests/test_migrations.py checks that the two agree.
"""

from sqlalchemy import DDL, event

from panel.models.review import Score


def _stale(row: str) -> str:
    where = f"id = {row}.review_id AND score_pack_version IS NOT NULL"
    return f"UPDATE review SET score_pack_version = NULL WHERE {where}"  # noqa: S608


_COLUMNS = "value, review_id, rubric_criterion_id"
_SQLITE_CHANGED = (
    "OLD.value IS NOT NEW.value OR OLD.review_id <> NEW.review_id "
    "OR OLD.rubric_criterion_id <> NEW.rubric_criterion_id"
)
_POSTGRES_CHANGED = (
    "OLD.value IS DISTINCT FROM NEW.value OR OLD.review_id <> NEW.review_id "
    "OR OLD.rubric_criterion_id <> NEW.rubric_criterion_id"
)

SQLITE_TRIGGERS = [
    f"CREATE TRIGGER score_pack_insert AFTER INSERT ON score BEGIN {_stale('NEW')}; END",
    f"CREATE TRIGGER score_pack_update AFTER UPDATE OF {_COLUMNS} ON score "
    f"WHEN {_SQLITE_CHANGED} BEGIN {_stale('OLD')}; {_stale('NEW')}; END",
    f"CREATE TRIGGER score_pack_delete AFTER DELETE ON score BEGIN {_stale('OLD')}; END",
]

POSTGRES_TRIGGERS = [
    "CREATE FUNCTION score_pack_stale() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
    f"IF TG_OP <> 'INSERT' THEN {_stale('OLD')}; END IF; "
    f"IF TG_OP <> 'DELETE' THEN {_stale('NEW')}; END IF; "
    "RETURN NULL; END $$",
    "CREATE TRIGGER score_pack_insert AFTER INSERT ON score FOR EACH ROW "
    "EXECUTE FUNCTION score_pack_stale()",
    f"CREATE TRIGGER score_pack_update AFTER UPDATE OF {_COLUMNS} ON score FOR EACH ROW "
    f"WHEN ({_POSTGRES_CHANGED}) EXECUTE FUNCTION score_pack_stale()",
    "CREATE TRIGGER score_pack_delete AFTER DELETE ON score FOR EACH ROW "
    "EXECUTE FUNCTION score_pack_stale()",
]

# The names of the triggers, on either database (tests check they exist).
SCORE_PACK_TRIGGERS = tuple(f"score_pack_{event}" for event in ("insert", "update", "delete"))

for _sql in SQLITE_TRIGGERS:
    event.listen(Score.__table__, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
for _sql in POSTGRES_TRIGGERS:
    event.listen(Score.__table__, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
event.listen(
    Score.__table__,
    "before_drop",
    DDL("DROP FUNCTION IF EXISTS score_pack_stale() CASCADE").execute_if(dialect="postgresql"),
)
