"""The database keeps each application's count of counted reviews (`counted_reviews`).

A review counts when it is submitted and its panellist has no standing (not withdrawn)
conflict on its application: the rule of `panel.scoring.services.lookups.is_counted`, written
again here in SQL. Triggers on `review` and `conflict` add or take away one whenever a row's
counted-ness changes (inserted, updated, deleted, by the app, a bulk seed or by hand), so "next
to score" can order by a column in an index instead of counting every application's reviews.

Each trigger applies a change (+1 or -1), never a recount. On PostgreSQL the function first
locks the application row (FOR NO KEY UPDATE, which does not wait for the key-share locks that
foreign keys take) and only then reads the other table in a fresh statement: a review submitted
and a conflict declared on the same application at the same time are applied one after the
other, and the second sees the first, so neither is missed nor counted twice. SQLite has one
writer at a time.

Migration 0016 creates the same triggers; this module covers schemas made with create_all
(tests, benchmarks). tests/test_migrations.py checks that the two agree.
"""

from sqlalchemy import DDL, event

from panel.models.conflict import Conflict
from panel.models.review import Review

# The pair (application, panellist) of a review or conflict row `r` ("NEW" or "OLD").
_STANDING = (
    "SELECT 1 FROM conflict c WHERE c.application_id = {r}.application_id "
    "AND c.panellist_id = {r}.panellist_id AND c.withdrawn_at IS NULL"
)
_OTHER_STANDING = _STANDING + " AND c.id <> {r}.id"
_SUBMITTED = (
    "SELECT 1 FROM review s WHERE s.application_id = {r}.application_id "
    "AND s.panellist_id = {r}.panellist_id AND s.status = 'submitted'"
)


def _add(delta: str, row: str) -> str:
    return (
        f"UPDATE application SET counted_reviews = counted_reviews {delta} 1 "  # noqa: S608
        f"WHERE id = {row}.application_id"
    )


def _review_counts(row: str) -> str:
    return f"{row}.status = 'submitted' AND NOT EXISTS ({_STANDING.format(r=row)})"


def _conflict_sets_aside(row: str) -> str:
    """The standing conflict `row` is what sets a submitted review aside."""
    return (
        f"{row}.withdrawn_at IS NULL AND EXISTS ({_SUBMITTED.format(r=row)}) "
        f"AND NOT EXISTS ({_OTHER_STANDING.format(r=row)})"
    )


_REVIEW_CHANGED = (
    "OLD.status <> NEW.status OR OLD.application_id <> NEW.application_id "
    "OR OLD.panellist_id <> NEW.panellist_id"
)
_CONFLICT_CHANGED = (
    "(OLD.withdrawn_at IS NULL) <> (NEW.withdrawn_at IS NULL) "
    "OR OLD.application_id <> NEW.application_id OR OLD.panellist_id <> NEW.panellist_id"
)

# By the table they are attached to (created with it by create_all).
SQLITE_TRIGGERS = {
    "review": [
        "CREATE TRIGGER review_counted_insert AFTER INSERT ON review "
        "WHEN NEW.status = 'submitted' BEGIN "
        f"{_add('+', 'NEW')} AND {_review_counts('NEW')}; END",
        "CREATE TRIGGER review_counted_update "
        "AFTER UPDATE OF status, application_id, panellist_id ON review "
        f"WHEN {_REVIEW_CHANGED} BEGIN "
        f"{_add('-', 'OLD')} AND {_review_counts('OLD')}; "
        f"{_add('+', 'NEW')} AND {_review_counts('NEW')}; END",
        "CREATE TRIGGER review_counted_delete AFTER DELETE ON review "
        "WHEN OLD.status = 'submitted' BEGIN "
        f"{_add('-', 'OLD')} AND {_review_counts('OLD')}; END",
    ],
    "conflict": [
        "CREATE TRIGGER conflict_counted_insert AFTER INSERT ON conflict "
        "WHEN NEW.withdrawn_at IS NULL BEGIN "
        f"{_add('-', 'NEW')} AND {_conflict_sets_aside('NEW')}; END",
        "CREATE TRIGGER conflict_counted_update "
        "AFTER UPDATE OF withdrawn_at, application_id, panellist_id ON conflict "
        f"WHEN {_CONFLICT_CHANGED} BEGIN "
        f"{_add('+', 'OLD')} AND {_conflict_sets_aside('OLD')}; "
        f"{_add('-', 'NEW')} AND {_conflict_sets_aside('NEW')}; END",
        "CREATE TRIGGER conflict_counted_delete AFTER DELETE ON conflict "
        "WHEN OLD.withdrawn_at IS NULL BEGIN "
        f"{_add('+', 'OLD')} AND {_conflict_sets_aside('OLD')}; END",
    ],
}

