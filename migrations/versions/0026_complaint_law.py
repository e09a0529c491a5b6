"""complaints to the letter of the law: the acceptance deadline and its overdue flag

Revision ID: 0026
Revises: 0020
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acceptance_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('acceptance_overdue', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.alter_column('acceptance_overdue', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('complaint', schema=None) as batch_op:
        batch_op.drop_column('acceptance_overdue')
        batch_op.drop_column('acceptance_due_on')
