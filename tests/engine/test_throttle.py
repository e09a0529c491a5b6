"""The public actions' throttle (engine/operations/throttle.py) counts uses one by one, even at once."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import Throttled
from engine.models import RateEvent
from engine.operations.throttle import RateLimit, throttle

FILING = RateLimit("public-complaint-test", limit=5, window=timedelta(hours=1))


@pytest.mark.parametrize("clients", [4, 8])
def test_uses_at_once_from_one_address_let_exactly_the_limit_through(make_ctx, session, clients):
    """Issue 11: the count was read, then written: clients at once each saw room and all got through."""
    start = threading.Barrier(clients)
    outcomes: list[str] = []

    def use() -> None:
        start.wait()
        for _ in range(2):
            ctx = make_ctx()
            try:
                throttle(ctx, FILING, "198.51.100.7")
                outcomes.append("allowed")
            except Throttled:
                outcomes.append("throttled")
            ctx.session.commit()  # the count is kept whether it refuses or not, as the callers do
            ctx.session.close()

    threads = [threading.Thread(target=use) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["allowed"] * FILING.limit + ["throttled"] * (2 * clients - FILING.limit)
    assert session.scalar(select(func.count()).select_from(RateEvent)) == FILING.limit


def test_another_address_is_counted_apart(make_ctx):
    for _ in range(FILING.limit):
        ctx = make_ctx()
        throttle(ctx, FILING, "198.51.100.7")
        ctx.session.commit()
    refused = make_ctx()
    with pytest.raises(Throttled, match="thử lại sau"):
        throttle(refused, FILING, "198.51.100.7")
    refused.session.rollback()  # on SQLite an open transaction holds the write lock
    other = make_ctx()
    throttle(other, FILING, "198.51.100.8")
    other.session.commit()
