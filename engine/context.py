"""What every operation needs: the transaction, the acting user, settings, time, the runtime."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.config import Settings
from engine.models import User

if TYPE_CHECKING:
    from engine.runtime import Runtime


@dataclass
class Context:
    session: Session
    settings: Settings
    clock: Clock
    runtime: Runtime | None = None
    actor: User | None = None
    request_id: str | None = None

    def as_actor(self, actor: User | None) -> Context:
        return Context(self.session, self.settings, self.clock, self.runtime, actor, self.request_id)


_bound: ContextVar[Context | None] = ContextVar("khenthuong_context", default=None)


@contextmanager
def bound(ctx: Context) -> Iterator[Context]:
    """Make `ctx` the context of the helpers a BPMN script calls while the engine runs."""
    token = _bound.set(ctx)
    try:
        yield ctx
    finally:
        _bound.reset(token)


def current_context() -> Context:
    ctx = _bound.get()
    if ctx is None:
        raise RuntimeError("a domain helper ran outside an operation (no bound Context)")
    return ctx
