"""the issued PDF of a decision (LibreOffice, signed with PAdES when configured), by SHA-256

Revision ID: 0023
Revises: 0020
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0023'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('decision', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pdf_sha256', sa.String(length=64), nullable=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        # In place (SQLite 3.35+): batch mode would copy the table, and dropping the old copy fails while
        # nominations and granted awards reference it (foreign keys are on).
        op.execute("ALTER TABLE decision DROP COLUMN pdf_sha256")
    else:
        op.drop_column('decision', 'pdf_sha256')
