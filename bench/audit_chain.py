"""Audit-chain benchmark: the full walk of a long chain outside any request, and the incremental check.

On a fresh PostgreSQL database (migrated, an Ed25519 signing key in a temp dir), valid, sealed audit
events are written with COPY (each hashed and sealed as `engine/audit.record` would, a realistic
task-completion payload) in two steps, first `--small` events, then up to `--events`. At each size a
signed checkpoint is taken at the head (`anchor.checkpoint`, what the worker does periodically),
`--tail` events are appended through `engine.audit.record` (one transaction), and the incremental check
`khenthuong audit verify --quick` (`anchor.verify(full=False)`) is timed, median of 5 — the same check at
two sizes of chain, in one run. At the large size the full walk `khenthuong audit verify` runs too
(`anchor.verify(full=True)` with its progress callback, then `anchor.record_walk`): wall and CPU time,
µs per event, progress calls.
Run: `python -m bench.audit_chain [--events 2000000] [--small 100000] [--tail 1000]`; exits 1 if
PostgreSQL is unreachable.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bench.long_loop import DEFAULT_PG_URL, pg_database
from engine import anchor
from engine.audit import GENESIS_HASH, canonical_json, event_hash, record
from engine.clock import SystemClock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.security import SigningKey, signing_key, write_signing_key
from engine.vocabulary import AuditAction

COLUMNS = ("seq", "at", "actor_id", "actor", "role", "unit_id", "action", "entity_type", "entity_id",
           "dossier_id", "complaint_id", "before", "after", "reason", "request_id", "prev_hash", "hash", "seal")


def fill(url: str, settings: Settings, first: int, n: int, prev: str) -> tuple[float, str]:
    """Write events `first`..`n` with valid hashes and seals after the event whose hash is `prev`;
    returns the seconds it took and the new head's hash."""
    key = signing_key(settings)
    assert key is not None
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    before = {"state": "ready"}
    t0 = time.perf_counter()
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy(f"COPY audit_event ({', '.join(COLUMNS)}) FROM STDIN") as copy:
            for seq in range(first, n + 1):
                dossier = seq // 30 + 1
                after = {"state": "completed", "data": {"outcome": "approve", "note": f"Hồ sơ số {dossier}"}}
                row = {"seq": seq, "at": start + timedelta(seconds=seq * 7, microseconds=seq % 997),
                       "actor_id": seq % 400 + 1, "actor": f"canbo{seq % 400 + 1}", "role": "office",
                       "unit_id": seq % 120 + 1, "action": AuditAction.TASK_COMPLETED.value,
                       "entity_type": "task", "entity_id": str(seq), "dossier_id": dossier, "complaint_id": None,
                       "before": before, "after": after, "reason": None,
                       "request_id": f"{seq:032x}", "prev_hash": prev}
                digest = event_hash(row)
                copy.write_row([row["seq"], row["at"], row["actor_id"], row["actor"], row["role"], row["unit_id"],
                                row["action"], row["entity_type"], row["entity_id"], row["dossier_id"], None,
                                canonical_json(before), canonical_json(after), None, row["request_id"], prev,
                                digest, key.seal(digest)])
                prev = digest
                if seq % 250_000 == 0:
                    print(f"  … written {seq} events ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
        conn.commit()
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE audit_event")
    return time.perf_counter() - t0, prev


def quick_after_tail(factory: Any, settings: Settings, key: SigningKey, tail: int) -> tuple[list[float], int, int]:
    """Checkpoint the head, append `tail` events through the engine, then time the quick check (5 runs);
    returns the times, the head's seq and the SQL statements one check sent."""
    clock = SystemClock()
    with factory() as session:
        anchor.checkpoint(Context(session, settings, clock), key)
        session.commit()
    with factory() as session:
        ctx = Context(session, settings, clock)
        for i in range(tail):
            record(ctx, AuditAction.TASK_COMPLETED, "task", i, before={"state": "ready"},
                   after={"state": "completed"})
        session.commit()
    runs = []
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    for _ in range(5):
        with factory() as session:
            statements[0] = 0
            event.listen(session.get_bind(), "before_cursor_execute", count)
            w0 = time.perf_counter()
            quick = anchor.verify(session, key=key.verify_key, sealing_key=key, full=False,
                                  tail_limit=settings.audit_verify_tail_limit)
            runs.append(time.perf_counter() - w0)
            event.remove(session.get_bind(), "before_cursor_execute", count)
        assert quick.ok and quick.unchecked == 0 and quick.checked_from_seq == quick.events - tail, quick
    return runs, quick.events, statements[0]


def head(factory: Any) -> tuple[int, str]:
    with factory() as session:
        row = session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC LIMIT 1")).one()
    return row.seq, row.hash


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.audit_chain", description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--small", type=int, default=100_000)
    parser.add_argument("--tail", type=int, default=1000)
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still drops its database
    database = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
    if database is None:
        return 1
    url, drop = database
    try:
        with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
            key_file = Path(tmp) / "audit_signing_key.pem"
            write_signing_key(key_file)
            settings = Settings(database_url=url, instance_dir=Path(tmp), secret_key="bench",
                                audit_signing_key_file=key_file)
            key = signing_key(settings)
            assert key is not None
            upgrade(url)
            db = make_engine(url)
            factory = make_session_factory(db)
            print(f"Writing {args.small} events …", file=sys.stderr)
            fill_s, _ = fill(url, settings, 1, args.small, GENESIS_HASH)
            quick_small, small_head, small_sql = quick_after_tail(factory, settings, key, args.tail)
            seq, prev = head(factory)
            print(f"Writing up to {args.events} events …", file=sys.stderr)
            more_s, _ = fill(url, settings, seq + 1, args.events, prev)
            fill_s += more_s
            progress_calls = [0]

            def progress(_seq: int) -> None:
                progress_calls[0] += 1
                if _seq % 250_000 == 0:
                    print(f"  … đã duyệt đến sự kiện số {_seq}", file=sys.stderr)

            with factory() as session:
                w0, c0 = time.perf_counter(), time.process_time()
                full = anchor.verify(session, key=key.verify_key, sealing_key=key, full=True, progress=progress)
                anchor.record_walk(Context(session, settings, SystemClock()), full)
                session.commit()
                full_wall, full_cpu = time.perf_counter() - w0, time.process_time() - c0
            assert full.ok and full.events == args.events, full
            quick_large, large_head, large_sql = quick_after_tail(factory, settings, key, args.tail)
            db.dispose()
    finally:
        drop()
    per_event = full_wall / args.events * 1e6
    small, large = statistics.median(quick_small), statistics.median(quick_large)
    print(f"\nAudit chain on PostgreSQL, {os.cpu_count()} CPUs, shared")
    print(f"written: {args.events} sealed events in {fill_s:.0f} s (COPY)")
    print(f"full walk (`audit verify`) of {args.events}: {full_wall:.1f} s wall, {full_cpu:.1f} s CPU, "
          f"{per_event:.1f} µs wall and {full_cpu / args.events * 1e6:.1f} µs CPU per event, "
          f"{progress_calls[0]} progress calls")
    print(f"quick (`audit verify --quick`, {args.tail} events after the last checkpoint), median of 5 (max):")
    for head_seq, runs, sql in ((small_head, quick_small, small_sql), (large_head, quick_large, large_sql)):
        print(f"  chain of {head_seq}: {statistics.median(runs) * 1000:.0f} ms ({max(runs) * 1000:.0f} ms), "
              f"{sql} SQL statements")
    print(f"  ratio {large / small:.2f}×")
    return 0


if __name__ == "__main__":
    sys.exit(main())
