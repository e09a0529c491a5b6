"""Alembic migrations and the models describe the same schema."""
from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect, text

from engine.db import Base, make_engine
from engine.migrate import alembic_config, upgrade

# Not modelled: SQLite's FTS5 indexes of the folded nominee names (migration 0039) and dossier titles
# (0049) and their shadow tables.
NOT_MODELLED = ("nomination_name_fts", "dossier_title_fts")


def _modelled(name: str | None, kind: str, _parents: object) -> bool:
    return not (kind == "table" and (name or "").startswith(NOT_MODELLED))


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": _modelled}), Base.metadata)
    assert diff == []



def _nominee_kind_check(url: str) -> str:
    engine = make_engine(url)
    try:
        checks = inspect(engine).get_check_constraints("nomination")
    finally:
        engine.dispose()
    return next(c["sqltext"] for c in checks if c["name"] == "ck_nomination_known_nominee_kind")


def test_household_nominee_migrates_up_and_down(fresh_database_url):
    """0044 widens the nomination's CHECK to households; its downgrade narrows it back, and up again."""
    upgrade(fresh_database_url, "0037")
    assert "household" not in _nominee_kind_check(fresh_database_url)
    upgrade(fresh_database_url, "0044")
    assert "'household'" in _nominee_kind_check(fresh_database_url)
    command.downgrade(alembic_config(fresh_database_url), "0037")
    assert "household" not in _nominee_kind_check(fresh_database_url)
    upgrade(fresh_database_url)
    assert "'household'" in _nominee_kind_check(fresh_database_url)
    engine = make_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn, opts={"include_name": _modelled}), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_the_downgrade_is_refused_while_a_household_is_nominated(fresh_database_url):
    """Narrowing the CHECK back would leave a row the old schema forbids: the downgrade refuses first."""
    upgrade(fresh_database_url)
    raw = create_engine(fresh_database_url)  # without the application's foreign keys: one bare row suffices
    try:
        with raw.begin() as conn:
            if raw.dialect.name == "postgresql":
                conn.execute(text("SET LOCAL session_replication_role = replica"))
            conn.execute(text(
                "INSERT INTO nomination (id, dossier_id, position, award_type, nominee_kind, nominee_name, "
                "nominee_name_folded, achievements, status) VALUES (1, 1, 1, 'GD_VH', 'household', "
                "'Hộ ông Nguyễn Văn A', 'ho ong nguyen van a', 'Gia đình văn hóa', 'pending')"))
        with pytest.raises(RuntimeError, match="hộ gia đình"):
            command.downgrade(alembic_config(fresh_database_url), "0037")
        assert "'household'" in _nominee_kind_check(fresh_database_url)
        with raw.begin() as conn:
            conn.execute(text("DELETE FROM nomination"))
    finally:
        raw.dispose()
    command.downgrade(alembic_config(fresh_database_url), "0037")
    assert "household" not in _nominee_kind_check(fresh_database_url)
