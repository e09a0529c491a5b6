"""council

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('council_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('open', 'tallied', name='council_session_status', native_enum=False, length=20), nullable=False),
    sa.Column('rules_version', sa.String(length=40), nullable=False),
    sa.Column('members_total', sa.Integer(), nullable=False),
    sa.Column('quorum', sa.String(length=10), nullable=False),
    sa.Column('recusal_policy', sa.String(length=30), nullable=False),
    sa.Column('present', sa.Integer(), nullable=True),
    sa.Column('written_votes', sa.Integer(), nullable=True),
    sa.Column('closed_how', sa.String(length=30), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('opened_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('minutes_sha256', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['app_user.id'], name=op.f('fk_council_session_closed_by_id_app_user')),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_council_session_council_id_council')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_council_session_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_council_session_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_session'))
    )
    with op.batch_alter_table('council_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_session_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_session_unit_id'), ['unit_id'], unique=False)

    op.create_table('council_ballot',
    sa.Column('receipt', sa.String(length=40), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('counted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['council_session.id'], name=op.f('fk_council_ballot_session_id_council_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('receipt', name=op.f('pk_council_ballot'))
    )
    with op.batch_alter_table('council_ballot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_ballot_session_id'), ['session_id'], unique=False)

    op.create_table('council_participation',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['council_session.id'], name=op.f('fk_council_participation_session_id_council_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_council_participation_user_id_app_user')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_council_participation'))
    )
    op.create_table('council_session_member',
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Enum('chair', 'secretary', 'member', name='council_member_position', native_enum=False, length=20), nullable=False),
    sa.Column('present', sa.Boolean(), nullable=True),
    sa.Column('written_vote', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['council_session.id'], name=op.f('fk_council_session_member_session_id_council_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_council_session_member_user_id_app_user')),
    sa.PrimaryKeyConstraint('session_id', 'user_id', name=op.f('pk_council_session_member'))
    )
    op.create_table('council_agenda_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('secret', sa.Boolean(), nullable=False),
    sa.Column('threshold', sa.JSON(), nullable=False),
    sa.Column('recused', sa.JSON(), nullable=False),
    sa.Column('recusal_reason', sa.Text(), nullable=True),
    sa.Column('yes', sa.Integer(), nullable=True),
    sa.Column('no', sa.Integer(), nullable=True),
    sa.Column('abstain', sa.Integer(), nullable=True),
    sa.Column('base', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_council_agenda_item_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['session_id'], ['council_session.id'], name=op.f('fk_council_agenda_item_session_id_council_session'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_agenda_item'))
    )
    with op.batch_alter_table('council_agenda_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_council_agenda_item_nomination_id'), ['nomination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_council_agenda_item_session_id'), ['session_id'], unique=False)

    op.create_table('council_ballot_choice',
    sa.Column('receipt', sa.String(length=40), nullable=False),
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='vote_choice', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['council_agenda_item.id'], name=op.f('fk_council_ballot_choice_agenda_item_id_council_agenda_item')),
    sa.ForeignKeyConstraint(['receipt'], ['council_ballot.receipt'], name=op.f('fk_council_ballot_choice_receipt_council_ballot'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('receipt', 'agenda_item_id', name=op.f('pk_council_ballot_choice'))
    )
    op.create_table('council_named_vote',
    sa.Column('agenda_item_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('choice', sa.Enum('yes', 'no', 'abstain', name='vote_choice', native_enum=False, length=20), nullable=False),
    sa.ForeignKeyConstraint(['agenda_item_id'], ['council_agenda_item.id'], name=op.f('fk_council_named_vote_agenda_item_id_council_agenda_item')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_council_named_vote_user_id_app_user')),
    sa.PrimaryKeyConstraint('agenda_item_id', 'user_id', name=op.f('pk_council_named_vote'))
    )


def downgrade() -> None:
    op.drop_table('council_named_vote')
    op.drop_table('council_ballot_choice')
    with op.batch_alter_table('council_agenda_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_agenda_item_session_id'))
        batch_op.drop_index(batch_op.f('ix_council_agenda_item_nomination_id'))

    op.drop_table('council_agenda_item')
    op.drop_table('council_session_member')
    op.drop_table('council_participation')
    with op.batch_alter_table('council_ballot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_ballot_session_id'))

    op.drop_table('council_ballot')
    with op.batch_alter_table('council_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_council_session_unit_id'))
        batch_op.drop_index(batch_op.f('ix_council_session_dossier_id'))

    op.drop_table('council_session')
