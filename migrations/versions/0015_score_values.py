"""score_values: a covering index for reading a review's scores (issue 20, target 4)

The results read every submitted review's scores on a worker's first view; with
(review_id, rubric_criterion_id, value) in one index they never touch the table's rows, which
carry the comments. The index on review_id alone is dropped: this one serves those lookups.

Revision ID: score_values
Revises: outbox
Create Date: 2026-12-06 09:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'score_values'
down_revision = 'outbox'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_score_review_values',
        'score',
        ['review_id', 'rubric_criterion_id', 'value'],
        unique=False,
    )
    op.drop_index('ix_score_review_id', table_name='score')


def downgrade():
    op.create_index('ix_score_review_id', 'score', ['review_id'], unique=False)
    op.drop_index('ix_score_review_values', table_name='score')
