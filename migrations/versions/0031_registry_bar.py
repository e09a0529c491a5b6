"""barred cases: a dated flag on a registry entry (disciplinary review, investigation, inspection,
petition under verification), set and lifted by the standing office with a reason

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0031'
down_revision = '0030'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registry_bar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('awardee_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Enum('disciplinary_review', 'investigation', 'inspection', 'petition',
                                name='bar_reason', native_enum=False, length=30), nullable=False),
    sa.Column('from_date', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('set_by_id', sa.Integer(), nullable=False),
    sa.Column('set_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('lifted_on', sa.Date(), nullable=True),
    sa.Column('lift_note', sa.Text(), nullable=True),
    sa.Column('lifted_by_id', sa.Integer(), nullable=True),
    sa.Column('lifted_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['awardee_id'], ['awardee.id'], name=op.f('fk_registry_bar_awardee_id_awardee')),
    sa.ForeignKeyConstraint(['set_by_id'], ['app_user.id'], name=op.f('fk_registry_bar_set_by_id_app_user')),
    sa.ForeignKeyConstraint(['lifted_by_id'], ['app_user.id'], name=op.f('fk_registry_bar_lifted_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_registry_bar'))
    )
    with op.batch_alter_table('registry_bar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_registry_bar_awardee_id'), ['awardee_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('registry_bar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_registry_bar_awardee_id'))
    op.drop_table('registry_bar')
