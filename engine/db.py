"""SQLAlchemy base, column types and the engine/session factory for SQLite and PostgreSQL."""
from __future__ import annotations

import select as selectors
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Engine, Enum, MetaData, create_engine, event, exc, text
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql.base import Executable
from sqlalchemy.types import TypeDecorator

MAX_ID = 2**31 - 1  # ids are PostgreSQL integers; a larger number names nothing
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
_SNAPSHOT_OPTION = "khenthuong_snapshot"
# A pooled PostgreSQL connection unused for this long is pinged before it is handed out; one back in the
# pool a moment ago is not (a ping is a round trip on every request: ≈ 6 % of a task completion's CPU).
PING_AFTER_IDLE_S = 10.0
_RETURNED_AT = "khenthuong_returned_at"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite keeps no offset, PostgreSQL converts)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_values(enum_class: type[Any]) -> list[str]:
    """Store an Enum's values (`office`), not its member names (`OFFICE`)."""
    return [member.value for member in enum_class]


def value_enum(enum_class: type[Any], name: str, length: int = 30) -> Enum:
    """A string column holding an Enum's values, checked in Python (no database enum type to migrate)."""
    return Enum(enum_class, name=name, native_enum=False, length=length, values_callable=enum_values)


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 60, "check_same_thread": False},
                               pool_size=10, max_overflow=30, **kwargs)
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, **{"pool_size": 10, "max_overflow": 30, **kwargs})
    _check_on_checkout(engine)
    return engine


def _check_on_checkout(engine: Engine) -> None:
    """What `pool_pre_ping` does, without a round trip for a connection in steady use. A connection the
    server has closed (a restart, `pg_terminate_backend`, an idle timeout) has its socket readable: the
    server's last words, then the end of the stream; that costs one `select` with no wait. A connection idle
    for PING_AFTER_IDLE_S is pinged as well (a peer gone silently leaves no trace on the socket). Either
    failing makes the pool drop it and hand out another (DisconnectionError: the pool retries)."""

    @event.listens_for(engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is None:  # a new connection: just made
            return
        if _closed_by_server(dbapi_connection):
            raise exc.DisconnectionError("the server closed this connection")
        if time.monotonic() - returned >= PING_AFTER_IDLE_S:
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:  # any failure of the ping: this connection is not to be used
                raise exc.DisconnectionError(f"ping failed: {error}") from error


def _closed_by_server(dbapi_connection: Any) -> bool:
    """An idle connection's socket has nothing to read unless the server has closed it (or broken it)."""
    try:
        readable, _, _ = selectors.select([dbapi_connection.fileno()], [], [], 0)
    except (OSError, ValueError):  # no socket left at all
        return True
    return bool(readable)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE: SQLite serializes writers from the first statement,
    so a read-then-write transaction never fails to upgrade its lock half-way."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=60000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A snapshot (see `snapshot`) only reads: it must not hold the write lock for its whole length.
        deferred = connection.get_execution_options().get(_SNAPSHOT_OPTION)
        connection.exec_driver_sql("BEGIN DEFERRED" if deferred else "BEGIN IMMEDIATE")


@contextmanager
def snapshot(engine: Engine) -> Iterator[Connection]:
    """A read-only transaction that sees one consistent state of the whole database for its length:
    REPEATABLE READ on PostgreSQL; on SQLite (WAL) a deferred transaction, whose first read fixes
    what it sees, without blocking writers."""
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            connection = connection.execution_options(isolation_level="REPEATABLE READ")
        else:
            connection = connection.execution_options(**{_SNAPSHOT_OPTION: True})
        with connection.begin():
            if engine.dialect.name == "postgresql":
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            yield connection


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def run_core(session: Session, statement: Executable, params: Any = None) -> CursorResult[Any]:
    """A Core statement, built once, run on the session's connection without the session's own execution
    layer (its autoflush, its ORM plugin's lookup): the write path's hot statements, whose callers flush
    first when pending objects must reach the database before them. About 3 % of a task completion's CPU
    for its seven such statements (bench/README.md)."""
    return session.connection().execute(statement, params)


def lock_advisory(session: Session, key: int) -> None:
    """A transaction-scoped lock on PostgreSQL; SQLite already serializes writers."""
    if is_postgres(session):
        session.execute(_ADVISORY_LOCK, {"k": key})
