"""periodic reports' deadlines: the last day set by the level above (report_deadline), the due date
a report is started with and when its timer flagged it late

Revision ID: 0040
Revises: 0035
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0040'
down_revision = '0035'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('report_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('mid_year', 'year_end', name='report_kind', native_enum=False, length=20),
              nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('set_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_report_deadline_unit_id_unit')),
    sa.ForeignKeyConstraint(['set_by_id'], ['app_user.id'], name=op.f('fk_report_deadline_set_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_deadline')),
    sa.UniqueConstraint('unit_id', 'year', 'kind', name='uq_report_deadline_unit_year_kind')
    )
    op.add_column('periodic_report', sa.Column('due_on', sa.Date(), nullable=True))
    op.add_column('periodic_report', sa.Column('overdue_at', engine.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('periodic_report', 'overdue_at')
    op.drop_column('periodic_report', 'due_on')
    op.drop_table('report_deadline')