_LOCK = "PERFORM 1 FROM application WHERE id = {r}.application_id FOR NO KEY UPDATE;"

POSTGRES_TRIGGERS = {
    "review": [
        "CREATE FUNCTION review_counted_reviews() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN "
        f"{_LOCK.format(r='OLD')} "
        f"IF {_review_counts('OLD')} THEN {_add('-', 'OLD')}; END IF; "
        "END IF; "
        "IF TG_OP <> 'DELETE' THEN "
        f"{_LOCK.format(r='NEW')} "
        f"IF {_review_counts('NEW')} THEN {_add('+', 'NEW')}; END IF; "
        "END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER review_counted_insert AFTER INSERT ON review FOR EACH ROW "
        "WHEN (NEW.status = 'submitted') EXECUTE FUNCTION review_counted_reviews()",
        "CREATE TRIGGER review_counted_update "
        "AFTER UPDATE OF status, application_id, panellist_id ON review FOR EACH ROW "
        f"WHEN ({_REVIEW_CHANGED}) EXECUTE FUNCTION review_counted_reviews()",
        "CREATE TRIGGER review_counted_delete AFTER DELETE ON review FOR EACH ROW "
        "WHEN (OLD.status = 'submitted') EXECUTE FUNCTION review_counted_reviews()",
    ],
    "conflict": [
        "CREATE FUNCTION conflict_counted_reviews() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP <> 'INSERT' THEN IF OLD.withdrawn_at IS NULL THEN "
        f"{_LOCK.format(r='OLD')} "
        f"IF {_conflict_sets_aside('OLD')} THEN {_add('+', 'OLD')}; END IF; "
        "END IF; END IF; "
        "IF TG_OP <> 'DELETE' THEN IF NEW.withdrawn_at IS NULL THEN "
        f"{_LOCK.format(r='NEW')} "
        f"IF {_conflict_sets_aside('NEW')} THEN {_add('-', 'NEW')}; END IF; "
        "END IF; END IF; "
        "RETURN NULL; END $$",
        "CREATE TRIGGER conflict_counted_insert AFTER INSERT ON conflict FOR EACH ROW "
        "WHEN (NEW.withdrawn_at IS NULL) EXECUTE FUNCTION conflict_counted_reviews()",
        "CREATE TRIGGER conflict_counted_update "
        "AFTER UPDATE OF withdrawn_at, application_id, panellist_id ON conflict FOR EACH ROW "
        f"WHEN ({_CONFLICT_CHANGED}) EXECUTE FUNCTION conflict_counted_reviews()",
        "CREATE TRIGGER conflict_counted_delete AFTER DELETE ON conflict FOR EACH ROW "
        "WHEN (OLD.withdrawn_at IS NULL) EXECUTE FUNCTION conflict_counted_reviews()",
    ],
}

# The names of the triggers, on either database (tests check they exist).
COUNTED_REVIEWS_TRIGGERS = tuple(
    f"{table}_counted_{event}"
    for table in ("review", "conflict")
    for event in ("insert", "update", "delete")
)

for _name, _table in (("review", Review.__table__), ("conflict", Conflict.__table__)):
    for _sql in SQLITE_TRIGGERS[_name]:
        event.listen(_table, "after_create", DDL(_sql).execute_if(dialect="sqlite"))
    for _sql in POSTGRES_TRIGGERS[_name]:
        event.listen(_table, "after_create", DDL(_sql).execute_if(dialect="postgresql"))
    event.listen(
        _table,
        "before_drop",
        DDL(f"DROP FUNCTION IF EXISTS {_name}_counted_reviews() CASCADE").execute_if(
            dialect="postgresql"
        ),
    )
