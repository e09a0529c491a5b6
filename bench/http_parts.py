"""Where a task completion's CPU goes: the parts of one in-process HTTP completion, without a profiler.

The same application and requests as `bench.http`'s in-process count (Flask's test client, `prepare` then
`review` of tests/fixtures/processes/sample_review.bpmn on a fresh PostgreSQL database, or SQLite with
`--sqlite`), with the CPU time (`time.process_time`) of a few functions accumulated by wrappers: unlike
cProfile, which costs every Python call and so inflates the call-heavy parts (the task tree's walks, the
ORM), this leaves the request as it runs. Parts nest (the save's lines are inside `save`); the statements'
line is every `Session.execute` and every `Connection.execute` not inside one (`engine.db.run_core`),
wherever they are called from. A tool, not a test.
Run: `python -m bench.http_parts [--jobs 100] [--sqlite]`.
"""
from __future__ import annotations

import argparse
import collections
import functools
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from bench.http import API, job, seed, server_env, settings_of
from bench.long_loop import DEFAULT_PG_URL, pg_database
from engine.migrate import upgrade
from engine.security import write_signing_key
from tests.factories import PASSWORD

Spent = collections.defaultdict[str, float]


_RUNNING: collections.Counter[str] = collections.Counter()  # labels being timed now (one line, several wrappers)


def _timed(owner: Any, name: str, label: str, spent: Spent) -> None:
    target = getattr(owner, name)

    @functools.wraps(target)
    def timed(*args: Any, **kwargs: Any) -> Any:
        if _RUNNING[label]:  # already timed by an outer call of the same line (Session.execute's connection)
            return target(*args, **kwargs)
        _RUNNING[label] += 1
        started = time.process_time()
        try:
            return target(*args, **kwargs)
        finally:
            spent[label] += time.process_time() - started
            _RUNNING[label] -= 1

    setattr(owner, name, timed)


def _instrument(spent: Spent) -> None:
    import api.auth as auth
    from engine.operations import tasks
    from engine.runtime import combined, host
    from engine.runtime.host import Runtime
    from engine.runtime.serialization import StateSerializer

    for owner, name, label in (
        (auth, "session_user", "the token's check"),
        (Runtime, "lock_task", "the lock, the task and the right to act"),
        (Runtime, "open", "opening the workflow (cache or state)"),
        (tasks, "validate_form_data", "the form's check"),
        (Runtime, "complete_user_task", "the engine's step (SpiffWorkflow)"),
        (Runtime, "save_many", "save"),
        (host, "side_changes", "  save: the side rows' changes gathered"),
        (combined, "write_together", "  save: its writes in one statement (PostgreSQL)"),
        (host, "write_apart", "  save: its writes apart (SQLite, or a save that does not fit)"),
        (host, "settle", "  save: the session told the rows written"),
        (host, "open_tasks", "  save: the open tasks' walk"),
        (host, "prune", "  save: pruning"),
        (StateSerializer, "dump_state", "  save: the state's serialization"),
        (tasks, "_audit_task", "the audit event"),
        (tasks, "with_units", "the answer's units"),
        (Session, "commit", "the commit"),
        (Session, "execute", "every statement (Session.execute, or Connection.execute alone)"),
        (Connection, "execute", "every statement (Session.execute, or Connection.execute alone)"),
    ):
        _timed(owner, name, label, spent)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_parts", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100, help="instances (2 completions each)")
    parser.add_argument("--sqlite", action="store_true", help="a SQLite file instead of PostgreSQL")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        if args.sqlite:
            url, drop = f"sqlite:///{tmp}/bench.db", (lambda: None)
        else:
            database = pg_database(DEFAULT_PG_URL)
            if database is None:
                return 1
            url, drop = database
        try:
            write_signing_key(Path(tmp) / "audit_signing_key.pem")
            env = server_env(url, Path(tmp))
            upgrade(url)
            world = seed(settings_of(env))
            spent, total, n = _run(env, world, args.jobs)
        finally:
            drop()
    print(f"CPU per completion in-process (Flask test client, {'SQLite' if args.sqlite else 'PostgreSQL'}): "
          f"{total / n * 1000:.2f} ms over {n} completions")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds / n * 1000:6.3f} ms  {100 * seconds / total:5.1f} %  {label}")
    return 0


def _run(env: dict[str, str], world: Any, jobs: int) -> tuple[Spent, float, int]:
    from api import create_app

    app = create_app(settings_of(env))
    client = app.test_client()

    def call(method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = client.open(path, method=method, json=body, headers=headers)
        return response.status_code, response.get_json(silent=True)

    tokens = tuple(call("POST", f"{API}/auth/token", {"username": u, "password": PASSWORD})[1]["access_token"]
                   for u in (world.proposer, world.office))
    spent: Spent = collections.defaultdict(float)
    _instrument(spent)
    run: Callable[[int], None] = lambda task_id: job(call, tokens, task_id, [])  # noqa: E731
    for task_id in world.start(5):  # warm-up, not counted
        run(task_id)
    ids = world.start(jobs)
    spent.clear()
    started = time.process_time()
    for task_id in ids:
        run(task_id)
    return spent, time.process_time() - started, 2 * jobs


if __name__ == "__main__":
    sys.exit(main())
