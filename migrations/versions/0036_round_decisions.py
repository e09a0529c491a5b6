"""the head decides a review round: a decision of a round (one per award type and issuer, its list
annexed), the award proposed when a lower form was given, and the tờ trình a round sends up

Revision ID: 0036
Revises: 0039
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa
import engine.db


revision = '0036'
down_revision = '0039'
branch_labels = None
depends_on = None

# Nullable columns and a new table: nothing existing is copied.


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def upgrade() -> None:
    op.add_column('nomination', sa.Column('proposed_award_type', sa.String(length=40), nullable=True))
    # The decision names its round: a column with its reference, in place on SQLite.
    if _sqlite():
        op.execute('ALTER TABLE decision ADD COLUMN round_id INTEGER '
                   'CONSTRAINT fk_decision_round_id_review_round REFERENCES review_round (id)')
    else:
        op.add_column('decision', sa.Column('round_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_decision_round_id_review_round', 'decision', 'review_round', ['round_id'], ['id'])
    op.create_index(op.f('ix_decision_round_id'), 'decision', ['round_id'], unique=False)
    op.create_table('review_round_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('to_unit_id', sa.Integer(), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('signer_name', sa.String(length=200), nullable=True),
    sa.Column('dossier_ids', sa.JSON(), nullable=False),
    sa.Column('nomination_ids', sa.JSON(), nullable=False),
    sa.Column('document_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['review_round.id'],
                            name=op.f('fk_review_round_submission_round_id_review_round'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_review_round_submission_unit_id_unit')),
    sa.ForeignKeyConstraint(['to_unit_id'], ['unit.id'], name=op.f('fk_review_round_submission_to_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_round_submission'))
    )
    op.create_index(op.f('ix_review_round_submission_round_id'), 'review_round_submission', ['round_id'])
    op.create_index(op.f('ix_review_round_submission_to_unit_id'), 'review_round_submission', ['to_unit_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_review_round_submission_to_unit_id'), table_name='review_round_submission')
    op.drop_index(op.f('ix_review_round_submission_round_id'), table_name='review_round_submission')
    op.drop_table('review_round_submission')
    op.drop_index(op.f('ix_decision_round_id'), table_name='decision')
    if _sqlite():
        op.execute('ALTER TABLE decision DROP COLUMN round_id')
    else:
        op.drop_constraint('fk_decision_round_id_review_round', 'decision', type_='foreignkey')
        op.drop_column('decision', 'round_id')
    op.drop_column('nomination', 'proposed_award_type')
