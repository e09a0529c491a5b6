"""one council sitting per review round and level: the sitting (its real time and place) and the
dossiers' council sessions taken at it

Revision ID: 0035
Revises: 0029
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0035'
down_revision = '0029'
branch_labels = None
depends_on = None

# New tables only: nothing existing is copied or altered.


def upgrade() -> None:
    op.create_table('council_sitting',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'tallied', name='council_sitting_status', native_enum=False, length=20),
              nullable=False),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('held_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('place', sa.String(length=300), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['review_round.id'], name=op.f('fk_council_sitting_round_id_review_round')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_council_sitting_unit_id_unit')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['app_user.id'], name=op.f('fk_council_sitting_opened_by_id_app_user')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_council_sitting_closed_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_sitting')),
    sa.UniqueConstraint('round_id', name=op.f('uq_council_sitting_round_id'))
    )
    op.create_index(op.f('ix_council_sitting_unit_id'), 'council_sitting', ['unit_id'], unique=False)
    op.create_table('council_sitting_session',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['council_session.id'],
                            name=op.f('fk_council_sitting_session_session_id_council_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sitting_id'], ['council_sitting.id'],
                            name=op.f('fk_council_sitting_session_sitting_id_council_sitting'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('session_id', name=op.f('pk_council_sitting_session'))
    )
    op.create_index(op.f('ix_council_sitting_session_sitting_id'), 'council_sitting_session', ['sitting_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_council_sitting_session_sitting_id'), table_name='council_sitting_session')
    op.drop_table('council_sitting_session')
    op.drop_index(op.f('ix_council_sitting_unit_id'), table_name='council_sitting')
    op.drop_table('council_sitting')
