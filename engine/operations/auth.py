"""Password login, throttled per username and per address across every web process.

Failures are rows of `login_failure`, so the count holds whichever process answered. The
throttle is checked before the password is verified: a locked-out guesser learns nothing and
costs no hashing. The caller must commit the failures even though the login is refused.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import delete, select

from engine import audit
from engine.context import Context
from engine.errors import Throttled, Unauthenticated
from engine.models import LoginFailure, User
from engine.operations.access import require_actor
from engine.security import dummy_verify, verify_password
from engine.vocabulary import AuditAction

WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."
_KEY_LENGTH = 190  # LoginFailure.key holds 200 characters with its prefix


def failure_keys(username: str, address: str | None) -> list[str]:
    """The counters a login attempt touches: its username (case-folded) and its remote address."""
    keys = [f"user:{username.strip().casefold()[:_KEY_LENGTH]}"]
    if address:
        keys.append(f"addr:{address[:_KEY_LENGTH]}")
    return keys


def check_throttle(ctx: Context, keys: list[str], now: datetime) -> None:
    """Refuse when any counter reached the limit within the window, saying when to come back."""
    window = timedelta(seconds=ctx.settings.login_window_seconds)
    limit = max(1, ctx.settings.login_max_failures)
    for key in keys:
        times = list(ctx.session.scalars(
            select(LoginFailure.at).where(LoginFailure.key == key, LoginFailure.at > now - window)
            .order_by(LoginFailure.at)
        ))
        if len(times) >= limit:
            # Attempts resume once enough of the failures in the window have aged out of it.
            frees_at = times[len(times) - limit] + window
            retry_after = max(1, math.ceil((frees_at - now).total_seconds()))
            raise Throttled(
                f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {retry_after} giây.", retry_after
            )


def authenticate(ctx: Context, username: str, password: str, address: str | None) -> User:
    """The active user with these credentials; raises Throttled or Unauthenticated.

    A failure is added and flushed before Unauthenticated is raised: the caller commits it.
    """
    now = ctx.clock.now()
    keys = failure_keys(username, address)
    check_throttle(ctx, keys, now)
    user = ctx.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        dummy_verify(ctx.settings, password)  # same cost as a real check: names stay secret
        valid = False
    else:
        valid = verify_password(ctx.settings, user.password_hash, password) and user.active
    if user is None or not valid:
        ctx.session.add_all(LoginFailure(key=key, at=now) for key in keys)
        ctx.session.flush()
        raise Unauthenticated(WRONG_CREDENTIALS)
    _forget_failures(ctx, keys[0], now)
    audit.record(ctx.as_actor(user), AuditAction.USER_LOGGED_IN, "user", user.id, after={"address": address})
    return user


def _forget_failures(ctx: Context, own_key: str, now: datetime) -> None:
    """After a success: this username's failures go, and stale rows of anyone.

    Failures counted against the address stay, since they may be someone else's guesses.
    """
    stale = now - timedelta(seconds=ctx.settings.login_window_seconds)
    ctx.session.execute(delete(LoginFailure).where(LoginFailure.key == own_key))
    ctx.session.execute(delete(LoginFailure).where(LoginFailure.at <= stale))
    ctx.session.flush()


def active_user(ctx: Context, user_id: object) -> User:
    """The user a token or a session names, if the account still exists and is active."""
    user = ctx.session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.active:
        raise Unauthenticated("Tài khoản không còn hiệu lực. Vui lòng đăng nhập lại.")
    return user


def log_out(ctx: Context) -> None:
    """Record that the user ended their web session (the caller forgets the session itself)."""
    user = require_actor(ctx.actor)
    audit.record(ctx, AuditAction.USER_LOGGED_OUT, "user", user.id)
