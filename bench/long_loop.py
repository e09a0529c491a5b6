"""Long-loop benchmark: one award dossier sent back for a supplement again and again.

The product's own processes (workflows/), SQLite in a temp dir (and PostgreSQL unless --skip-pg), one
session and one commit per user action as a web request has. Each loop is two completions: the office's
`check_completeness` (outcome supplement) and the proposer's `supplement_dossier`. Reported: the saved
state (`process_instance.state`, bytes) after loop 1, 10 and `--loops`, and the CPU of a loop's two
completion requests at the start and at the end (median of `--window` loops), each as a ratio to the
first; the same run with pruning turned off (engine/runtime/pruning.py, PRUNE_AT) is the baseline.
Run: `python -m bench.long_loop [--loops 100] [--window 5] [--skip-pg]`.
"""
from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, select, text
from sqlalchemy.engine import make_url

import engine.operations  # noqa: F401  (registers the helpers the product's scripts call)
from engine.clock import FixedClock
from engine.config import PROJECT_ROOT, Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import ProcessInstance, User
from engine.operations import tasks
from engine.runtime import Runtime, pruning
from engine.runtime.definitions import parse_directory
from tests.workflows.journey import Journey, build_tree

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 21, 2, tzinfo=UTC)
SUPPLEMENT = {"outcome": "supplement", "missing": "Thiếu tờ trình"}
ANSWER = {"note": "Đã bổ sung tờ trình"}


@dataclass
class Run:
    mode: str
    sizes: dict[int, int] = field(default_factory=dict)  # loop -> state bytes after it
    cpu: list[float] = field(default_factory=list)  # seconds of CPU per loop (two completion requests)
    sql: list[int] = field(default_factory=list)  # statements per loop


def one_run(url: str, mode: str, loops: int, instance_dir: Path, prune: bool) -> Run:
    settings = Settings(database_url=url, instance_dir=instance_dir, secret_key="bench",
                        argon2_time_cost=1, argon2_memory_cost_kib=1024)
    upgrade(url)
    runtime = Runtime(parse_directory(PROJECT_ROOT / "workflows", PROJECT_ROOT / "forms"), settings)
    db = make_engine(url)
    statements = [0]

    @event.listens_for(db, "before_cursor_execute")
    def _count(*_: Any) -> None:
        statements[0] += 1

    factory = make_session_factory(db)
    clock = FixedClock(NOW)
    saved = pruning.PRUNE_AT
    pruning.PRUNE_AT = saved if prune else 10**9
    try:
        with factory() as session:
            tree = build_tree(session, settings)
            session.commit()
            office, proposer = tree.commune_office.id, tree.proposer.id
            journey = Journey(Context(session, settings, clock, runtime), tree)
            dossier_id = journey.submit(("GIAY_KHEN", "Nguyễn Thị Tươi"))

        def request(user_id: int, action: Callable[[Context], Any]) -> Any:
            with factory() as session:
                out = action(Context(session, settings, clock, runtime, session.get(User, user_id)))
                session.commit()
                return out

        def complete(user_id: int, key: str, form: dict[str, Any]) -> None:
            def action(ctx: Context) -> None:
                (task,) = tasks.list_tasks(ctx, dossier_id=dossier_id, key=key).items
                tasks.complete_task(ctx, task.id, form)
            request(user_id, action)

        result = Run(mode)
        for loop in range(1, loops + 1):
            c0, s0 = time.process_time(), statements[0]
            complete(office, "check_completeness", SUPPLEMENT)
            complete(proposer, "supplement_dossier", ANSWER)
            result.cpu.append(time.process_time() - c0)
            result.sql.append(statements[0] - s0)
            if loop in (1, 2, 10, 20, loops):
                with factory() as session:
                    state = session.scalar(select(ProcessInstance.state)
                                           .where(ProcessInstance.dossier_id == dossier_id))
                    result.sizes[loop] = len((state or "").encode())
        return result
    finally:
        pruning.PRUNE_AT = saved
        db.dispose()


def pg_database(base_url: str) -> tuple[str, Callable[[], None]] | None:
    admin_url = make_url(base_url)
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 5})
    name = f"khenthuong_bench_{secrets.token_hex(6)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # unreachable: say so and go on without it
        print(f"NOTE: PostgreSQL at {admin_url.render_as_string()} is unreachable: {exc}", file=sys.stderr)
        admin.dispose()
        return None

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return admin_url.set(database=name).render_as_string(hide_password=False), drop


def report(runs: list[Run], loops: int, window: int) -> None:
    print(f"\nLong loop: one dossier, {loops} supplement loops (2 completion requests each); "
          f"{os.cpu_count()} CPUs, shared; ratios are within this run")
    head = (f"{'mode':<34}{'state@1':>9}{'@10':>9}{f'@{loops}':>9}{f'@{loops}/@1':>9}{'@20/@2':>8}"
            f"{'CPU first':>11}{'CPU last':>10}{'last/first':>11}{'SQL/loop':>9}")
    print(head + "\n" + "-" * len(head))
    for r in runs:
        first, last = statistics.median(r.cpu[:window]), statistics.median(r.cpu[-window:])
        print(f"{r.mode:<34}{r.sizes[1]:>9}{r.sizes.get(10, 0):>9}{r.sizes[loops]:>9}"
              f"{r.sizes[loops] / r.sizes[1]:>8.2f}×{r.sizes.get(20, 0) / r.sizes.get(2, 1):>7.2f}×"
              f"{first * 1000:>9.1f}ms{last * 1000:>8.1f}ms{last / first:>10.2f}×{statistics.mean(r.sql):>9.1f}")
    print(f"CPU = this Python process's time for a loop's two completion requests (median of the first and the "
          f"last {window} loops); the database server's CPU is not included.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.long_loop", description=__doc__.splitlines()[0])
    parser.add_argument("--loops", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--skip-pg", action="store_true")
    args = parser.parse_args(argv)
    runs = []
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        for prune in (False, True):
            url = f"sqlite:///{Path(tmp) / f'loop-{prune}.sqlite'}"
            label = "SQLite, pruning " + ("on" if prune else "off (baseline)")
            runs.append(one_run(url, label, args.loops, Path(tmp), prune))
        if not args.skip_pg:
            for prune in (False, True):
                database = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
                if database is None:
                    break
                url, drop = database
                try:
                    label = "PostgreSQL, pruning " + ("on" if prune else "off (baseline)")
                    runs.append(one_run(url, label, args.loops, Path(tmp), prune))
                finally:
                    drop()
    report(runs, args.loops, args.window)
    return 0


if __name__ == "__main__":
    sys.exit(main())
