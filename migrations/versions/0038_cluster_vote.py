"""the cluster's vote (suy tôn): the vote of a cluster's year, who voted, and the ballot box

Revision ID: 0038
Revises: 0040
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0038'
down_revision = "0040"
branch_labels = None
depends_on = None

# New tables only: nothing existing is copied or altered.


def upgrade() -> None:
    op.create_table('emulation_cluster_vote',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cluster_year_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'tallied', name='cluster_vote_status', native_enum=False, length=20),
              nullable=False),
    sa.Column('candidates', sa.JSON(), nullable=False),
    sa.Column('voters', sa.JSON(), nullable=False),
    sa.Column('awards', sa.JSON(), nullable=False),
    sa.Column('threshold', sa.JSON(), nullable=False),
    sa.Column('limits', sa.JSON(), nullable=False),
    sa.Column('results', sa.JSON(), nullable=True),
    sa.Column('closed_how', sa.Enum('all_voted', 'closed_by_chair', name='vote_closing', native_enum=False,
                                    length=30), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('opened_by_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['cluster_year_id'], ['emulation_cluster_year.id'],
                            name=op.f('fk_emulation_cluster_vote_cluster_year_id_emulation_cluster_year')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'],
                            name=op.f('fk_emulation_cluster_vote_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_emulation_cluster_vote_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['opened_by_id'], ['app_user.id'],
                            name=op.f('fk_emulation_cluster_vote_opened_by_id_app_user')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'],
                            name=op.f('fk_emulation_cluster_vote_closed_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_emulation_cluster_vote')),
    sa.UniqueConstraint('cluster_year_id', name=op.f('uq_emulation_cluster_vote_cluster_year_id'))
    )
    op.create_table('emulation_cluster_vote_participation',
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['emulation_cluster_vote.id'],
                            name=op.f('fk_emulation_cluster_vote_participation_vote_id_emulation_cluster_vote'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'],
                            name=op.f('fk_emulation_cluster_vote_participation_unit_id_unit')),
    sa.PrimaryKeyConstraint('vote_id', 'unit_id', name=op.f('pk_emulation_cluster_vote_participation'))
    )
    op.create_table('emulation_cluster_ballot',
    sa.Column('receipt', sa.String(length=40), nullable=False),
    sa.Column('vote_id', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['vote_id'], ['emulation_cluster_vote.id'],
                            name=op.f('fk_emulation_cluster_ballot_vote_id_emulation_cluster_vote'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('receipt', name=op.f('pk_emulation_cluster_ballot'))
    )
    op.create_index(op.f('ix_emulation_cluster_ballot_vote_id'), 'emulation_cluster_ballot', ['vote_id'], unique=False)
    op.create_table('emulation_cluster_ballot_choice',
    sa.Column('receipt', sa.String(length=40), nullable=False),
    sa.Column('candidate_unit_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['receipt'], ['emulation_cluster_ballot.receipt'],
                            name=op.f('fk_emulation_cluster_ballot_choice_receipt_emulation_cluster_ballot'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['candidate_unit_id'], ['unit.id'],
                            name=op.f('fk_emulation_cluster_ballot_choice_candidate_unit_id_unit')),
    sa.PrimaryKeyConstraint('receipt', 'candidate_unit_id', name=op.f('pk_emulation_cluster_ballot_choice'))
    )


def downgrade() -> None:
    op.drop_table('emulation_cluster_ballot_choice')
    op.drop_index(op.f('ix_emulation_cluster_ballot_vote_id'), table_name='emulation_cluster_ballot')
    op.drop_table('emulation_cluster_ballot')
    op.drop_table('emulation_cluster_vote_participation')
    op.drop_table('emulation_cluster_vote')
