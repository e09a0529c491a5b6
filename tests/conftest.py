"""Fixtures for both databases.

`KHENTHUONG_TEST_DB=sqlite` (default) runs on a SQLite file per run; `postgresql` creates a
fresh database on the server at `KHENTHUONG_TEST_PG_URL`, migrates it, and drops it at the end.
Every test starts from empty tables.
"""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from engine.clock import FixedClock
from engine.config import Settings
from engine.context import Context
from engine.db import Base, make_engine, make_session_factory
from engine.migrate import upgrade
from engine.rules import clear_rules_cache
from engine.runtime import Definition, Runtime
from tests.cache_check import assert_cache_matches_database

FIXTURES = Path(__file__).parent / "fixtures"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
VN = timezone(timedelta(hours=7))


def _backend() -> str:
    return os.environ.get("KHENTHUONG_TEST_DB", "sqlite")


@contextmanager
def new_database(folder: Path) -> Iterator[str]:
    """The URL of a database of its own: a SQLite file in `folder`, or a PostgreSQL database dropped after."""
    if _backend() == "sqlite":
        yield f"sqlite:///{folder / 'test.sqlite'}"
        return
    admin_url = make_url(os.environ.get("KHENTHUONG_TEST_PG_URL", DEFAULT_PG_URL))
    name = f"khenthuong_test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(admin_url.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with new_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture
def fresh_database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An empty database (no schema), apart from the suite's, for a test that builds or restores one."""
    with new_database(tmp_path_factory.mktemp("fresh-db")) as url:
        yield url


# The audit chain's signing key of the suite (base64 of an Ed25519 seed; never a production key).
TEST_AUDIT_KEY = "a2hlbnRodW9uZy10ZXN0LWF1ZGl0LWtleS0zMmJ5dGU="


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        instance_dir=tmp_path_factory.mktemp("instance"),
        workflows_dir=FIXTURES / "processes",
        forms_dir=FIXTURES / "forms",
        secret_key="test-secret-key-not-for-production",
        audit_signing_key=TEST_AUDIT_KEY,
        identity_key="test-identity-key-not-for-production",
        argon2_time_cost=1,
        argon2_memory_cost_kib=1024,
    )


@pytest.fixture(scope="session")
def db_engine(settings: Settings) -> Iterator[Engine]:
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def session_factory(db_engine: Engine) -> sessionmaker[Session]:
    return make_session_factory(db_engine)


@pytest.fixture(scope="session")
def parsed_definitions(settings: Settings) -> dict[str, Definition]:
    """The product's processes (workflows/, forms/) and the engine's own test process, parsed once:
    parsing the same files again is all a new process would redo identically."""
    import engine.operations  # noqa: F401  (registers the domain helpers scripts may call)
    from engine.config import PROJECT_ROOT
    from engine.runtime.definitions import parse_directory

    definitions = parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms")
    definitions.update(parse_directory(settings.workflows_dir, settings.forms_dir))
    return definitions


@pytest.fixture(scope="session")
def runtime(parsed_definitions: dict[str, Definition], settings: Settings) -> Runtime:
    """The runtime of the test process, shared by the whole session (its cache too)."""
    return Runtime(parsed_definitions, settings)


@pytest.fixture(scope="session")
def new_runtime(parsed_definitions: dict[str, Definition], settings: Settings) -> Callable[[], Runtime]:
    """What a newly started server process has before its first request: spec objects of its own
    built from the stored text, no workflow cached, the rules files read again."""
    def build() -> Runtime:
        clear_rules_cache()
        return Runtime(parsed_definitions, settings)

    return build


@pytest.fixture(params=["warm", "cold"])
def next_step(request: pytest.FixtureRequest, new_runtime: Callable[[], Runtime]) -> Callable[[Context], None]:
    """What happens between two steps of a path test, which runs once in each mode: `warm`, the same
    process goes on (its cache checked against the database after every step); `cold`, the next
    step is served by a new process that has nothing but the database (issue 10)."""
    def step(ctx: Context) -> None:
        ctx.session.expire_all()
        if request.param == "cold":
            ctx.runtime = new_runtime()
        else:
            assert ctx.runtime is not None
            assert_cache_matches_database(ctx.runtime, ctx.session)

    return step


@pytest.fixture(autouse=True)
def _empty_tables(request: pytest.FixtureRequest) -> Iterator[None]:
    uses_database = "db_engine" in request.fixturenames
    if uses_database:
        request.getfixturevalue("runtime")  # the domain helpers and hooks registered before any test loads one
    yield
    if not uses_database:
        return
    engine: Engine = request.getfixturevalue("db_engine")
    # Emptied tables reuse ids and versions; the session runtime's cache keeps its workflows on purpose
    # (a cached workflow is served only at the revision its row carries).
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as conn:
        if postgres:  # the append-only trigger guards audit_event: the harness alone sets triggers aside
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        for name in tables:
            conn.execute(text(f"DELETE FROM {name}"))
        if postgres:
            # Ids start at 1 again, as TRUNCATE … RESTART IDENTITY left them. TRUNCATE itself cost ≈ 0.18 s
            # a test for the 69 tables (new files for every table and index), DELETE ≈ 0.015 s.
            conn.execute(_RESTART_OWNED_SEQUENCES, {"tables": tables})


# Every sequence owned by a column of these tables (serial ids), restarted at 1.
_RESTART_OWNED_SEQUENCES = text(
    "SELECT setval(s.oid, 1, false) FROM pg_class s"
    " JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass"
    " AND d.refclassid = 'pg_class'::regclass AND d.deptype = 'a'"
    " JOIN pg_class t ON t.oid = d.refobjid"
    " WHERE s.relkind = 'S' AND t.relname = ANY(:tables)")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=VN))


@pytest.fixture
def session(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    with session_factory() as s:
        yield s


@pytest.fixture
def make_ctx(
    session_factory: sessionmaker[Session], settings: Settings, clock: FixedClock, runtime: Runtime
) -> Iterator[Callable[..., Context]]:
    """Contexts on sessions of their own (one per thread in concurrency tests)."""
    opened: list[Session] = []

    def build(actor: object = None, session: Session | None = None) -> Context:
        if session is None:
            session = session_factory()
            opened.append(session)
        return Context(session=session, settings=settings, clock=clock, runtime=runtime, actor=actor)

    yield build
    for s in opened:
        s.close()


@pytest.fixture
def ctx(session: Session, settings: Settings, clock: FixedClock, runtime: Runtime) -> Context:
    return Context(session=session, settings=settings, clock=clock, runtime=runtime)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Backend-specific tests are deselected (not skipped) on the other database; checks over what
    the path tests met run last."""
    other = "postgres_only" if _backend() == "sqlite" else "sqlite_only"
    deselected = [item for item in items if item.get_closest_marker(other)]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker(other)]
    items.sort(key=lambda item: item.get_closest_marker("after_path_tests") is not None)  # stable: order kept


def pytest_report_header(config: pytest.Config) -> str:
    return f"khenthuong test database: {_backend()}"
