"""stage guards: why staff opened applications without criteria adopted with the panel; the
fingerprint of an application's answers on each rate-limit attempt (the same answers sent again
never count twice)

Revision ID: stage_guards
Revises: applying
Create Date: 2026-12-06 06:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "stage_guards"
down_revision = "applying"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("funding_round", schema=None) as batch_op:
        batch_op.add_column(sa.Column("criteria_by_staff_reason", sa.Text(), nullable=True))
    with op.batch_alter_table("application_attempt", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("application_attempt", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
    with op.batch_alter_table("funding_round", schema=None) as batch_op:
        batch_op.drop_column("criteria_by_staff_reason")
