"""process_instance.revision: a random token per saved state, the key of the per-process workflow cache

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Rows saved before this migration keep '' until their next save: the cache never serves ''.
    with op.batch_alter_table('process_instance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revision', sa.String(length=32), server_default='', nullable=False))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # SQLite 3.35+ drops a plain column in place; batch mode would copy the table, and dropping the
        # old copy fails while human_task and timer rows reference it (foreign keys are on).
        op.execute("ALTER TABLE process_instance DROP COLUMN revision")
    else:
        op.drop_column('process_instance', 'revision')
