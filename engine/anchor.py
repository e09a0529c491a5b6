"""The audit chain's anchor: signed checkpoints of its head, kept in the database and exported.

A hash chain proves nothing against whoever can recompute it, so the chain's head is signed from
time to time with an Ed25519 key the database does not hold (engine/security.py): at every decision
issued, by the worker at least every `audit_checkpoint_seconds`, and by `khenthuong audit
checkpoint`. A checkpoint names the head event's seq, the number of events up to it, the head's hash,
when it was made and by which key. Exported as lines of text (`KTAU1 …`, one per checkpoint, short
enough to print), it can be checked against the database later even if the checkpoint table has
been emptied.

The check (`verify`) holds the chain against every checkpoint it is given (the table's and any
exported file's), each signature checked first:

- emptied: no events while a checkpoint exists;
- truncated: the head's seq below a checkpoint's;
- rewritten (hashes recomputed): the hash at a checkpoint's seq differs from the signed one;
- deleted in the middle: fewer events up to a checkpoint than it signed (the full check's count);
- events after the last checkpoint: walked from it (each must extend the signed head, hash right and
  carry the seal only the application can make, engine/audit.py).

What it cannot see: an event appended after the last checkpoint by someone who holds the signing key
(the application's host), or whole events written through the application itself. Without the key,
a forged event fails its seal. See docs/security.md.

`verify(full=False)` is the incremental check a request may run, whose cost does not grow with the
chain: the last checkpoint (and any exported file's), the hash at its seq, the first event's seq,
then only the events after it. A deletion or an edit *before* the last checkpoint that leaves the
checkpoint's own event alone is caught only by the full walk (`full=True`: every checkpoint, the
counts, every event), which runs from the CLI with progress and records its result (AuditWalk) for
the API to show.
"""
from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.audit import _CHAIN_LOCK_KEY, GENESIS_HASH, ChainReport, walk, write_pending
from engine.context import Context
from engine.db import lock_advisory
from engine.models import AuditCheckpoint, AuditEvent, AuditWalk
from engine.security import SigningKey, VerifyKey, signing_key

LINE_TAG = "KTAU1"
_MESSAGE_PREFIX = "khenthuong-audit-checkpoint:v1"


class CheckpointFormatError(ValueError):
    """A line of an exported checkpoint file that is not a checkpoint."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    events: int
    head_hash: str
    at: datetime
    key_id: str
    signature: str  # base64

    @property
    def at_text(self) -> str:
        return self.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def message(self) -> bytes:
        """What is signed: every field but the signature, in a fixed order."""
        return ":".join((_MESSAGE_PREFIX, str(self.seq), str(self.events), self.head_hash, self.at_text,
                         self.key_id)).encode()

    def line(self) -> str:
        """The printable form: `KTAU1 seq events head_hash time key_id signature`."""
        return " ".join((LINE_TAG, str(self.seq), str(self.events), self.head_hash, self.at_text, self.key_id,
                         self.signature))

    @classmethod
    def parse(cls, line: str) -> Checkpoint:
        parts = line.split()
        if len(parts) != 7 or parts[0] != LINE_TAG:
            raise CheckpointFormatError(f"không phải dòng điểm neo {LINE_TAG}: {line[:80]!r}")
        try:
            at = datetime.strptime(parts[4], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
            return cls(int(parts[1]), int(parts[2]), parts[3], at, parts[5], parts[6])
        except ValueError as exc:
            raise CheckpointFormatError(f"dòng điểm neo hỏng: {line[:80]!r}") from exc

    @classmethod
    def of_row(cls, row: Any) -> Checkpoint:
        return cls(row.seq, row.events, row.head_hash, row.at, row.key_id, row.signature)

    def signed_by(self, key: VerifyKey) -> bool:
        if self.key_id != key.key_id:
            return False
        try:
            signature = base64.b64decode(self.signature, validate=True)
        except (ValueError, binascii.Error):
            return False
        return key.verify(signature, self.message())


def read_lines(text: str) -> list[Checkpoint]:
    """The checkpoints of an exported file (blank lines and `#` comments skipped)."""
    return [Checkpoint.parse(line) for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def export_text(session: Session) -> str:
    """Every stored checkpoint, one printable line each, oldest first."""
    rows = session.execute(select(AuditCheckpoint.__table__).order_by(AuditCheckpoint.seq, AuditCheckpoint.id))
    lines = [f"# khenthuong: điểm neo nhật ký kiểm toán ({LINE_TAG} số-sự-kiện-cuối số-sự-kiện mã-băm "
             "thời-điểm khóa chữ-ký)"]
    return "\n".join(lines + [Checkpoint.of_row(row).line() for row in rows]) + "\n"


def latest(session: Session) -> Checkpoint | None:
    row = session.execute(select(AuditCheckpoint.__table__)
                          .order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc()).limit(1)).first()
    return Checkpoint.of_row(row) if row else None


def chain_head_seq(session: Session) -> int:
    """The last event's seq (0 for an empty chain), read from the index."""
    return session.execute(select(func.max(AuditEvent.__table__.c.seq))).scalar() or 0


