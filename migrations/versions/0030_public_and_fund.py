"""the public pages (lists under disclosure and citizens' comments on them, exemplary people and
models) and the reward fund (entries, payouts of issued decisions)

Revision ID: 0030
Revises: 0032
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0030'
down_revision = '0032'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fund_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('budget', 'income', name='fund_entry_kind', native_enum=False, length=20), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_fund_entry_positive_amount')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_fund_entry_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_fund_entry_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_entry'))
    )
    with op.batch_alter_table('fund_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_entry_unit_id'), ['unit_id'], unique=False)

    op.create_table('exemplar',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('advanced', 'good_deed', name='exemplar_kind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_folded', sa.String(length=300), nullable=False),
    sa.Column('awardee_id', sa.Integer(), nullable=True),
    sa.Column('movement', sa.String(length=300), nullable=True),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('story', sa.Text(), nullable=False),
    sa.Column('photo_sha256', sa.String(length=64), nullable=True),
    sa.Column('photo_type', sa.String(length=100), nullable=True),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['awardee_id'], ['awardee.id'], name=op.f('fk_exemplar_awardee_id_awardee')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_exemplar_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_exemplar_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exemplar'))
    )
    with op.batch_alter_table('exemplar', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_exemplar_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemplar_published'), ['published'], unique=False)
        batch_op.create_index(batch_op.f('ix_exemplar_unit_id'), ['unit_id'], unique=False)

    op.create_table('disclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('nomination_ids', sa.JSON(), nullable=False),
    sa.Column('opened_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('until', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_disclosure_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_disclosure_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure'))
    )
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_unit_id'), ['unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disclosure_until'), ['until'], unique=False)

    op.create_table('fund_payout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=False),
    sa.Column('awardee_name', sa.String(length=300), nullable=False),
    sa.Column('award_type', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('paid_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('paid_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(paid_at IS NULL) = (paid_by_id IS NULL)', name=op.f('ck_fund_payout_paid_by_whom')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_fund_payout_positive_amount')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_fund_payout_decision_id_decision')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_fund_payout_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['paid_by_id'], ['app_user.id'], name=op.f('fk_fund_payout_paid_by_id_app_user')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_fund_payout_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fund_payout')),
    sa.UniqueConstraint('nomination_id', name='uq_fund_payout_nomination')
    )
    with op.batch_alter_table('fund_payout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fund_payout_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fund_payout_unit_id'), ['unit_id'], unique=False)

    op.create_table('disclosure_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('disclosure_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('author', sa.String(length=200), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_disclosure_comment_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['disclosure_id'], ['disclosure.id'], name=op.f('fk_disclosure_comment_disclosure_id_disclosure'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_disclosure_comment_nomination_id_nomination'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disclosure_comment'))
    )
    with op.batch_alter_table('disclosure_comment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_disclosure_comment_disclosure_id'), ['disclosure_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('disclosure_comment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_comment_disclosure_id'))

    op.drop_table('disclosure_comment')
    with op.batch_alter_table('fund_payout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_payout_unit_id'))
        batch_op.drop_index(batch_op.f('ix_fund_payout_decision_id'))

    op.drop_table('fund_payout')
    with op.batch_alter_table('disclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disclosure_until'))
        batch_op.drop_index(batch_op.f('ix_disclosure_unit_id'))
        batch_op.drop_index(batch_op.f('ix_disclosure_dossier_id'))

    op.drop_table('disclosure')
    with op.batch_alter_table('exemplar', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exemplar_unit_id'))
        batch_op.drop_index(batch_op.f('ix_exemplar_published'))
        batch_op.drop_index(batch_op.f('ix_exemplar_name_folded'))

    op.drop_table('exemplar')
    with op.batch_alter_table('fund_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fund_entry_unit_id'))

    op.drop_table('fund_entry')
