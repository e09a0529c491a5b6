"""SQLite: the FTS5 name and title indexes' vocabularies (fts5vocab, one row per trigram with the number
of rows holding it), so that a search asks the index for the needle's rarest trigrams only

Revision ID: 0051
Revises: 0049
Create Date: 2026-11-30
"""
from alembic import op

revision = '0051'
down_revision = '0049'
branch_labels = None
depends_on = None

# Read-only views of the indexes (no storage of their own); named after them, so backups leave them out
# with the indexes (engine/maintenance/backup.py: DERIVED_PREFIX).
_VOCABULARIES = (("nomination_name_fts_vocab", "nomination_name_fts"), ("dossier_title_fts_vocab", "dossier_title_fts"))


def upgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name, index in _VOCABULARIES:
            op.execute(f"CREATE VIRTUAL TABLE {name} USING fts5vocab({index}, 'row')")


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        for name, _ in reversed(_VOCABULARIES):
            op.execute(f"DROP TABLE {name}")
