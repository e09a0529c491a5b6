"""The append-only, hash-chained audit event, the signed checkpoints that anchor the chain, and the
results of full walks. Writing and verifying live in engine/audit.py and engine/anchor.py."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.db import Base, UTCDateTime


class AuditEvent(Base):
    __tablename__ = "audit_event"

    # Assigned by engine/audit.py under the chain lock: gapless and in chain order.
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    actor: Mapped[str | None] = mapped_column(String(80))
    role: Mapped[str | None] = mapped_column(String(30))
    unit_id: Mapped[int | None] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str | None] = mapped_column(String(64))
    dossier_id: Mapped[int | None] = mapped_column(Integer, index=True)
    complaint_id: Mapped[int | None] = mapped_column(Integer, index=True)
    before: Mapped[Any | None] = mapped_column(JSON)
    after: Mapped[Any | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    request_id: Mapped[str | None] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    # HMAC of `hash` under a key derived from the signing key (NULL when none was configured): a row
    # INSERTed by whoever holds only the database cannot carry a valid one.
    seal: Mapped[str | None] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """The chain's head at one moment, signed with a key the database does not hold (engine/anchor.py)."""

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, index=True)  # the head event's seq
    events: Mapped[int] = mapped_column(Integer)  # events in the chain up to and including `seq`
    head_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(100))  # base64 Ed25519 signature


class AuditWalk(Base):
    """The result of one full walk of the chain (`khenthuong audit verify`), shown by the API's check."""

    __tablename__ = "audit_walk"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ok: Mapped[bool] = mapped_column(Boolean)
    events: Mapped[int] = mapped_column(Integer)
    head_seq: Mapped[int] = mapped_column(Integer)
    problem: Mapped[str | None] = mapped_column(Text)
