"""the public lookup's reads walk an index in the order they show: issued decisions newest first
(overall, and per issuer), decisions by number and year, a decision's nominations by id

Revision ID: 0050
Revises: 0046
Create Date: 2026-11-30
"""
from alembic import op

revision = '0050'
down_revision = '0046'
branch_labels = None
depends_on = None

_INDEXES = (
    ('ix_decision_status_signed_id', 'decision', ['status', 'signed_on', 'id']),
    ('ix_decision_issuer_signed_id', 'decision', ['issuer_unit_id', 'status', 'signed_on', 'id']),
    ('ix_decision_number_year', 'decision', ['number', 'year', 'status', 'signed_on', 'id']),
    ('ix_nomination_decision_id', 'nomination', ['decision_id', 'id']),
)


def upgrade() -> None:
    for name, table, columns in _INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _ in reversed(_INDEXES):
        op.drop_index(name, table_name=table)
