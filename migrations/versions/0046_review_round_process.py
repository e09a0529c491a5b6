"""a review round runs a process of its own (workflows/review_round.bpmn): its instance, and when the
process recorded the intake closed

Revision ID: 0046
Revises: 0044
Create Date: 2026-11-30

Rounds opened before this revision keep `instance_id` NULL: their head's decision takes the path it took
before (docs/rounds.md, "The round as a process").
"""
from alembic import op
import sqlalchemy as sa

import engine.db

revision = '0046'
down_revision = '0044'
branch_labels = None
depends_on = None

_FK = 'fk_review_round_instance_id_process_instance'


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    if _sqlite():
        # SQLite adds a column with its REFERENCES in place (no copy of a table other rows cascade from).
        op.execute(f'ALTER TABLE review_round ADD COLUMN instance_id INTEGER CONSTRAINT {_FK} '
                   'REFERENCES process_instance (id)')
    else:
        op.add_column('review_round', sa.Column('instance_id', sa.Integer(), nullable=True))
        op.create_foreign_key(_FK, 'review_round', 'process_instance', ['instance_id'], ['id'])
    op.add_column('review_round', sa.Column('intake_closed_at', engine.db.UTCDateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column('review_round', 'intake_closed_at')
    if not _sqlite():
        op.drop_constraint(_FK, 'review_round', type_='foreignkey')
    op.drop_column('review_round', 'instance_id')
