"""Throttling password guesses per (account, address), per account and per address, counted atomically.

The policy (limits in settings, one window of `login_window_seconds` opened by the first attempt):

- **one client on one account** (`pair`): after `login_max_failures` failures (5) this address may not
  try this account again until the window ends. One person's typos lock out no one else.
- **one address on every account** (`address`): after `login_address_max_failures` failures (100),
  the address may try no account: a guesser behind the address, not an office's typos.
- **one account from every address** (`account`): after `login_account_max_failures` failures (20),
  only addresses that have not failed on this account in the window may still try it, and each has one
  try: a guesser spread over many addresses gets one guess per address, while the owner, at a desk
  that has not failed, still logs in with the right password. No one can lock an account out.

Each attempt is counted before the password is checked, in one INSERT … ON CONFLICT DO UPDATE …
RETURNING over its three counters (taken in key order, so two attempts never wait on each other in a
circle): concurrent guesses are counted one by one, and exactly the allowed number is evaluated. A
refused attempt is not counted; a right password takes its own attempt back and forgives its client's
failures on the account. The caller commits a failure even though it answers 401.
"""
from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from engine.config import Settings
from engine.context import Context
from engine.errors import Throttled
from engine.models import LoginThrottle

IPV6_NETWORK = 64  # one subscriber gets a whole /64: its addresses are counted as one
_ACCOUNT_LENGTH = 80  # User.username


@dataclass(frozen=True)
class Counters:
    """The keys one login attempt counts on."""

    pair: str
    account: str
    address: str

    def keys(self) -> list[str]:
        return sorted((self.pair, self.account, self.address))


@dataclass(frozen=True)
class Count:
    attempts: int
    since: datetime


def network_of(address: str | None) -> str:
    """The address as counted: an IPv4 address, an IPv6 /64 network, or what was given."""
    if not address:
        return "unknown"
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/{IPV6_NETWORK}", strict=False))
    return str(ip)


def counters_for(username: str, address: str | None) -> Counters:
    account = username.strip().casefold()[:_ACCOUNT_LENGTH]
    network = network_of(address)
    return Counters(f"pair:{account} {network}", f"account:{account}", f"address:{network}")


def minutes(seconds: int) -> str:
    """A wait as people say it: "15 phút" (whole minutes, at least one)."""
    return f"{max(1, math.ceil(seconds / 60))} phút"


def reserve(ctx: Context, counters: Counters) -> None:
    """Count this attempt on its three counters, or refuse it (Throttled, not counted)."""
    now = ctx.clock.now()
    window = timedelta(seconds=ctx.settings.login_window_seconds)
    counts = _count(ctx, counters.keys(), now, window)
    refusing = _refusing(ctx.settings, counters, counts)
    if not refusing:
        return
    _take_back(ctx, counters.keys())
    frees_at = max(counts[key].since for key in refusing) + window
    retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
    raise Throttled(f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes(retry_after)}.", retry_after)


def forgive(ctx: Context, counters: Counters) -> None:
    """A right password: its attempt is taken back, its client's failures on the account forgiven,
    and counters whose window has ended are cleared (those another login holds are left to it)."""
    ctx.session.execute(delete(LoginThrottle).where(LoginThrottle.key == counters.pair))
    _take_back(ctx, [counters.account, counters.address])
    cutoff = ctx.clock.now() - timedelta(seconds=ctx.settings.login_window_seconds)
    stale = (select(LoginThrottle.key).where(LoginThrottle.since <= cutoff)
             .with_for_update(skip_locked=True).scalar_subquery())
    ctx.session.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(stale)))
    ctx.session.flush()


def _refusing(settings: Settings, counters: Counters, counts: dict[str, Count]) -> list[str]:
    """The counters over their limit for this attempt (counted in `counts` already)."""
    pair = counts[counters.pair].attempts
    refusing = []
    if pair > settings.login_max_failures:
        refusing.append(counters.pair)
    if counts[counters.address].attempts > settings.login_address_max_failures:
        refusing.append(counters.address)
    # Over the account's limit, an address that has failed on it before (pair > 1) may not go on.
    if counts[counters.account].attempts > settings.login_account_max_failures and pair > 1:
        refusing.append(counters.account)
    return refusing


def _count(ctx: Context, keys: list[str], now: datetime, window: timedelta) -> dict[str, Count]:
    """One more attempt on each key, in one statement; a window that has ended starts again at now."""
    dialect = ctx.session.get_bind().dialect.name
    insert: Any = postgresql.insert if dialect == "postgresql" else sqlite.insert
    stmt = insert(LoginThrottle).values([{"key": key, "attempts": 1, "since": now} for key in keys])
    ended = LoginThrottle.since <= now - window
    stmt = stmt.on_conflict_do_update(index_elements=[LoginThrottle.key], set_={
        "attempts": case((ended, 1), else_=LoginThrottle.attempts + 1),
        "since": case((ended, stmt.excluded.since), else_=LoginThrottle.since),
    }).returning(LoginThrottle.key, LoginThrottle.attempts, LoginThrottle.since)
    rows = ctx.session.execute(stmt).all()
    return {row.key: Count(row.attempts, row.since) for row in rows}


def _take_back(ctx: Context, keys: list[str]) -> None:
    ctx.session.execute(update(LoginThrottle).where(LoginThrottle.key.in_(keys), LoginThrottle.attempts > 0)
                        .values(attempts=LoginThrottle.attempts - 1)
                        .execution_options(synchronize_session=False))
