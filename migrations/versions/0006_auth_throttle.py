"""sign-in and public-form limits: one locked counter row per account, address or form sender

The failed sign-ins were rows counted without a lock (login_failure), which simultaneous
attempts all passed; their place is taken by the throttle table (panel/models/throttle.py).
Failed sign-ins recorded before the upgrade are not carried over: they only ever slowed
attempts for up to 15 minutes.

Revision ID: 0006_auth
Revises: 0005_imports
Create Date: 2026-12-06 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import panel.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0006_auth'
down_revision = '0005_imports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('throttle',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', panel.models.types.UTCDateTime(), nullable=True),
    sa.Column('wait_until', panel.models.types.UTCDateTime(), nullable=True),
    sa.CheckConstraint('failures >= 0', name=op.f('ck_throttle_failures_not_negative')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_throttle'))
    )
    with op.batch_alter_table('throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_throttle_last_failure_at'), ['last_failure_at'], unique=False)

    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_email'))
        batch_op.drop_index(batch_op.f('ix_login_failure_at'))
        batch_op.drop_index(batch_op.f('ix_login_failure_address'))

    op.drop_table('login_failure')


def downgrade():
    op.create_table('login_failure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=False),
    sa.Column('at', panel.models.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_login_failure'))
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_address'), ['address'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_login_failure_email'), ['email'], unique=False)

    with op.batch_alter_table('throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_throttle_last_failure_at'))

    op.drop_table('throttle')
