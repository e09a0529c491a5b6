"""complaints to the letter of the law: the acceptance deadline and its overdue flag, the public
filer's escalation secret (its hash), units in remote areas, the day the complainant learned of the decision, the complainant's address and
the documents filed with a complaint

Revision ID: 0026
Revises: 0020
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0026'
down_revision = '0021'
branch_labels = None
depends_on = None

# Plain ADD COLUMN (no table copy on SQLite, whose copy would trip the foreign keys pointing at these
# tables); the server defaults fill the existing rows and stay.


def upgrade() -> None:
    op.add_column('complaint', sa.Column('acceptance_due_on', sa.Date(), nullable=True))
    op.add_column('complaint', sa.Column('acceptance_overdue', sa.Boolean(), nullable=False,
                                         server_default=sa.false()))
    op.add_column('complaint', sa.Column('secret_hash', sa.String(length=64), nullable=True))
    op.add_column('complaint', sa.Column('learned_on', sa.Date(), nullable=True))
    op.add_column('complaint', sa.Column('complainant_address', sa.String(length=300), nullable=True))
    op.create_table('complaint_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaint.id'], name=op.f('fk_complaint_attachment_complaint_id_complaint'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_attachment'))
    )
    with op.batch_alter_table('complaint_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_attachment_complaint_id'), ['complaint_id'], unique=False)
    op.add_column('unit', sa.Column('remote_area', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    op.drop_table('complaint_attachment')
    drops = {'unit': ['remote_area'],
             'complaint': ['complainant_address', 'learned_on', 'secret_hash', 'acceptance_overdue',
                           'acceptance_due_on']}
    for table, columns in drops.items():
        for column in columns:
            if op.get_bind().dialect.name == "sqlite":
                # In place (SQLite 3.35+): batch mode would copy the table, and dropping the old copy fails
                # while other rows reference it (foreign keys are on).
                op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
            else:
                op.drop_column(table, column)
