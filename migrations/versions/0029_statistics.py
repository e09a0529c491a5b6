"""statistics by period: indexes on the decision's signing day, the dossier's submission time and the
nomination's decision with what the statistics group it by (award type, kind of awardee, status)

Revision ID: 0029
Revises: 0022
Create Date: 2026-11-30
"""
from alembic import op


revision = '0029'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_decision_signed_on', 'decision', ['signed_on'], unique=False)
    op.create_index('ix_dossier_submitted_at', 'dossier', ['submitted_at'], unique=False)
    op.create_index('ix_nomination_decision_granted', 'nomination',
                    ['decision_id', 'status', 'award_type', 'nominee_kind'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_nomination_decision_granted', table_name='nomination')
    op.drop_index('ix_dossier_submitted_at', table_name='dossier')
    op.drop_index('ix_decision_signed_on', table_name='decision')
