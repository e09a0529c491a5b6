"""a nomination carries what tells its nominee apart besides the birth date: the gender and the keyed hash
of the national ID number (CCCD) entered at submission

Revision ID: 0032
Revises: 0028
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0032'
down_revision = '0028'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN: no copy of a table other tables' rows reference.
    op.add_column('nomination', sa.Column('nominee_gender', sa.Enum('male', 'female', name='gender',
                                                                    native_enum=False, length=10), nullable=True))
    op.add_column('nomination', sa.Column('nominee_national_id_hash', sa.String(length=64), nullable=True))


def downgrade() -> None:
    for column in ('nominee_national_id_hash', 'nominee_gender'):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE nomination DROP COLUMN {column}")  # in place, SQLite 3.35+
        else:
            op.drop_column('nomination', column)
