"""complaints

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rate_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rate_event'))
    )
    with op.batch_alter_table('rate_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_event_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rate_event_key'), ['key'], unique=False)

    op.create_table('complaint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('complaint', 'denunciation', name='complaint_kind', native_enum=False, length=30), nullable=False),
    sa.Column('tracking_code', sa.String(length=24), nullable=False),
    sa.Column('instance_level', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('decision_id', sa.Integer(), nullable=True),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('dossier_id', sa.Integer(), nullable=True),
    sa.Column('handling_unit_id', sa.Integer(), nullable=False),
    sa.Column('complainant_name', sa.String(length=200), nullable=False),
    sa.Column('complainant_contact', sa.String(length=300), nullable=False),
    sa.Column('complainant_user_id', sa.Integer(), nullable=True),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('remote_area', sa.Boolean(), nullable=False),
    sa.Column('complex', sa.Boolean(), nullable=False),
    sa.Column('especially_complex', sa.Boolean(), nullable=False),
    sa.Column('extensions', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('received', 'refused', 'investigating', 'resolved', name='complaint_status', native_enum=False, length=30), nullable=False),
    sa.Column('filed_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('resolved_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('revoke', sa.Boolean(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('froze_nomination', sa.Boolean(), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('decision_id IS NOT NULL OR nomination_id IS NOT NULL OR dossier_id IS NOT NULL', name=op.f('ck_complaint_has_subject')),
    sa.ForeignKeyConstraint(['complainant_user_id'], ['app_user.id'], name=op.f('fk_complaint_complainant_user_id_app_user')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_complaint_decision_id_decision')),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_complaint_dossier_id_dossier')),
    sa.ForeignKeyConstraint(['handling_unit_id'], ['unit.id'], name=op.f('fk_complaint_handling_unit_id_unit')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_complaint_instance_id_process_instance')),
    sa.ForeignKeyConstraint(['nomination_id'], ['nomination.id'], name=op.f('fk_complaint_nomination_id_nomination')),
    sa.ForeignKeyConstraint(['parent_id'], ['complaint.id'], name=op.f('fk_complaint_parent_id_complaint')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint')),
    sa.UniqueConstraint('tracking_code', name=op.f('uq_complaint_tracking_code'))
    )
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_complainant_user_id'), ['complainant_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_dossier_id'), ['dossier_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_handling_unit_id'), ['handling_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_nomination_id'), ['nomination_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_complaint_status'), ['status'], unique=False)

    op.create_table('revocation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('decision_id', sa.Integer(), nullable=False),
    sa.Column('granting_unit_id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=True),
    sa.Column('ground', sa.Enum('false_declaration', 'forged_documents', 'wrong_procedure', 'criteria_not_met', name='revocation_ground', native_enum=False, length=30), nullable=True),
    sa.Column('nomination_ids', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('status', sa.Enum('preparing', 'rejected', 'recovering', 'closed', name='revocation_status', native_enum=False, length=30), nullable=False),
    sa.Column('cancellation_decision_id', sa.Integer(), nullable=True),
    sa.Column('recovery_note', sa.Text(), nullable=True),
    sa.Column('recovered_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('instance_id', sa.Integer(), nullable=True),
    sa.Column('details', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['cancellation_decision_id'], ['decision.id'], name=op.f('fk_revocation_cancellation_decision_id_decision')),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_revocation_complaint_id_complaint')),
    sa.ForeignKeyConstraint(['created_by_id'], ['app_user.id'], name=op.f('fk_revocation_created_by_id_app_user')),
    sa.ForeignKeyConstraint(['decision_id'], ['decision.id'], name=op.f('fk_revocation_decision_id_decision')),
    sa.ForeignKeyConstraint(['granting_unit_id'], ['unit.id'], name=op.f('fk_revocation_granting_unit_id_unit')),
    sa.ForeignKeyConstraint(['instance_id'], ['process_instance.id'], name=op.f('fk_revocation_instance_id_process_instance')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_revocation'))
    )
    with op.batch_alter_table('revocation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revocation_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_revocation_granting_unit_id'), ['granting_unit_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('revocation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revocation_granting_unit_id'))
        batch_op.drop_index(batch_op.f('ix_revocation_decision_id'))

    op.drop_table('revocation')
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_status'))
        batch_op.drop_index(batch_op.f('ix_complaint_nomination_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_handling_unit_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_dossier_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_decision_id'))
        batch_op.drop_index(batch_op.f('ix_complaint_complainant_user_id'))

    op.drop_table('complaint')
    with op.batch_alter_table('rate_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_event_key'))
        batch_op.drop_index(batch_op.f('ix_rate_event_at'))

    op.drop_table('rate_event')
