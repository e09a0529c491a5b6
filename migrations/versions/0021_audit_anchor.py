"""the audit chain's anchor: a seal on each event, signed checkpoints of the head, full-walk results;
secret ballots' choices sealed at rest (a wider column)

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seal', sa.String(length=64), nullable=True))
    # Choices cast before stay as they are (the plain code); every new one is sealed (engine/security.py).
    with op.batch_alter_table('council_ballot_choice', schema=None) as batch_op:
        batch_op.alter_column('choice', existing_type=sa.String(length=20), type_=sa.String(length=100),
                              existing_nullable=False)

    op.create_table('audit_checkpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('key_id', sa.String(length=16), nullable=False),
    sa.Column('signature', sa.String(length=100), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_checkpoint'))
    )
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_checkpoint_seq'), ['seq'], unique=False)

    op.create_table('audit_walk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finished_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('events', sa.Integer(), nullable=False),
    sa.Column('head_seq', sa.Integer(), nullable=False),
    sa.Column('problem', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_walk'))
    )


def downgrade() -> None:
    # council_ballot_choice.choice stays 100 characters wide: the sealed choices written since this
    # revision do not fit the old 20, and the release before reads a wider column unchanged.
    op.drop_table('audit_walk')
    with op.batch_alter_table('audit_checkpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_checkpoint_seq'))
    op.drop_table('audit_checkpoint')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('seal')
