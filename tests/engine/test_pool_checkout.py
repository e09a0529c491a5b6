"""A pooled PostgreSQL connection the server has dropped is never handed out, and one in steady use is
not pinged (engine/db.py: _check_on_checkout replaces `pool_pre_ping`)."""
from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.pool import NullPool

from engine import db
from engine.db import make_engine

pytestmark = pytest.mark.postgres_only


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    made = make_engine(database_url, pool_size=1, max_overflow=0)  # one connection: the same one each time
    yield made
    made.dispose()


@pytest.fixture
def pings(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    counted: list[int] = []
    real = engine.dialect.do_ping

    def counting(dbapi_connection: Any) -> bool:
        counted.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counting)
    return counted


def _pid(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(engine: Engine, pid: int) -> None:
    """End that backend from another connection and wait until it is gone."""
    # Autocommit: each look at pg_stat_activity its own transaction (a transaction keeps its first view of it).
    admin = create_engine(engine.url.render_as_string(hide_password=False), poolclass=NullPool,
                          isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
            deadline = time.monotonic() + 10
            while connection.execute(text("SELECT count(*) FROM pg_stat_activity WHERE pid = :pid"),
                                     {"pid": pid}).scalar_one():
                assert time.monotonic() < deadline, "the backend did not end"
                time.sleep(0.05)
    finally:
        admin.dispose()


def test_a_connection_in_steady_use_is_not_pinged(engine: Engine, pings: list[int]) -> None:
    first = _pid(engine)
    for _ in range(5):
        assert _pid(engine) == first  # the pooled connection, handed out again at once
    assert pings == []


def test_a_connection_idle_past_the_limit_is_pinged(engine: Engine, pings: list[int],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    first = _pid(engine)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    assert _pid(engine) == first
    assert pings == [1]


def test_a_connection_the_server_closed_is_replaced_without_a_ping(engine: Engine, pings: list[int]) -> None:
    first = _pid(engine)
    _terminate(engine, first)
    second = _pid(engine)  # no error: the pool saw the closed socket and connected again
    assert second != first
    assert pings == []


def test_a_silently_dead_connection_idle_past_the_limit_is_replaced(engine: Engine, pings: list[int],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = _pid(engine)
    _terminate(engine, first)
    # As if the server had gone without a word (a network cut): only the ping can tell.
    monkeypatch.setattr(db, "_closed_by_server", lambda _connection: False)
    monkeypatch.setattr(db, "PING_AFTER_IDLE_S", 0.0)
    second = _pid(engine)
    assert second != first
    assert pings == [1]
