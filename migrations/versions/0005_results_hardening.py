"""results hardening (#13): stored exports can be deleted at erasure

Revision ID: 0005_results
Revises: 0004
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import panel.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0005_results'
down_revision = '0004'
branch_labels = None
depends_on = None

JOB_STATUSES = "status IN ('queued', 'running', 'done', 'failed', 'deleted')"
OLD_JOB_STATUSES = "status IN ('queued', 'running', 'done', 'failed')"


def upgrade():
    # A stored export's file is deleted when an applicant's personal data is erased (item 30).
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_export_job_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_job_status_known'), JOB_STATUSES)


def downgrade():
    op.execute("UPDATE export_job SET status = 'failed' WHERE status = 'deleted'")
    with op.batch_alter_table('export_job', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_export_job_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_export_job_status_known'), OLD_JOB_STATUSES)
