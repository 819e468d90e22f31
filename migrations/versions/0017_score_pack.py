"""score_pack: each review's scores kept on its row as bytes (issue 20, target 4)

The results read every submitted review of a round at a worker's first view; with the scores
on the review's row that is one scan of the round's reviews, not one index lookup per review
into the score table. The bytes count only while score_pack_version equals the review's
version (panel/models/review.py). This migration makes them for every review already there,
with a copy of the rule of panel.models.review.pack_scores (one byte per scored criterion of
the review's rubric, in position order: the score, or 255 where there is none), so that it
keeps meaning what it meant, and the triggers of panel/models/packed.py that mark the bytes
stale when a score changes (their SQL copied here too); tests/test_migrations.py checks the
two agree.

Revision ID: score_pack
Revises: counted_reviews
Create Date: 2026-12-06 11:50:00

"""
from collections import defaultdict

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'score_pack'
down_revision = 'counted_reviews'
branch_labels = None
depends_on = None

NO_SCORE = 255
BATCH = 5000

_CHANGED = (
    "OLD.value {differs} NEW.value OR OLD.review_id <> NEW.review_id "
    "OR OLD.rubric_criterion_id <> NEW.rubric_criterion_id"
)
_COLUMNS = "value, review_id, rubric_criterion_id"


def _stale(row):
    where = f"id = {row}.review_id AND score_pack_version IS NOT NULL"
    return f"UPDATE review SET score_pack_version = NULL WHERE {where}"


SQLITE_TRIGGERS = [
    f"CREATE TRIGGER score_pack_insert AFTER INSERT ON score BEGIN {_stale('NEW')}; END",
    f"CREATE TRIGGER score_pack_update AFTER UPDATE OF {_COLUMNS} ON score "
    f"WHEN {_CHANGED.format(differs='IS NOT')} BEGIN {_stale('OLD')}; {_stale('NEW')}; END",
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
    f"WHEN ({_CHANGED.format(differs='IS DISTINCT FROM')}) EXECUTE FUNCTION score_pack_stale()",
    "CREATE TRIGGER score_pack_delete AFTER DELETE ON score FOR EACH ROW "
    "EXECUTE FUNCTION score_pack_stale()",
]


def upgrade():
    op.add_column('review', sa.Column('score_pack', sa.LargeBinary(), nullable=True))
    op.add_column('review', sa.Column('score_pack_version', sa.Integer(), nullable=True))
    bind = op.get_bind()
    # Triggers first, then the fill, in one transaction: on PostgreSQL creating a trigger holds
    # off writers to score until this commits, so no change slips between the two.
    for sql in SQLITE_TRIGGERS if bind.dialect.name == 'sqlite' else POSTGRES_TRIGGERS:
        op.execute(sql)
    scored = defaultdict(list)  # rubric id -> its scored criteria's ids, in position order
    for rubric_id, criterion_id in bind.execute(
        sa.text(
            "SELECT rubric_id, id FROM rubric_criterion WHERE kind = 'scored' "
            "ORDER BY rubric_id, position"
        )
    ):
        scored[rubric_id].append(criterion_id)
    reviews = bind.execute(sa.text("SELECT id, rubric_id, version FROM review ORDER BY id")).all()
    update = sa.text(
        "UPDATE review SET score_pack = :pack, score_pack_version = :version WHERE id = :id"
    ).bindparams(sa.bindparam('pack', type_=sa.LargeBinary()))
    for start in range(0, len(reviews), BATCH):
        batch = reviews[start : start + BATCH]
        values = defaultdict(dict)
        for review_id, criterion_id, value in bind.execute(
            sa.text(
                "SELECT review_id, rubric_criterion_id, value FROM score "
                "WHERE review_id BETWEEN :low AND :high"
            ),
            {'low': batch[0].id, 'high': batch[-1].id},
        ):
            values[review_id][criterion_id] = value
        rows = []
        for review_id, rubric_id, version in batch:
            given = values.get(review_id, {})
            pack = bytes(
                NO_SCORE if given.get(c) is None else given[c] for c in scored.get(rubric_id, [])
            )
            rows.append({'id': review_id, 'pack': pack, 'version': version})
        bind.execute(update, rows)


def downgrade():
    for verb in ('insert', 'update', 'delete'):
        if op.get_bind().dialect.name == 'sqlite':
            op.execute(f"DROP TRIGGER IF EXISTS score_pack_{verb}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS score_pack_{verb} ON score")
    if op.get_bind().dialect.name != 'sqlite':
        op.execute("DROP FUNCTION IF EXISTS score_pack_stale()")
    for column in ('score_pack_version', 'score_pack'):
        if op.get_bind().dialect.name == 'sqlite':
            # ALTER TABLE, not a batch copy of the table: dropping the old table would break
            # the foreign keys of every score and audit pointing at a review.
            op.execute(f"ALTER TABLE review DROP COLUMN {column}")
        else:
            op.drop_column('review', column)
