"""Alembic migrations and the models describe the same schema."""
from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from engine.db import Base, make_engine
from engine.migrate import alembic_config, upgrade


def test_migrations_match_the_models(db_engine):
    with db_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
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
    upgrade(fresh_database_url, "0035")
    assert "household" not in _nominee_kind_check(fresh_database_url)
    upgrade(fresh_database_url, "0044")
    assert "'household'" in _nominee_kind_check(fresh_database_url)
    command.downgrade(alembic_config(fresh_database_url), "0035")
    assert "household" not in _nominee_kind_check(fresh_database_url)
    upgrade(fresh_database_url)
    assert "'household'" in _nominee_kind_check(fresh_database_url)
    engine = make_engine(fresh_database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
