"""outbox: messages (email, letters, phone calls), reminder days, "a letter" as a way to contact

Revision ID: outbox
Revises: stage_guards
Create Date: 2026-12-06 06:20:00

"""
from alembic import op
import sqlalchemy as sa

import panel.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'outbox'
down_revision = 'stage_guards'
branch_labels = None
depends_on = None

OLD_WAYS = "preferred_contact IN ('', 'email', 'phone', 'text', 'in_person')"
NEW_WAYS = "preferred_contact IN ('', 'email', 'phone', 'text', 'in_person', 'letter')"
STATUSES = "'queued', 'sending', 'sent', 'failed', 'held', 'to_print', 'to_call', 'done'"


def upgrade():
    op.create_table('message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('recipient_id', sa.Integer(), nullable=True),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('application_id', sa.Integer(), nullable=True),
    sa.Column('to_name', sa.String(length=120), nullable=False),
    sa.Column('to_address', sa.String(length=254), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('link', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', panel.models.types.UTCDateTime(), nullable=True),
    sa.Column('message_id', sa.String(length=200), nullable=False),
    sa.Column('created_at', panel.models.types.UTCDateTime(), nullable=False),
    sa.Column('sent_at', panel.models.types.UTCDateTime(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(f"status IN ({STATUSES})", name=op.f('ck_message_status_known')),
    sa.CheckConstraint("channel IN ('email', 'letter', 'phone')", name=op.f('ck_message_channel_known')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_message_attempts_not_negative')),
    sa.CheckConstraint("status <> 'sent' OR sent_at IS NOT NULL", name=op.f('ck_message_sent_when')),
    sa.ForeignKeyConstraint(['recipient_id'], ['user_account.id'], name=op.f('fk_message_recipient_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['round_id'], ['funding_round.id'], name=op.f('fk_message_round_id_funding_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_message_application_id_application'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_message_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    sa.UniqueConstraint('message_id', name=op.f('uq_message_message_id'))
    )
    op.create_index('ix_message_status_due', 'message', ['status', 'next_attempt_at'], unique=False)
    op.create_index('ix_message_recipient_kind', 'message', ['recipient_id', 'kind', 'created_at'], unique=False)
    op.create_index(op.f('ix_message_round_id'), 'message', ['round_id'], unique=False)
    op.create_index(op.f('ix_message_application_id'), 'message', ['application_id'], unique=False)
    op.create_table('message_wording',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('updated_at', panel.models.types.UTCDateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['funding_round.id'], name=op.f('fk_message_wording_round_id_funding_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_message_wording_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_wording')),
    sa.UniqueConstraint('round_id', 'kind', name=op.f('uq_message_wording_round_id_kind'))
    )
    with op.batch_alter_table('funding_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminder_days', sa.Integer(), server_default='3', nullable=False))
        batch_op.create_check_constraint('reminder_days_range', 'reminder_days >= 0 AND reminder_days <= 30')
    for table in ('person_details', 'join_request'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_contact_way_known'), type_='check')
            batch_op.create_check_constraint('contact_way_known', NEW_WAYS)


def downgrade():
    for table in ('person_details', 'join_request'):
        op.execute(sa.text(f"UPDATE {table} SET preferred_contact = '' WHERE preferred_contact = 'letter'"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_contact_way_known'), type_='check')
            batch_op.create_check_constraint('contact_way_known', OLD_WAYS)
    with op.batch_alter_table('funding_round', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_funding_round_reminder_days_range'), type_='check')
        batch_op.drop_column('reminder_days')
    op.drop_table('message_wording')
    op.drop_index(op.f('ix_message_application_id'), table_name='message')
    op.drop_index(op.f('ix_message_round_id'), table_name='message')
    op.drop_index('ix_message_recipient_kind', table_name='message')
    op.drop_index('ix_message_status_due', table_name='message')
    op.drop_table('message')
