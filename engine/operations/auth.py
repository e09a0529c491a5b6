"""Password login: throttled (engine/operations/login_throttle.py), then checked, then recorded.

The throttle counts the attempt before the password is verified: a locked-out guesser learns nothing
and costs no hashing. The caller must commit a failure even though the login is refused, and opens
the session (engine/operations/sessions.py) in the same transaction as the audit event.
"""
from __future__ import annotations

from sqlalchemy import select

from engine import audit
from engine.context import Context
from engine.errors import Unauthenticated
from engine.models import User
from engine.operations import login_throttle
from engine.security import dummy_verify, verify_password
from engine.vocabulary import AuditAction

WRONG_CREDENTIALS = "Tên đăng nhập hoặc mật khẩu không đúng."


def authenticate(ctx: Context, username: str, password: str, address: str | None) -> User:
    """The active user with these credentials; raises Throttled or Unauthenticated.

    A failure stays counted (flushed) when Unauthenticated is raised: the caller commits it.
    """
    counters = login_throttle.counters_for(username, address)
    login_throttle.reserve(ctx, counters)
    user = ctx.session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        dummy_verify(ctx.settings, password)  # same cost as a real check: names stay secret
        valid = False
    else:
        valid = verify_password(ctx.settings, user.password_hash, password) and user.active
    if user is None or not valid:
        ctx.session.flush()
        raise Unauthenticated(WRONG_CREDENTIALS)
    login_throttle.forgive(ctx, counters)
    audit.record(ctx.as_actor(user), AuditAction.USER_LOGGED_IN, "user", user.id, after={"address": address})
    return user
