"""decisions that tell the truth, and closing the loop (issue 14)

The panel's recommendation beside staff's decision, how an application below the quorum was
settled, a reason required before a decision is confirmed, staff's review of each panel comment
before it reaches the applicant, the reason a proposal was removed, and when a round's
"You said, we did" page was published.

Revision ID: decisions_loop
Revises: cost_involvement
Create Date: 2026-12-06 06:10:00

"""
from alembic import op
import sqlalchemy as sa

import panel.models.types  # noqa: F401  (custom column types)


# revision identifiers, used by Alembic.
revision = 'decisions_loop'
down_revision = 'cost_involvement'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feedback_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('review_id', sa.Integer(), nullable=False),
    sa.Column('part', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', panel.models.types.UTCDateTime(), nullable=False),
    sa.CheckConstraint("status IN ('include', 'leave_out')", name=op.f('ck_feedback_comment_status_known')),
    sa.ForeignKeyConstraint(['application_id'], ['application.id'], name=op.f('fk_feedback_comment_application_id_application'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_feedback_comment_review_id_review'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_feedback_comment_reviewed_by_id_user_account'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['round_id'], ['funding_round.id'], name=op.f('fk_feedback_comment_round_id_funding_round'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback_comment')),
    sa.UniqueConstraint('review_id', 'part', name=op.f('uq_feedback_comment_review_id_part'))
    )
    with op.batch_alter_table('feedback_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_comment_round_id'), ['round_id'], unique=False)

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('panel_recommendation', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('chair_note', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('quorum_resolution', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('quorum_note', sa.Text(), server_default='', nullable=False))
        batch_op.create_check_constraint(op.f('ck_decision_confirmed_has_reason'), "status = 'draft' OR reason <> ''")
        batch_op.create_check_constraint(op.f('ck_decision_recommendation_known'), "panel_recommendation IS NULL OR panel_recommendation IN ('recommend', 'do_not_recommend', 'reserve')")
        batch_op.create_check_constraint(op.f('ck_decision_resolution_known'), "quorum_resolution IS NULL OR quorum_resolution IN ('scored_at_meeting', 'without_score')")
        batch_op.create_check_constraint(op.f('ck_decision_resolution_has_note'), "quorum_resolution IS NULL OR quorum_note <> ''")

    with op.batch_alter_table('funding_round', schema=None) as batch_op:
        batch_op.add_column(sa.Column('outcome_published_at', panel.models.types.UTCDateTime(), nullable=True))

    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_reason', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('criterion', schema=None) as batch_op:
        batch_op.drop_column('removed_reason')

    with op.batch_alter_table('funding_round', schema=None) as batch_op:
        batch_op.drop_column('outcome_published_at')

    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_decision_resolution_has_note'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_decision_resolution_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_decision_recommendation_known'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_decision_confirmed_has_reason'), type_='check')
        batch_op.drop_column('quorum_note')
        batch_op.drop_column('quorum_resolution')
        batch_op.drop_column('chair_note')
        batch_op.drop_column('panel_recommendation')

    with op.batch_alter_table('feedback_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_comment_round_id'))

    op.drop_table('feedback_comment')
