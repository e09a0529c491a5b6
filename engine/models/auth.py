"""Logins and their limits: the sessions a login opens (bearer tokens and browser sessions), the
counters that throttle password guesses, and the uses of rate-limited public actions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime, value_enum
from engine.vocabulary import SessionKind


class AuthSession(Base):
    """One login: valid from `issued_at` until `expires_at`, unless revoked before (logout, a password
    change, deactivation). The client holds a random secret; the row holds only its SHA-256, so the
    table alone (a backup, a database reader) opens no session."""

    __tablename__ = "auth_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SessionKind] = mapped_column(value_enum(SessionKind, "session_kind", 10))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class LoginThrottle(Base):
    """Login attempts counted by key within one window that starts at the first attempt counted:
    `pair:<account> <address>`, `account:<account>`, `address:<address>` (engine/operations/login_throttle.py)."""

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RateEvent(Base):
    """One use of a rate-limited public action (e.g. filing a complaint without login), by key."""

    __tablename__ = "rate_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)  # e.g. "public-complaint:<address>"
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