def checkpoint(ctx: Context, key: SigningKey | None = None) -> Checkpoint | None:
    """Sign the chain's head in the current transaction; None when no key is configured or the chain
    is empty. The chain lock (held to the commit) keeps the head from moving under the signature, and
    the checkpoint commits or rolls back with the events it signs."""
    key = key or signing_key(ctx.settings)
    if key is None:
        return None
    session = ctx.session
    write_pending(session, signing_key(ctx.settings))  # the events an `audit.batched` block gathered so far
    lock_advisory(session, _CHAIN_LOCK_KEY)
    table = AuditEvent.__table__
    head = session.execute(select(table.c.seq, table.c.hash).order_by(table.c.seq.desc()).limit(1)).first()
    if head is None:
        return None
    last = latest(session)
    if last is not None and last.seq == head.seq and last.head_hash == head.hash and last.key_id == key.key_id:
        return last
    unsigned = Checkpoint(head.seq, head.seq, head.hash, ctx.clock.now().astimezone(UTC).replace(microsecond=0),
                          key.key_id, "")
    signed = Checkpoint(unsigned.seq, unsigned.events, unsigned.head_hash, unsigned.at, unsigned.key_id,
                        base64.b64encode(key.sign(unsigned.message())).decode())
    session.add(AuditCheckpoint(seq=signed.seq, events=signed.events, head_hash=signed.head_hash, at=signed.at,
                                key_id=signed.key_id, signature=signed.signature))
    session.flush()
    return signed


def checkpoint_if_due(ctx: Context) -> Checkpoint | None:
    """The worker's periodic checkpoint: only when events came after the last one and it is old enough."""
    key = signing_key(ctx.settings)
    if key is None:
        return None
    last = latest(ctx.session)
    head_seq = ctx.session.execute(select(func.max(AuditEvent.seq))).scalar()
    if head_seq is None or (last is not None and last.seq >= head_seq):
        return None
    if last is not None and (ctx.clock.now() - last.at).total_seconds() < ctx.settings.audit_checkpoint_seconds:
        return None
    return checkpoint(ctx, key)


@dataclass(frozen=True)
class AnchorReport:
    """The chain's check against its checkpoints."""

    ok: bool
    events: int  # events in the database; when the walk fails, those that hold before the bad one
    head_hash: str  # the head's hash; when the walk fails, that of the last event that holds
    full: bool  # every event walked, or only those after the last checkpoint
    checkpoints: int = 0  # valid signed checkpoints held against the chain
    last_checkpoint_seq: int | None = None
    checked_from_seq: int = 0  # the walk began after this seq
    first_bad_seq: int | None = None
    problem: str | None = None
    unchecked: int = 0  # events past the limit a request may walk: left to the full walk
    last_full_walk: dict[str, Any] | None = field(default=None)

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "ok": self.ok, "events": self.events, "head_hash": self.head_hash, "full": self.full,
            "checkpoints": self.checkpoints, "last_checkpoint_seq": self.last_checkpoint_seq,
            "checked_from_seq": self.checked_from_seq, "unchecked": self.unchecked,
            "last_full_walk": self.last_full_walk,
        }
        if not self.ok:
            out["first_bad_seq"] = self.first_bad_seq
            out["problem"] = self.problem
        return out


