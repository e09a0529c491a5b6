"""attachments removed or replaced by the proposer while the dossier could change, kept with who
removed them when (the file stays in the store)

Revision ID: 0025
Revises: 0020
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0025'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('removed_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.Column('dossier_id', sa.Integer(), nullable=False),
    sa.Column('nomination_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('submission', 'achievement_report', 'council_minutes', 'evidence', 'other', name='attachment_kind', native_enum=False, length=30), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_by_id', sa.Integer(), nullable=False),
    sa.Column('removed_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('replaced_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['dossier_id'], ['dossier.id'], name=op.f('fk_removed_attachment_dossier_id_dossier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['removed_by_id'], ['app_user.id'], name=op.f('fk_removed_attachment_removed_by_id_app_user')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_removed_attachment_uploaded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_removed_attachment'))
    )
    with op.batch_alter_table('removed_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_removed_attachment_dossier_id'), ['dossier_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('removed_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_removed_attachment_dossier_id'))

    op.drop_table('removed_attachment')
