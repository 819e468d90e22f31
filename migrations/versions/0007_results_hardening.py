"""results hardening (#13): export heartbeats, stored exports deleted at erasure, draw reasons

Revision ID: 0007_results
Revises: 0006_auth
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import panel.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0007_results'
down_revision = '0006_auth'
branch_labels = None
depends_on = None

JOB_STATUSES = "status IN ('queued', 'running', 'done', 'failed', 'deleted')"
OLD_JOB_STATUSES = "status IN ('queued', 'running', 'done', 'failed')"


def upgrade():
    # A stored export's file is deleted when an applicant's personal data is erased (item 30).
    # ... and a job's worker writes its heartbeat: unheard for a minute, it is dead (item 45).
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_export_job_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_job_status_known'), JOB_STATUSES)
        batch_op.add_column(sa.Column('heartbeat_at', panel.models.types.UTCDateTime(), nullable=True))

    # Every lottery draw is kept; a redraw says why (item 42).
    with op.batch_alter_table('lottery_draw', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('lottery_draw', schema=None) as batch_op:
        batch_op.drop_column('reason')

    op.execute("UPDATE export_job SET status = 'failed' WHERE status = 'deleted'")
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_column('heartbeat_at')
        batch_op.drop_constraint(op.f('ck_export_job_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_job_status_known'), OLD_JOB_STATUSES)
