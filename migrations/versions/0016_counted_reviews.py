"""counted reviews kept on the application row: a column kept by triggers on review and
conflict, and the index "next to score" reads in order (issue 20, target 3)

Revision ID: counted_reviews
Revises: score_values
Create Date: 2026-12-06 09:10:00

The triggers' SQL is a copy of panel/models/counted.py (which makes them for create_all), so
this migration keeps meaning what it meant; tests/test_migrations.py checks the two agree.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'counted_reviews'
down_revision = 'score_values'
branch_labels = None
depends_on = None

CHECK_NAME = 'ck_application_counted_reviews_not_negative'
INDEX_COLUMNS = ['round_id', 'status', 'counted_reviews', 'reference']

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

# Every application's count from scratch, by the same rule (for the rows already there).
FILL = (
    "UPDATE application SET counted_reviews = (SELECT count(*) FROM review r "
    "WHERE r.application_id = application.id AND r.status = 'submitted' AND NOT EXISTS ("
    "SELECT 1 FROM conflict c WHERE c.application_id = r.application_id "
    "AND c.panellist_id = r.panellist_id AND c.withdrawn_at IS NULL))"
)


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        # ADD COLUMN with its CHECK, not a batch copy of the table: dropping the old table
        # would break the foreign keys of every review, decision and grant pointing at it.
        op.execute(
            "ALTER TABLE application ADD COLUMN counted_reviews INTEGER DEFAULT '0' NOT NULL "
            f"CONSTRAINT {CHECK_NAME} CHECK (counted_reviews >= 0)"
        )
    else:
        op.add_column(
            'application',
            sa.Column('counted_reviews', sa.Integer(), server_default='0', nullable=False),
        )
        op.create_check_constraint(op.f(CHECK_NAME), 'application', 'counted_reviews >= 0')
    # Triggers first, then the fill, in one transaction: on PostgreSQL creating a trigger
    # holds off writers to review and conflict until this commits, so no change is missed.
    triggers = SQLITE_TRIGGERS if dialect == 'sqlite' else POSTGRES_TRIGGERS
    for table in ('review', 'conflict'):
        for sql in triggers[table]:
            op.execute(sql)
    op.execute(FILL)
    op.create_index('ix_application_next_to_score', 'application', INDEX_COLUMNS, unique=False)


def downgrade():
    dialect = op.get_bind().dialect.name
    op.drop_index('ix_application_next_to_score', table_name='application')
    for table in ('review', 'conflict'):
        for verb in ('insert', 'update', 'delete'):
            if dialect == 'sqlite':
                op.execute(f"DROP TRIGGER IF EXISTS {table}_counted_{verb}")
            else:
                op.execute(f"DROP TRIGGER IF EXISTS {table}_counted_{verb} ON {table}")
        if dialect != 'sqlite':
            op.execute(f"DROP FUNCTION IF EXISTS {table}_counted_reviews()")
    if dialect == 'sqlite':
        # SQLite drops a column whose own CHECK names only it (3.35 and later).
        op.execute("ALTER TABLE application DROP COLUMN counted_reviews")
    else:
        op.drop_constraint(op.f(CHECK_NAME), 'application', type_='check')
        op.drop_column('application', 'counted_reviews')
