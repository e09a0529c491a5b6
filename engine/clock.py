"""Time as a dependency: the system clock in production, a settable one in tests."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = at.astimezone(UTC)

    def advance(self, **delta: float) -> None:
        self._at += timedelta(**delta)


def local_today(clock: Clock) -> date:
    """Today's date in Vietnam, where deadlines and document dates are counted."""
    return clock.now().astimezone(LOCAL_TZ).date()


def end_of_day(day: date) -> datetime:
    """The last second of a day in Vietnam, as an aware UTC datetime (a deadline "by that date")."""
    return datetime.combine(day, time(23, 59, 59), LOCAL_TZ).astimezone(UTC)