def verify(session: Session, *, key: VerifyKey | None, sealing_key: SigningKey | None = None,
           extra: Iterable[Checkpoint] = (), full: bool = False, tail_limit: int | None = None,
           progress: Callable[[int], None] | None = None) -> AnchorReport:
    """Hold the chain against signed checkpoints, then walk it.

    `full`: every stored checkpoint and `extra` (an officer's exported file), the count of events up to
    each, then every event from the first. Otherwise (the quick check): the last stored checkpoint and
    `extra`, the hash at each one's seq, the first event's seq, then only the events after the last
    checkpoint (at most `tail_limit`); its cost does not grow with the chain (see docs/security.md for
    what only the full walk catches)."""
    table = AuditEvent.__table__
    # Two statements: SQLite reads min() or max() from the index only when it is alone in the query.
    first_seq = session.execute(select(func.min(table.c.seq))).scalar() or 0
    head_seq = chain_head_seq(session)
    count = session.execute(select(func.count()).select_from(table)).scalar_one() if full else head_seq
    head_hash = session.execute(select(table.c.hash).where(table.c.seq == head_seq)).scalar() or GENESIS_HASH

    def fail(seq: int | None, problem: str, checkpoints: int = 0, last: int | None = None) -> AnchorReport:
        return AnchorReport(False, count, head_hash, full, checkpoints, last, 0, seq, problem,
                            last_full_walk=last_walk(session))

    query = select(AuditCheckpoint.__table__)
    if not full:
        query = query.order_by(AuditCheckpoint.seq.desc(), AuditCheckpoint.id.desc()).limit(1)
    stored = [Checkpoint.of_row(row) for row in session.execute(query)]
    anchors, fault = _signed(stored + list(extra), key)
    if fault is None and anchors:
        fault = _held_against(session, anchors, head_seq, count if full else None)
    if fault is None and first_seq > 1:
        fault = 1, f"thiếu các sự kiện từ số 1 đến số {first_seq - 1}: đã bị xóa"
    if fault is not None:
        return fail(fault[0], fault[1], len(anchors), max(anchors) if anchors else None)
    top_seq = max(anchors) if anchors else None
    if full or top_seq is None:
        start, prev, sealed = 0, GENESIS_HASH, False
    else:
        start, prev = top_seq, anchors[top_seq].head_hash
        sealed = session.execute(select(table.c.seal).where(table.c.seq == top_seq)).scalar() is not None
    limit = None if full else tail_limit
    report: ChainReport = walk(session, after_seq=start, prev_hash=prev, sealed=sealed, key=sealing_key,
                               limit=limit, progress=progress)
    if not report.ok:
        return AnchorReport(False, report.events, report.head_hash, full, len(anchors), top_seq, start,
                            report.first_bad_seq, report.problem, last_full_walk=last_walk(session))
    if count != head_seq:
        return fail(None, f"số sự kiện ({count}) khác số thứ tự cuối ({head_seq})", len(anchors), top_seq)
    return AnchorReport(True, count, head_hash, full, len(anchors), top_seq, start,
                        unchecked=head_seq - report.events, last_full_walk=last_walk(session))


Fault = tuple[int | None, str]  # the first seq at fault (if one is), and the problem


