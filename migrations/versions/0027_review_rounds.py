"""review rounds (đợt xét khen thưởng) of a level and the dossiers that joined them

Revision ID: 0027
Revises: 0022
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0027'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('review_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('kind', sa.Enum('annual', 'school_year', 'thematic', 'ad_hoc', name='round_kind',
                              native_enum=False, length=20), nullable=False),
    sa.Column('movement', sa.String(length=300), nullable=True),
    sa.Column('award_types', sa.JSON(), nullable=False),
    sa.Column('cutoff_on', sa.Date(), nullable=False),
    sa.Column('council_on', sa.Date(), nullable=True),
    sa.Column('late_policy', sa.Enum('refuse', 'next_round', name='round_late_policy', native_enum=False,
                                     length=20), nullable=False),
    sa.Column('status', sa.Enum('open', 'closed', name='round_status', native_enum=False, length=20),
              nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('council_on IS NULL OR council_on >= cutoff_on',
                       name=op.f('ck_review_round_council_after_cutoff')),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_review_round_closed_has_time')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_review_round_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_review_round_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_review_round_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_round'))
    )
    op.create_index(op.f('ix_review_round_status'), 'review_round', ['status'], unique=False)
    op.create_index(op.f('ix_review_round_unit_id'), 'review_round', ['unit_id'], unique=False)
    op.create_table('review_round_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=True),
    sa.Column('late', sa.Boolean(), nullable=False),
    sa.Column('entered_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('joined_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(round_id IS NULL) = (joined_at IS NULL)', name=op.f('ck_review_round_entry_joined_has_time')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_review_round_entry_dossier_id_dossier'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['round_id'], ['review_round.id'],
                            name=op.f('fk_review_round_entry_round_id_review_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_review_round_entry_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_round_entry')),
    sa.UniqueConstraint('dossier_id', 'unit_id', name='uq_review_round_entry_dossier_unit')
    )
    op.create_index(op.f('ix_review_round_entry_dossier_id'), 'review_round_entry', ['dossier_id'], unique=False)
    op.create_index(op.f('ix_review_round_entry_round_id'), 'review_round_entry', ['round_id'], unique=False)
    op.create_index(op.f('ix_review_round_entry_unit_id'), 'review_round_entry', ['unit_id'], unique=False)


def downgrade() -> None:
    op.drop_table('review_round_entry')
    op.drop_table('review_round')
