"""statistics at a province's scale: the summary of granted awards (award_tally), counted from the
nominations already decided; covering indexes for the proposals by submission; an FTS5 trigram index of
the folded nominee names on SQLite (the public lookup)

Revision ID: 0039
Revises: 0038
Create Date: 2026-11-30
"""
from alembic import op
import sqlalchemy as sa


revision = '0039'
down_revision = '0038'
branch_labels = None
depends_on = None

_RECOUNT = """
INSERT INTO award_tally (month, proposing_unit_id, issuer_unit_id, award_type, nominee_kind, granted, revoked)
SELECT {month}, dossier.proposing_unit_id, decision.issuer_unit_id, nomination.award_type,
       nomination.nominee_kind, count(*), sum(CASE WHEN nomination.status = 'revoked' THEN 1 ELSE 0 END)
FROM nomination JOIN decision ON decision.id = nomination.decision_id
JOIN dossier ON dossier.id = nomination.dossier_id
WHERE nomination.status IN ('approved', 'revoked')
GROUP BY 1, 2, 3, 4, 5
"""

# SQLite: the folded names in an FTS5 trigram index (external content: the nomination rows), kept by
# triggers, so `LIKE '%…%'` on a name of three letters or more reads the index instead of every row.
_FTS = (
    "CREATE VIRTUAL TABLE nomination_name_fts USING fts5(nominee_name_folded, content='nomination', "
    "content_rowid='id', tokenize='trigram', detail='none')",
    "CREATE TRIGGER nomination_name_fts_insert AFTER INSERT ON nomination BEGIN "
    "INSERT INTO nomination_name_fts(rowid, nominee_name_folded) VALUES (new.id, new.nominee_name_folded); END",
    "CREATE TRIGGER nomination_name_fts_delete AFTER DELETE ON nomination BEGIN "
    "INSERT INTO nomination_name_fts(nomination_name_fts, rowid, nominee_name_folded) "
    "VALUES ('delete', old.id, old.nominee_name_folded); END",
    "CREATE TRIGGER nomination_name_fts_update AFTER UPDATE OF nominee_name_folded ON nomination BEGIN "
    "INSERT INTO nomination_name_fts(nomination_name_fts, rowid, nominee_name_folded) "
    "VALUES ('delete', old.id, old.nominee_name_folded); "
    "INSERT INTO nomination_name_fts(rowid, nominee_name_folded) VALUES (new.id, new.nominee_name_folded); END",
    "INSERT INTO nomination_name_fts(nomination_name_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    op.create_table('award_tally',
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('proposing_unit_id', sa.Integer(), nullable=False),
    sa.Column('issuer_unit_id', sa.Integer(), nullable=False),
    sa.Column('award_type', sa.String(length=40), nullable=False),
    sa.Column('nominee_kind', sa.Enum('individual', 'collective', 'household', name='awardee_kind',
                                      native_enum=False, length=20), nullable=False),
    sa.Column('granted', sa.Integer(), nullable=False),
    sa.Column('revoked', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['issuer_unit_id'], ['unit.id'], ),
    sa.ForeignKeyConstraint(['proposing_unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('month', 'proposing_unit_id', 'issuer_unit_id', 'award_type', 'nominee_kind'),
    sqlite_with_rowid=False,
    )
    op.execute(_RECOUNT.format(month="date(decision.signed_on, 'start of month')" if sqlite
                               else "CAST(date_trunc('month', decision.signed_on) AS DATE)"))
    op.create_index('ix_dossier_submitted_scope', 'dossier', ['submitted_at', 'status', 'proposing_unit_id', 'overdue'],
                    unique=False)
    op.create_index('ix_nomination_dossier_outcome', 'nomination', ['dossier_id', 'deciding_unit_id', 'status'],
                    unique=False)
    op.create_index('ix_decision_signed_timing', 'decision',
                    ['signed_on', 'issuer_unit_id', 'dossier_id', 'created_at'], unique=False)
    if sqlite:
        for statement in _FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER nomination_name_fts_{name}")
        op.execute("DROP TABLE nomination_name_fts")
    op.drop_index('ix_decision_signed_timing', table_name='decision')
    op.drop_index('ix_nomination_dossier_outcome', table_name='nomination')
    op.drop_index('ix_dossier_submitted_scope', table_name='dossier')
    op.drop_table('award_tally')
