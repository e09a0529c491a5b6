"""An application per test on the suite's database, a client, and people in every role.

The app opens its own connections; data set up through the `session` fixture is committed
before a request is made (SQLite serializes writers), and assertions read the database through
`db`, which uses a fresh session each time so that no transaction stays open between requests.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session, sessionmaker

from api import create_app
from api.state import app_state
from engine.clock import FixedClock
from engine.config import Settings
from engine.context import Context
from engine.models import Role, SessionKind, User
from engine.operations import sessions, tasks
from engine.runtime import Runtime
from tests.engine.helpers import World, build_world, start_sample
from tests.factories import make_user

T = TypeVar("T")


@pytest.fixture
def app(settings: Settings, runtime: Runtime, clock: FixedClock, db_engine: object) -> Iterator[Flask]:
    application = create_app(settings, runtime=runtime, clock=clock)
    application.config["TESTING"] = True
    yield application
    with application.app_context():
        app_state().engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Callable[[Callable[[Session], T]], T]:
    """Run a read in a fresh session, closed before the next request."""
    def read(fn: Callable[[Session], T]) -> T:
        with session_factory() as s:
            return fn(s)
    return read


@pytest.fixture
def bearer(make_ctx: Callable[..., Context]) -> Callable[[User], dict[str, str]]:
    """Headers carrying a token for the user, opened (and committed) as `POST /auth/token` opens one;
    one token per user and test."""
    issued: dict[int, str] = {}

    def headers(user: User) -> dict[str, str]:
        if user.id not in issued:
            ctx = make_ctx()
            issued[user.id] = sessions.open_session(ctx, user, SessionKind.TOKEN).secret
            ctx.session.commit()
        return {"Authorization": f"Bearer {issued[user.id]}"}

    return headers


@dataclass
class ApiWorld(World):
    colleague: User  # a second office@commune
    outsider: User  # holds no role anywhere
    admin: User  # admin@province


@pytest.fixture
def world(session: Session, settings: Settings) -> ApiWorld:
    base = build_world(session, settings)
    colleague = make_user(session, settings, "xa.vanphong2", (Role.OFFICE, base.commune))
    outsider = make_user(session, settings, "nguoi.ngoai")
    admin = make_user(session, settings, "quan.tri", (Role.ADMIN, base.province))
    session.commit()
    return ApiWorld(**vars(base), colleague=colleague, outsider=outsider, admin=admin)


@pytest.fixture
def review_task(ctx: Context, world: ApiWorld, clock: FixedClock) -> int:
    """The sample process, prepared by the school: the id of the READY `review` task at the commune."""
    start_sample(ctx, world, clock)
    proposer = ctx.as_actor(world.proposer)
    (prepare,) = tasks.list_tasks(proposer).items
    done = tasks.complete_task(proposer, prepare.id, {"title": "Hồ sơ khen thưởng năm 2026", "amount": 3})
    (review,) = done.next_tasks
    ctx.session.commit()
    return review.id