def _signed(given: list[Checkpoint], key: VerifyKey | None) -> tuple[dict[int, Checkpoint], Fault | None]:
    """The checkpoints by seq, each signed by `key`, and no two signed for one seq that disagree."""
    anchors: dict[int, Checkpoint] = {}
    if given and key is None:
        return anchors, (None, "không có khóa để kiểm tra chữ ký các điểm neo")
    for cp in given:
        assert key is not None
        if not cp.signed_by(key):
            return {}, (cp.seq, f"điểm neo đến sự kiện số {cp.seq} có chữ ký không hợp lệ hoặc của khóa khác "
                                f"({cp.key_id})")
        other = anchors.setdefault(cp.seq, cp)
        if other.head_hash != cp.head_hash or other.events != cp.events:
            return {}, (cp.seq, f"hai điểm neo đã ký cho sự kiện số {cp.seq} không khớp nhau")
    return anchors, None


def _held_against(session: Session, anchors: dict[int, Checkpoint], head_seq: int,
                  count: int | None) -> Fault | None:
    """Emptied, truncated, rewritten or (when `count` is given: the full check) thinned: what the signed
    heads say against the stored chain."""
    top = max(anchors)
    if head_seq == 0:
        return None, f"nhật ký đã bị xóa sạch: 0 sự kiện, nhưng điểm neo đã ký đến sự kiện số {top}"
    if head_seq < top:
        return head_seq + 1, (f"nhật ký bị cắt: sự kiện cuối là số {head_seq}, nhưng điểm neo đã ký đến sự kiện "
                              f"số {top}")
    seqs = sorted(anchors)
    hashes = _hashes_at(session, seqs)
    for seq in seqs:
        if hashes.get(seq) != anchors[seq].head_hash:
            return seq, f"sự kiện số {seq} không khớp điểm neo đã ký lúc {anchors[seq].at_text}: chuỗi đã bị viết lại"
    if count is None:
        return None
    counts = _counts_up_to(session, seqs)
    for seq in seqs:
        if counts[seq] != anchors[seq].events:
            return seq, (f"điểm neo đã ký {anchors[seq].events} sự kiện đến số {seq}, nhật ký còn {counts[seq]}: "
                         "đã bị xóa")
    return None


def _hashes_at(session: Session, seqs: list[int], chunk: int = 1000) -> dict[int, str]:
    table = AuditEvent.__table__
    out: dict[int, str] = {}
    for i in range(0, len(seqs), chunk):
        rows = session.execute(select(table.c.seq, table.c.hash).where(table.c.seq.in_(seqs[i:i + chunk])))
        out.update((seq, hash_) for seq, hash_ in rows)
    return out


def _counts_up_to(session: Session, seqs: list[int]) -> dict[int, int]:
    """Events with seq ≤ each of `seqs`: one count over the chain, bucketed between checkpoints."""
    table = AuditEvent.__table__
    out, total, low = {}, 0, 0
    for seq in seqs:
        total += session.execute(select(func.count()).where(table.c.seq > low, table.c.seq <= seq)).scalar_one()
        out[seq], low = total, seq
    return out


def last_walk(session: Session) -> dict[str, Any] | None:
    row = session.execute(select(AuditWalk.__table__).order_by(AuditWalk.id.desc()).limit(1)).first()
    if row is None:
        return None
    return {"finished_at": row.finished_at.isoformat(), "ok": row.ok, "events": row.events,
            "head_seq": row.head_seq, "problem": row.problem}


def record_walk(ctx: Context, report: AnchorReport) -> None:
    """Keep a full walk's result for the API's incremental check to show (the caller commits)."""
    ctx.session.add(AuditWalk(finished_at=ctx.clock.now(), ok=report.ok, events=report.events,
                              head_seq=report.events if report.ok else (report.first_bad_seq or 0),
                              problem=report.problem))
    ctx.session.flush()


def verify_ctx(ctx: Context, *, extra: Iterable[Checkpoint] = (), full: bool = False,
               progress: Callable[[int], None] | None = None) -> AnchorReport:
    """`verify` with the configured key; a request's check (not `full`) walks at most the tail limit."""
    key = signing_key(ctx.settings)
    return verify(ctx.session, key=key.verify_key if key else None, sealing_key=key, extra=extra, full=full,
                  tail_limit=None if full else ctx.settings.audit_verify_tail_limit, progress=progress)
