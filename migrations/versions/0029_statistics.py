"""periodic reports up the tree (sơ kết, tổng kết); statistics by period: indexes on the decision's signing day, the dossier's submission time and the
nomination's decision with what the statistics group it by (award type, kind of awardee, status)

Revision ID: 0029
Revises: 0033
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0029'
down_revision = '0033'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('periodic_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('recipient_unit_id', sa.Integer(), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('mid_year', 'year_end', name='report_kind', native_enum=False, length=20), nullable=False),
    sa.Column('status', sa.Enum('drafting', 'submitted', name='report_status', native_enum=False, length=20),
              nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('figures', sa.JSON(), nullable=True),
    sa.Column('remarks', sa.Text(), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], ),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], ),
    sa.ForeignKeyConstraint(['recipient_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'year', 'kind', name='uq_periodic_report_unit_year_kind')
    )
    op.create_index('ix_periodic_report_unit_id', 'periodic_report', ['unit_id'], unique=False)
    op.create_index('ix_periodic_report_recipient_unit_id', 'periodic_report', ['recipient_unit_id'], unique=False)
    op.create_index('ix_decision_signed_on', 'decision', ['signed_on'], unique=False)
    op.create_index('ix_dossier_submitted_at', 'dossier', ['submitted_at'], unique=False)
    op.create_index('ix_nomination_decision_granted', 'nomination',
                    ['decision_id', 'status', 'award_type', 'nominee_kind'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_nomination_decision_granted', table_name='nomination')
    op.drop_index('ix_dossier_submitted_at', table_name='dossier')
    op.drop_index('ix_decision_signed_on', table_name='decision')
    op.drop_index('ix_periodic_report_recipient_unit_id', table_name='periodic_report')
    op.drop_index('ix_periodic_report_unit_id', table_name='periodic_report')
    op.drop_table('periodic_report')
