"""The sessions a login opens (a bearer token, a browser's cookie session) and what ends them: logout,
a password change, deactivation, an administrator's sign-out.

Each session is a row of `auth_session`, looked up on every request by the SHA-256 of the secret the
client presents (one indexed read, which also loads the user): a revocation written by any process is
seen by every other one at its next request, and a secret replayed after logout opens nothing.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam, delete, or_, select, update

from engine import audit
from engine.context import Context
from engine.errors import InvalidInput, Unauthenticated
from engine.models import AuditAction, AuthSession, SessionKind, User
from engine.operations.access import require_actor
from engine.operations.directory import user_named

SECRET_BYTES = 32  # 43 characters of URL-safe base64
MAX_SECRET_LENGTH = 100  # anything longer was never issued: refused unhashed
INVALID = {SessionKind.TOKEN: "Mã truy cập không hợp lệ.",
           SessionKind.COOKIE: "Phiên đăng nhập không hợp lệ. Vui lòng đăng nhập lại."}
EXPIRED = {SessionKind.TOKEN: "Mã truy cập đã hết hạn. Vui lòng đăng nhập lại.",
           SessionKind.COOKIE: "Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại."}
REVOKED = {SessionKind.TOKEN: "Mã truy cập đã bị thu hồi (đã đăng xuất). Vui lòng đăng nhập lại.",
           SessionKind.COOKIE: "Phiên đăng nhập đã kết thúc (đã đăng xuất). Vui lòng đăng nhập lại."}
INACTIVE = "Tài khoản không còn hiệu lực. Vui lòng đăng nhập lại."
# Every request's first statement, built once: the session a secret's digest names, with its user.
# The session's own columns as plain values (no object of it is needed), its user as the request's actor.
_BY_SECRET = (select(AuthSession.kind, AuthSession.revoked_at, AuthSession.expires_at, AuthSession.id, User)
              .join(User, User.id == AuthSession.user_id).where(AuthSession.secret_hash == bindparam("secret_hash")))


@dataclass(frozen=True)
class Opened:
    """A new session: the secret goes to the client once and is kept nowhere else."""

    id: int
    secret: str
    ttl_seconds: int


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(ctx: Context, user: User, kind: SessionKind) -> Opened:
    """A session for `user`, valid for settings.token_ttl_seconds; the user's ended sessions are cleared."""
    now = ctx.clock.now()
    ttl = ctx.settings.token_ttl_seconds
    ctx.session.execute(delete(AuthSession).where(
        AuthSession.user_id == user.id, or_(AuthSession.expires_at <= now, AuthSession.revoked_at.is_not(None))))
    secret = secrets.token_urlsafe(SECRET_BYTES)
    row = AuthSession(user_id=user.id, kind=kind, secret_hash=_digest(secret), issued_at=now,
                      expires_at=now + timedelta(seconds=ttl))
    ctx.session.add(row)
    ctx.session.flush()
    return Opened(row.id, secret, ttl)


def session_user(ctx: Context, secret: str, kind: SessionKind) -> tuple[User, int]:
    """The active user a presented secret opens, and the session's id; Unauthenticated otherwise."""
    if not secret or len(secret) > MAX_SECRET_LENGTH:
        raise Unauthenticated(INVALID[kind])
    found = ctx.session.execute(_BY_SECRET, {"secret_hash": _digest(secret)}).first()
    if found is None or found[0] != kind:
        raise Unauthenticated(INVALID[kind])
    _, revoked_at, expires_at, session_id, user = found
    if revoked_at is not None:
        raise Unauthenticated(REVOKED[kind])
    if expires_at <= ctx.clock.now():
        raise Unauthenticated(EXPIRED[kind])
    if not user.active:
        raise Unauthenticated(INACTIVE)
    return user, session_id


def log_out(ctx: Context, session_id: int) -> None:
    """End the caller's own session (the one this request came with) and record it."""
    user = require_actor(ctx.actor)
    ended = ctx.session.execute(
        update(AuthSession).where(AuthSession.id == session_id, AuthSession.user_id == user.id,
                                  AuthSession.revoked_at.is_(None))
        .values(revoked_at=ctx.clock.now()).returning(AuthSession.kind)
    ).scalar_one_or_none()
    audit.record(ctx, AuditAction.USER_LOGGED_OUT, "user", user.id,
                 after={"session": ended.value if ended is not None else None})


def revoke_all(ctx: Context, user: User) -> int:
    """End every open session of `user` (a password change, deactivation); how many there were.
    The caller records why."""
    result = ctx.session.execute(
        update(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=ctx.clock.now()).returning(AuthSession.id)
    )
    return len(result.all())


def _named(ctx: Context, username: str) -> User:
    user = user_named(ctx.session, username)
    if user is None:
        raise InvalidInput(f"Không có người dùng '{username}'.", {"username": "Không có người dùng này."})
    return user


def sign_out_everywhere(ctx: Context, username: str) -> int:
    """An administrator ends every session of a user (a lost phone, a leaked token)."""
    user = _named(ctx, username)
    ended = revoke_all(ctx, user)
    audit.record(ctx, AuditAction.SESSIONS_REVOKED, "user", user.id, after={"username": user.username,
                                                                           "sessions": ended})
    return ended


def set_active(ctx: Context, username: str, active: bool) -> int:
    """Deactivate a user (every session ends at once) or activate one again; the sessions ended."""
    user = _named(ctx, username)
    if user.active == active:
        return 0
    user.active = active
    ended = revoke_all(ctx, user) if not active else 0
    ctx.session.flush()
    action = AuditAction.USER_ACTIVATED if active else AuditAction.USER_DEACTIVATED
    audit.record(ctx, action, "user", user.id, before={"username": user.username, "active": not active},
                 after={"username": user.username, "active": active, "sessions_ended": ended})
    return ended
