"""imports: one application per spreadsheet row

An imported application remembers its upload and row; the pair is unique, so an upload imported
twice at the same moment (two presses of "Import", two staff) cannot add its rows twice.

Revision ID: 0005_imports
Revises: 0004
Create Date: 2026-12-06 03:25:11.783598

"""
from alembic import op
import sqlalchemy as sa

import panel.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = '0005_imports'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('import_row', sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_application_import_id_import_row'), ['import_id', 'import_row'])
        batch_op.create_foreign_key(batch_op.f('fk_application_import_id_application_import'), 'application_import', ['import_id'], ['id'], ondelete='RESTRICT')
        batch_op.create_check_constraint(batch_op.f('ck_application_import_row_pair'), '(import_id IS NULL) = (import_row IS NULL)')


def downgrade():
    with op.batch_alter_table('application', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_application_import_row_pair'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_application_import_id_application_import'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_application_import_id_import_row'), type_='unique')
        batch_op.drop_column('import_row')
        batch_op.drop_column('import_id')
