"""The append-only, hash-chained audit trail: one event per state change, and its verifier.

Each event's hash is SHA-256 over the previous hash and the event's canonical JSON, so editing,
deleting or reordering any stored event breaks the chain from that event on. Appends are
serialized by a transaction-scoped lock (PostgreSQL advisory lock; SQLite serializes writers),
which also makes `seq` gapless and in chain order. An operation that records hundreds of events (the
head's round decision) may gather them (`batched`): they are chained in the order recorded and appended
together, under one lock, at the end of the block — the same chain, fewer round trips.
"""
from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select, text
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.context import Context
from engine.db import is_postgres, run_core
from engine.models import AuditEvent
from engine.security import SigningKey, signing_key
from engine.vocabulary import AuditAction

GENESIS_HASH = "0" * 64
_CHAIN_LOCK_KEY = 0x4B54_4155  # "KTAU": one lock for the one chain
_INSERT_EVENT = insert(cast(Table, AuditEvent.__table__))
_HEAD = select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
# PostgreSQL: the chain's lock and then its head, in one round trip (a function: migration 0052).
_HEAD_UNDER_LOCK = text("SELECT head_seq AS seq, head_hash AS hash FROM audit_chain_head_locked(:lock_key)")

HASHED_FIELDS = (
    "seq", "at", "actor_id", "actor", "role", "unit_id", "action", "entity_type", "entity_id",
    "dossier_id", "complaint_id", "before", "after", "reason", "request_id", "prev_hash",
)


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _format_at(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(event: Any) -> str:
    """The hash of an ORM event or of a raw row (a mapping) of audit_event: the verifier reads raw rows."""
    values: Mapping[str, Any] = (event if isinstance(event, Mapping)
                                 else {name: getattr(event, name) for name in HASHED_FIELDS})
    payload = {name: values[name] for name in HASHED_FIELDS}
    payload["at"] = _format_at(values["at"])
    return hashlib.sha256((values["prev_hash"] + canonical_json(payload)).encode("utf-8")).hexdigest()


def record(
    ctx: Context,
    action: AuditAction,
    entity_type: str,
    entity_id: object = None,
    *,
    before: Any = None,
    after: Any = None,
    reason: str | None = None,
    role: str | None = None,
    unit_id: int | None = None,
    dossier_id: int | None = None,
    complaint_id: int | None = None,
) -> dict[str, Any]:
    """Append one event for a state change made in the current transaction; returns its columns."""
    if not isinstance(action, AuditAction):  # a free string would slip past the timeline's labels
        raise TypeError(f"audit action must be an AuditAction, not {action!r}")
    actor = ctx.actor
    event: dict[str, Any] = {
        # Truncated to what both databases store, so the hash survives the round trip.
        "at": ctx.clock.now().astimezone(UTC),
        "actor_id": actor.id if actor else None,
        "actor": actor.username if actor else None,
        "role": None if role is None else str(role),
        "unit_id": unit_id,
        "action": action.value,
        "entity_type": entity_type,
        "entity_id": None if entity_id is None else str(entity_id),
        "dossier_id": dossier_id,
        "complaint_id": complaint_id,
        "before": _plain(before),
        "after": _plain(after),
        "reason": reason,
        "request_id": ctx.request_id,
    }
    pending = ctx.session.info.get(_PENDING)
    if pending is not None:  # inside `batched`: chained and appended at the end of the block
        pending.append(event)
    else:
        _append(ctx.session, signing_key(ctx.settings), [event], restamp=ctx.clock)
    return event


_PENDING = "khenthuong.audit.pending"


@contextmanager
def batched(ctx: Context) -> Iterator[None]:
    """Gather the events recorded in the block and append them at its end in one go (one flush, one lock,
    one read of the head, one multi-row INSERT), chained in the order recorded. An exception out of the
    block drops them with the transaction it aborts. A block inside another is part of the outer one."""
    session = ctx.session
    if _PENDING in session.info:
        yield
        return
    session.info[_PENDING] = []
    try:
        yield
        write_pending(session, signing_key(ctx.settings))
    finally:
        session.info.pop(_PENDING, None)


def write_pending(session: Session, key: SigningKey | None) -> None:
    """Append the events gathered so far by `batched` (a checkpoint signs the head after them)."""
    pending = session.info.get(_PENDING)
    if pending:
        _append(session, key, list(pending))
        pending.clear()


def _append(session: Session, key: SigningKey | None, events: list[dict[str, Any]], *,
            restamp: Clock | None = None) -> None:
    """Chain `events` after the head and insert them (their dicts get seq, prev_hash, hash, seal). A single
    event is stamped (`restamp`) once the lock is held, so its time follows the event before it."""
    session.flush()  # the transaction's own writes before the chain's lock, so it is held the least time
    if is_postgres(session):
        head = run_core(session, _HEAD_UNDER_LOCK, {"lock_key": _CHAIN_LOCK_KEY}).first()
    else:  # SQLite serializes writers already
        head = run_core(session, _HEAD).first()
    if restamp is not None:  # the lock is held: this time follows the last event's
        for event in events:
            event["at"] = restamp.now().astimezone(UTC)
    seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
    for event in events:
        seq += 1
        event["seq"], event["prev_hash"] = seq, prev_hash
        event["hash"] = prev_hash = event_hash(event)
        event["seal"] = key.seal(event["hash"]) if key else None
    run_core(session, _INSERT_EVENT, events)  # Core: one INSERT (executemany), no unit of work


def _plain(value: Any) -> Any:
    """Reduce to plain JSON so the stored value hashes the same after a round trip."""
    if value is None:
        return None
    return json.loads(canonical_json(value))


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    events: int
    head_hash: str
    first_bad_seq: int | None = None
    problem: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"ok": self.ok, "events": self.events, "head_hash": self.head_hash}
        if not self.ok:
            out["first_bad_seq"] = self.first_bad_seq
            out["problem"] = self.problem
        return out


