"""Failed logins, kept to throttle guessing across every web process."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class LoginFailure(Base):
    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)  # "user:<name>" or "addr:<ip>"
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class RateEvent(Base):
    """One use of a rate-limited public action (e.g. filing a complaint without login), by key."""

    __tablename__ = "rate_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)  # e.g. "public-complaint:<address>"
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
