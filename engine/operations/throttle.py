"""Counting uses of a public action per address (rows of `rate_event`) and refusing them beyond a limit;
the caller commits the count even when it refuses.

The count is read and written under a transaction-scoped lock on its key (PostgreSQL advisory lock;
SQLite serializes writers), so uses at once from one address are counted one by one: the next one
reads the count only once the one before has committed (tests/engine/test_throttle.py)."""
from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select

from engine.context import Context
from engine.db import lock_advisory
from engine.errors import Throttled
from engine.models import RateEvent


@dataclass(frozen=True)
class RateLimit:
    """At most `limit` uses of `action` per address within `window`."""

    action: str
    limit: int
    window: timedelta


_KEY_LENGTH = 200  # RateEvent.key


def _lock_key(key: str) -> int:
    """A signed 64-bit number for the advisory lock of one counter."""
    return int.from_bytes(hashlib.sha256(b"rate:" + key.encode()).digest()[:8], "big", signed=True)


def throttle(ctx: Context, rate: RateLimit, address: str | None) -> None:
    """Count one use of `rate.action` by `address`, or refuse it when the limit is reached."""
    now = ctx.clock.now()
    key = f"{rate.action}:{address or 'unknown'}"[:_KEY_LENGTH]
    lock_advisory(ctx.session, _lock_key(key))  # held to the commit: the read below sees the last use
    since = now - rate.window
    # Stale rows of this action go, whoever left them, so the table stays the size of one window.
    ctx.session.execute(delete(RateEvent).where(RateEvent.key.startswith(f"{rate.action}:", autoescape=True),
                                                RateEvent.at <= since))
    times = list(ctx.session.scalars(
        select(RateEvent.at).where(RateEvent.key == key, RateEvent.at > since).order_by(RateEvent.at)
    ))
    if len(times) >= rate.limit:
        frees_at = times[len(times) - rate.limit] + rate.window
        retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
        raise Throttled(f"Quá nhiều yêu cầu từ địa chỉ này. Vui lòng thử lại sau {retry_after} giây.", retry_after)
    ctx.session.add(RateEvent(key=key, at=now))
    ctx.session.flush()
