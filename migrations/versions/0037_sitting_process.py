"""a round's council sitting as a process of its own: its instance, the attendance entered at the close,
one biên bản họp and one biên bản kiểm phiếu for the whole sitting, and its ban kiểm phiếu

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None

# Nullable columns added in place and one new table: nothing existing is copied.
COLUMNS = (
    ('instance_id', sa.Integer()),
    ('present', sa.Integer()),
    ('written_votes', sa.Integer()),
    ('minutes_sha256', sa.String(length=64)),
    ('counting_sha256', sa.String(length=64)),
)


def upgrade() -> None:
    for name, type_ in COLUMNS:
        op.add_column('council_sitting', sa.Column(name, type_, nullable=True))
    op.create_table('council_counting_board',
    sa.Column('sitting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('head', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['sitting_id'], ['council_sitting.id'],
                            name=op.f('fk_council_counting_board_sitting_id_council_sitting'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'], name=op.f('fk_council_counting_board_user_id_app_user')),
    sa.PrimaryKeyConstraint('sitting_id', 'user_id', name=op.f('pk_council_counting_board'))
    )


def downgrade() -> None:
    op.drop_table('council_counting_board')
    for name, _ in reversed(COLUMNS):
        op.drop_column('council_sitting', name)
