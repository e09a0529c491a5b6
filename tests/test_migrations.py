"""Alembic migrations and the models describe the same schema."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from engine.db import Base

# Not modelled: SQLite's FTS5 index of the folded nominee names (migration 0039) and its shadow tables.
NOT_MODELLED = "nomination_name_fts"


def _modelled(name: str | None, kind: str, _parents: object) -> bool:
    return not (kind == "table" and (name or "").startswith(NOT_MODELLED))


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": _modelled}), Base.metadata)
    assert diff == []
