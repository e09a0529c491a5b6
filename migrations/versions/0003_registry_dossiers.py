"""registry dossiers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('awardee',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=True),
    sa.Column('kind', sa.Enum('individual', 'collective', name='awardee_kind', native_enum=False, length=20), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_folded', sa.String(length=300), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_awardee_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_awardee')),
    sa.UniqueConstraint('code', name=op.f('uq_awardee_code'))
    )
    with op.batch_alter_table('awardee', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_awardee_name_folded'), ['name_folded'], unique=False)
        batch_op.create_index(batch_op.f('ix_awardee_unit_id'), ['unit_id'], unique=False)

    op.create_table('decision_counter',
    sa.Column('issuer_unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_unit_id'], ['unit.id'], name=op.f('fk_decision_counter_issuer_unit_id_unit')),
    sa.PrimaryKeyConstraint('issuer_unit_id', 'year', name=op.f('pk_decision_counter'))
    )
    op.create_table('dossier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('title_folded', sa.String(length=500), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('regular', 'ad_hoc', 'thematic', 'lifetime', 'foreign', name='dossier_kind', native_enum=False, length=30), nullable=False),
    sa.Column('status', sa.Enum('draft', 'submitted', 'in_review', 'supplement_requested', 'decided', 'withdrawn', name='dossier_status', native_enum=False, length=30), nullable=False),
    sa.Column('proposing_unit_id', sa.Integer(), nullable=False),
    sa.Column('reviewing_unit_id', sa.Integer(), nullable=True),
    sa.Column('rules_version', sa.String(length=40), nullable=True),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decided_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=True),
    sa.Column('result_due_on', sa.Date(), nullable=True),
    sa.Column('supplement_request', sa.Text(), nullable=True),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.CheckConstraint('year BETWEEN 1945 AND 2200', name=op.f('ck_dossier_plausible_year')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_dossier_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_dossier_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['proposing_unit_id'], ['unit.id'], name=op.f('fk_dossier_proposing_unit_id_unit')),
    sa.ForeignKeyConstraint(['reviewing_unit_id'], ['unit.id'], name=op.f('fk_dossier_reviewing_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier'))
    )
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_proposing_unit_id'), ['proposing_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_reviewing_unit_id'), ['reviewing_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dossier_status'), ['status'], unique=False)

    op.create_table('decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('issuer_unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('symbol', sa.String(length=40), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('signer_title', sa.String(length=200), nullable=True),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('rules_version', sa.String(length=40), nullable=True),
    sa.Column('status', sa.Enum('issued', 'cancelled', name='decision_status', native_enum=False, length=30), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_decision_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['issuer_unit_id'], ['unit.id'], name=op.f('fk_decision_issuer_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_decision')),
    sa.UniqueConstraint('issuer_unit_id', 'year', 'number', name='uq_decision_issuer_year_number')
    )
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decision_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decision_issuer_unit_id'), ['issuer_unit_id'], unique=False)

    op.create_table('notification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_notification_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_notification_user_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification'))
    )
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notification_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notification_user_id'), ['user_id'], unique=False)

    op.create_table('nomination',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('award_type', sa.String(length=40), nullable=False),
    sa.Column('nominee_kind', sa.String(length=20), nullable=False),
    sa.Column('awardee_id', sa.Integer(), nullable=True),
    sa.Column('nominee_name', sa.String(length=300), nullable=False),
    sa.Column('nominee_position', sa.String(length=200), nullable=True),
    sa.Column('nominee_unit', sa.String(length=300), nullable=True),
    sa.Column('achievements', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'frozen', 'approved', 'rejected', 'forwarded', 'revoked', name='nomination_status', native_enum=False, length=30), nullable=False),
    sa.Column('deciding_unit_id', sa.Integer(), nullable=True),
    sa.Column('eligible', sa.Boolean(), nullable=True),
    sa.Column('appraisal_note', sa.Text(), nullable=True),
    sa.Column('checks', sa.JSON(), nullable=True),
    sa.Column('outcome_note', sa.Text(), nullable=True),
    sa.Column('decided_by_unit_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("nominee_kind IN ('individual', 'collective')", name=op.f('ck_nomination_known_nominee_kind')),
    sa.CheckConstraint("status <> 'rejected' OR outcome_note IS NOT NULL", name=op.f('ck_nomination_rejection_has_reason')),
    sa.ForeignKeyConstraint(['awardee_id'], ['awardee.id'], name=op.f('fk_nomination_awardee_id_awardee')),
    sa.ForeignKeyConstraint(['decided_by_unit_id'], ['unit.id'], name=op.f('fk_nomination_decided_by_unit_id_unit')),
    sa.ForeignKeyConstraint(['deciding_unit_id'], ['unit.id'], name=op.f('fk_nomination_deciding_unit_id_unit')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_nomination_decision_id_decision')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_nomination_dossier_id_dossier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nomination'))
    )
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nomination_awardee_id'), ['awardee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nomination_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('submission', 'achievement_report', 'council_minutes', 'evidence', 'other', name='attachment_kind', native_enum=False, length=30), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_attachment_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_attachment_nomination_id_nomination'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_attachment_uploaded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_dossier_id'), ['dossier_id'], unique=False)

    op.create_table('granted_award',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('awardee_id', sa.Integer(), nullable=False),
    sa.Column('award_type', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('dossier_kind', sa.String(length=20), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['awardee_id'], ['awardee.id'], name=op.f('fk_granted_award_awardee_id_awardee')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_granted_award_decision_id_decision')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_granted_award_nomination_id_nomination')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_granted_award'))
    )
    with op.batch_alter_table('granted_award', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_granted_award_awardee_id'), ['awardee_id'], unique=False)

    op.create_table('initiative',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('awardee_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('used_by_nomination_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['awardee_id'], ['awardee.id'], name=op.f('fk_initiative_awardee_id_awardee')),
    sa.ForeignKeyConstraint(['used_by_nomination_id'], ['nomination.id'], name=op.f('fk_initiative_used_by_nomination_id_nomination')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_initiative'))
    )
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_initiative_awardee_id'), ['awardee_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('initiative', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_initiative_awardee_id'))

    op.drop_table('initiative')
    with op.batch_alter_table('granted_award', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_granted_award_awardee_id'))

    op.drop_table('granted_award')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_dossier_id'))

    op.drop_table('attachment')
    with op.batch_alter_table('nomination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nomination_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_nomination_awardee_id'))

    op.drop_table('nomination')
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notification_user_id'))
        batch_op.drop_index(batch_op.f('ix_notification_dossier_id'))

    op.drop_table('notification')
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decision_issuer_unit_id'))
        batch_op.drop_index(batch_op.f('ix_decision_dossier_id'))

    op.drop_table('decision')
    with op.batch_alter_table('dossier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_status'))
        batch_op.drop_index(batch_op.f('ix_dossier_reviewing_unit_id'))
        batch_op.drop_index(batch_op.f('ix_dossier_proposing_unit_id'))

    op.drop_table('dossier')
    op.drop_table('decision_counter')
    with op.batch_alter_table('awardee', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_awardee_unit_id'))
        batch_op.drop_index(batch_op.f('ix_awardee_name_folded'))

    op.drop_table('awardee')
