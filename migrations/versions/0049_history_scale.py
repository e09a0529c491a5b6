"""a registry of 100,000 dossiers: the officers' list filtered by status and year and a unit's list read
off indexes in their sort order; an instance's tasks by state (a task completion reads its completed
forms); an FTS5 trigram index of the folded dossier titles on SQLite (the officers' search, beside
migration 0039's index of the nominee names)

Revision ID: 0049
Revises: 0050
Create Date: 2026-11-30
"""
from alembic import op


revision = '0049'
down_revision = '0050'
branch_labels = None
depends_on = None

# SQLite: the folded titles in an FTS5 trigram index (external content: the dossier rows), kept by
# triggers, so `LIKE '%…%'` on a title reads the index instead of every dossier.
_FTS = (
    "CREATE VIRTUAL TABLE dossier_title_fts USING fts5(title_folded, content='dossier', "
    "content_rowid='id', tokenize='trigram', detail='none')",
    "CREATE TRIGGER dossier_title_fts_insert AFTER INSERT ON dossier BEGIN "
    "INSERT INTO dossier_title_fts(rowid, title_folded) VALUES (new.id, new.title_folded); END",
    "CREATE TRIGGER dossier_title_fts_delete AFTER DELETE ON dossier BEGIN "
    "INSERT INTO dossier_title_fts(dossier_title_fts, rowid, title_folded) "
    "VALUES ('delete', old.id, old.title_folded); END",
    "CREATE TRIGGER dossier_title_fts_update AFTER UPDATE OF title_folded ON dossier BEGIN "
    "INSERT INTO dossier_title_fts(dossier_title_fts, rowid, title_folded) "
    "VALUES ('delete', old.id, old.title_folded); "
    "INSERT INTO dossier_title_fts(rowid, title_folded) VALUES (new.id, new.title_folded); END",
    "INSERT INTO dossier_title_fts(dossier_title_fts) VALUES ('rebuild')",
)


def upgrade() -> None:
    op.create_index('ix_dossier_status_year_created', 'dossier', ['status', 'year', 'created_at', 'id'],
                    unique=False)
    op.create_index('ix_dossier_unit_created', 'dossier', ['proposing_unit_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_human_task_instance_state', 'human_task', ['instance_id', 'state', 'form_name'], unique=False)
    if op.get_bind().dialect.name == 'sqlite':
        for statement in _FTS:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name in ('insert', 'delete', 'update'):
            op.execute(f"DROP TRIGGER dossier_title_fts_{name}")
        op.execute("DROP TABLE dossier_title_fts")
    op.drop_index('ix_human_task_instance_state', table_name='human_task')
    op.drop_index('ix_dossier_unit_created', table_name='dossier')
    op.drop_index('ix_dossier_status_year_created', table_name='dossier')
