"""administration without YAML and mail: a password to change at next log-in, a user's e-mail address and
the kinds of mail they unsubscribed from, when a notification was mailed, and the dated history of a council's composition (kiện toàn)

Revision ID: 0033
Revises: 0031
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0033'
down_revision = '0031'
branch_labels = None
depends_on = None

# Plain ADD COLUMN (no table copy on SQLite: foreign keys point at app_user); the server defaults fill
# the existing rows and stay.


def upgrade() -> None:
    op.add_column('app_user', sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                        server_default=sa.false()))
    op.add_column('app_user', sa.Column('email', sa.String(length=200), nullable=True))
    op.add_column('app_user', sa.Column('mail_unsubscribed', sa.JSON(), nullable=False, server_default='[]'))
    op.add_column('notification', sa.Column('mailed_at', engine.db.UTCDateTime(timezone=True), nullable=True))
    op.create_index(op.f('ix_notification_mailed_at'), 'notification', ['mailed_at'], unique=False)
    op.create_table('council_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('council_id', sa.Integer(), nullable=False),
    sa.Column('effective_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=120), nullable=True),
    sa.Column('chair_id', sa.Integer(), nullable=False),
    sa.Column('secretary_id', sa.Integer(), nullable=False),
    sa.Column('members', sa.JSON(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('applied_at', engine.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['council_id'], ['council.id'], name=op.f('fk_council_change_council_id_council'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['chair_id'], ['app_user.id'], name=op.f('fk_council_change_chair_id_app_user')),
    sa.ForeignKeyConstraint(['secretary_id'], ['app_user.id'], name=op.f('fk_council_change_secretary_id_app_user')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['app_user.id'],
                            name=op.f('fk_council_change_recorded_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_council_change'))
    )
    op.create_index(op.f('ix_council_change_council_id'), 'council_change', ['council_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_council_change_council_id'), table_name='council_change')
    op.drop_table('council_change')
    op.drop_index(op.f('ix_notification_mailed_at'), table_name='notification')
    op.execute("ALTER TABLE notification DROP COLUMN mailed_at")
    op.execute("ALTER TABLE app_user DROP COLUMN mail_unsubscribed")
    op.execute("ALTER TABLE app_user DROP COLUMN email")
    op.execute("ALTER TABLE app_user DROP COLUMN must_change_password")
