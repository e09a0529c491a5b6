"""SpiffWorkflow reads the wall clock to decide whether a timer is due. The runtime binds the
library's notion of "now" to the engine's Clock for the duration of each engine call, so time
is injectable (tests, a worker catching up) and one clock rules both the library and our tables.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime, tzinfo

from SpiffWorkflow.bpmn.specs.event_definitions import timer as _timer_module

from engine.clock import Clock

_current: ContextVar[Clock | None] = ContextVar("khenthuong_engine_clock", default=None)
_wall_datetime = _timer_module.datetime


class _EngineDatetime(_wall_datetime):  # type: ignore[misc, valid-type]
    @classmethod
    def now(cls, tz: tzinfo | None = None) -> datetime:
        clock = _current.get()
        if clock is None:
            return _wall_datetime.now(tz)
        now = clock.now()
        return now.astimezone(tz) if tz is not None else now.astimezone().replace(tzinfo=None)


# The timer module is the only place in SpiffWorkflow 3.2.0 that reads the time.
_timer_module.datetime = _EngineDatetime


@contextmanager
def engine_time(clock: Clock) -> Iterator[None]:
    token = _current.set(clock)
    try:
        yield
    finally:
        _current.reset(token)