def verify_chain(ctx: Context, batch: int = 5000) -> ChainReport:
    """Walk the whole chain in order and name the first event that does not hold (hashes and seals;
    engine/anchor.py adds the signed checkpoints)."""
    return walk(ctx.session, key=signing_key(ctx.settings), batch=batch)


def walk(session: Session, *, after_seq: int = 0, prev_hash: str = GENESIS_HASH, sealed: bool = False,
         key: SigningKey | None = None, limit: int | None = None, batch: int = 5000,
         progress: Callable[[int], None] | None = None) -> ChainReport:
    """Check the events after `after_seq` (whose hash is `prev_hash`) from raw rows, in seq order.

    Each must follow the one before (gapless seq, prev_hash), hash to its stored hash and, once the
    chain has begun to be sealed (`sealed`: the event at `after_seq` carries a seal), carry the seal of
    `key` (checked when the key is at hand). `limit` stops after that many events: the report then
    stands for the events walked. `progress` is called with the seq reached every `batch` events."""
    table = AuditEvent.__table__
    stmt = select(table).where(table.c.seq > after_seq).order_by(table.c.seq)
    if limit is not None:
        stmt = stmt.limit(limit)
    expected_seq = after_seq + 1
    for row in session.execute(stmt.execution_options(yield_per=batch, stream_results=True)).mappings():
        problem = None
        if row["seq"] != expected_seq:
            problem = f"thiếu sự kiện số {expected_seq}"
        elif row["prev_hash"] != prev_hash:
            problem = "liên kết với sự kiện trước không khớp"
        elif event_hash(row) != row["hash"]:
            problem = "nội dung sự kiện đã bị thay đổi"
        elif row["seal"] is None and sealed:
            problem = "sự kiện không có dấu niêm phong: không do ứng dụng ghi"
        elif row["seal"] is not None and key is not None and not hmac.compare_digest(row["seal"],
                                                                                  key.seal(row["hash"])):
            problem = "dấu niêm phong không hợp lệ: sự kiện không do ứng dụng ghi"
        if problem:
            return ChainReport(False, expected_seq - 1, prev_hash, row["seq"], problem)
        sealed = sealed or row["seal"] is not None
        prev_hash, expected_seq = row["hash"], expected_seq + 1
        if progress is not None and row["seq"] % batch == 0:
            progress(row["seq"])
    return ChainReport(True, expected_seq - 1, prev_hash)
