"""Lifecycle benchmark: bare SpiffWorkflow in memory vs. the engine on SQLite and PostgreSQL.

All modes run the same path of tests/fixtures/processes/sample_review.bpmn in the same process:
start → prepare → review (approve; the boundary timer stays waiting) → one vote per member →
message `confirmation` → completed. Run: `python -m bench.lifecycle [--n N] [--members M]
[--skip-pg] [--json out.json]`. Figures are only comparable as ratios within one run.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import make_url

from engine.clock import FixedClock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import ProcessDefinition, ProcessInstance, User
from engine.operations import tasks
from engine.operations.processes import send_message, start_process
from engine.runtime import Runtime
from engine.runtime.helpers import HELPERS
from engine.runtime.scripting import RestrictedEnvironment, RestrictedScriptEngine
from engine.runtime.serialization import StateSerializer
from tests.engine.helpers import build_world

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
PROCESS = "sample_review"
WARMUP = 10
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 11, 21, 2, tzinfo=UTC)
PREPARE: dict[str, Any] = {"title": "Hồ sơ đề nghị khen thưởng", "amount": 2}
REVIEW: dict[str, Any] = {"outcome": "approve"}
CHOICES = ("yes", "no", "abstain")
MESSAGE: dict[str, Any] = {"ok": True}


@dataclass
class Result:
    mode: str
    n: int
    completions: int  # user-task completions per lifecycle
    wall: list[float]  # seconds per measured lifecycle
    cpu: list[float]  # time.process_time seconds per measured lifecycle (this process only)
    state_bytes: int = 0  # serialized instance state at the end (UTF-8 bytes, spec excluded)
    state_gzip: int = 0
    spec_bytes: int = 0  # serialized spec, stored once per definition version
    full_bytes: int = 0  # bare only: Spiff's default serializer, spec included (what not to store)
    sql_per_lifecycle: float = 0.0
    sql_per_completion: float = 0.0  # one completion request: load user, list inbox, complete, commit
    sql_per_list: float = 0.0  # the inbox query part of it

    def med(self, xs: list[float]) -> float:  # milliseconds
        return statistics.median(xs) * 1000

    def p95(self, xs: list[float]) -> float:
        return statistics.quantiles(xs, n=20, method="inclusive")[18] * 1000


def start_data(unit_ids: tuple[int, int], member_ids: list[int]) -> dict[str, Any]:
    return {"proposing_unit": unit_ids[0], "reviewing_unit": unit_ids[1],
            "review_due": (NOW + timedelta(days=3)).isoformat(), "members": member_ids}


def measure(mode: str, n: int, completions: int, lifecycle: Callable[[], None],
            after_warmup: Callable[[], None] = lambda: None) -> Result:
    for _ in range(WARMUP):
        lifecycle()
    after_warmup()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(n):
        w0, c0 = time.perf_counter(), time.process_time()
        lifecycle()
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
    return Result(mode, n, completions, wall, cpu)


# -- bare SpiffWorkflow -------------------------------------------------------------------------

def _run_next(wf: BpmnWorkflow, key: str, data: dict[str, Any]) -> None:
    task = next(t for t in wf.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.bpmn_id == key)
    task.data.update(data)
    task.run()
    wf.do_engine_steps()


def bare(n: int, members: int, script_engine: PythonScriptEngine, mode: str) -> Result:
    parser = SpiffBpmnParser()
    parser.add_bpmn_file(str(FIXTURES / "processes" / f"{PROCESS}.bpmn"))
    spec, subprocess_specs = parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS)
    data = start_data((1, 2), list(range(10, 10 + members)))
    last: list[BpmnWorkflow] = []

    def lifecycle() -> None:
        wf = BpmnWorkflow(spec, subprocess_specs, script_engine=script_engine)
        wf.task_tree.data.update(data)
        for task in wf.get_tasks(state=TaskState.READY):
            task.data.update(data)
        wf.do_engine_steps()
        _run_next(wf, "prepare", PREPARE)
        _run_next(wf, "review", REVIEW)
        for i in range(members):
            _run_next(wf, "vote", {"choice": CHOICES[i % 2]})
        wf.send_event(BpmnEvent(MessageEventDefinition("confirmation"), MESSAGE))
        wf.do_engine_steps()
        assert wf.is_completed(), "bare lifecycle did not complete"
        last[:] = [wf]

    result = measure(mode, n, 2 + members, lifecycle)
    ours = StateSerializer()
    state = ours.dump_state(last[0]).encode()
    result.state_bytes, result.state_gzip = len(state), len(gzip.compress(state))
    result.spec_bytes = len(ours.dump_specs(spec, subprocess_specs).encode())
    full = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    result.full_bytes = len(full.serialize_json(last[0]).encode())
    return result


# -- the engine, one session and one commit per user action -------------------------------------

def engine_run(url: str, n: int, members: int, mode: str, instance_dir: Path) -> Result:
    settings = Settings(database_url=url, instance_dir=instance_dir, workflows_dir=FIXTURES / "processes",
                        forms_dir=FIXTURES / "forms", secret_key="bench",
                        argon2_time_cost=1, argon2_memory_cost_kib=1024)
    upgrade(url)
    runtime = Runtime.load(settings)
    db = make_engine(url)
    statements = [0]

    @event.listens_for(db, "before_cursor_execute")
    def _count(*_: Any) -> None:
        statements[0] += 1

    factory = make_session_factory(db)
    clock = FixedClock(NOW)
    with factory() as session:
        world = build_world(session, settings, n_members=members)
        proposer, office = world.proposer.id, world.office.id
        voters = [m.id for m in world.members]
        data = start_data((world.school.id, world.commune.id), voters)
    per_completion: list[int] = []
    per_list: list[int] = []

    def request(user_id: int | None, action: Callable[[Context], Any]) -> Any:
        """What a web request does: its own session, the user loaded, one commit."""
        with factory() as session:
            ctx = Context(session, settings, clock, runtime, session.get(User, user_id) if user_id else None)
            out = action(ctx)
            session.commit()
            return out

    def complete(user_id: int, key: str, form: dict[str, Any]) -> None:
        def action(ctx: Context) -> None:
            before = statements[0]
            items = tasks.list_tasks(ctx, key=key).items
            per_list.append(statements[0] - before)
            tasks.complete_task(ctx, items[0].id, form)
        before = statements[0]
        request(user_id, action)
        per_completion.append(statements[0] - before)

    def lifecycle() -> None:
        iid = request(proposer, lambda ctx: start_process(ctx, PROCESS, data)[0].id)
        complete(proposer, "prepare", PREPARE)
        complete(office, "review", REVIEW)
        for i, voter in enumerate(voters):
            complete(voter, "vote", {"choice": CHOICES[i % 2]})
        done = request(None, lambda ctx: send_message(ctx, iid, "confirmation", MESSAGE).completed)
        assert done, f"{mode}: instance {iid} did not complete"

    first_statement = [0]

    def after_warmup() -> None:
        per_completion.clear()
        per_list.clear()
        first_statement[0] = statements[0]

    result = measure(mode, n, 2 + members, lifecycle, after_warmup)
    result.sql_per_completion = statistics.mean(per_completion)
    result.sql_per_list = statistics.mean(per_list)
    result.sql_per_lifecycle = (statements[0] - first_statement[0]) / n
    with factory() as session:
        state = session.scalar(select(ProcessInstance.state).order_by(ProcessInstance.id.desc()).limit(1))
        spec = session.scalar(select(ProcessDefinition.spec).limit(1))
        count = session.scalar(select(func.count()).select_from(ProcessInstance))
    assert state is not None and spec is not None and count == n + WARMUP
    raw = state.encode()
    result.state_bytes, result.state_gzip = len(raw), len(gzip.compress(raw))
    result.spec_bytes = len(spec.encode())
    db.dispose()
    return result


def pg_reachable(base_url: str) -> str | None:
    probe = create_engine(base_url, connect_args={"connect_timeout": 5})
    try:
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # any failure means "not reachable"; say why
        return f"PostgreSQL at {make_url(base_url).render_as_string()} is unreachable: {exc}"
    finally:
        probe.dispose()


def pg_run(base_url: str, n: int, members: int, instance_dir: Path) -> Result:
    admin_url = make_url(base_url)
    name = f"khenthuong_bench_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        url = admin_url.set(database=name).render_as_string(hide_password=False)
        return engine_run(url, n, members, "engine PostgreSQL", instance_dir)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- report -------------------------------------------------------------------------------------

def report(results: list[Result], members: int) -> None:
    base = results[0]
    print(f"\nsample_review lifecycle, {members} council members, {base.completions} user-task completions "
          f"per lifecycle; warm-up {WARMUP} excluded; {os.cpu_count()} CPUs; ratios are within this run")
    head = (f"{'mode':<26}{'N':>5}{'wall p50':>10}{'wall p95':>10}{'CPU p50':>9}{'CPU mean':>10}"
            f"{'lc/s':>8}{'CPU ×bare':>11}{'wall ×bare':>11}")
    print(head + "\n" + "-" * len(head))
    for r in results:
        print(f"{r.mode:<26}{r.n:>5}{r.med(r.wall):>8.2f}ms{r.p95(r.wall):>8.2f}ms{r.med(r.cpu):>7.2f}ms"
              f"{statistics.mean(r.cpu) * 1000:>8.2f}ms{len(r.wall) / sum(r.wall):>8.1f}"
              f"{r.med(r.cpu) / base.med(base.cpu):>10.2f}×{r.med(r.wall) / base.med(base.wall):>10.2f}×")
    print("CPU = time.process_time() of this Python process. The database server's CPU (PostgreSQL) "
          "is NOT included; it shows up only in wall time.")
    print(f"\n{'mode':<26}{'state B':>9}{'gzip B':>8}{'spec B':>8}{'SQL/lc':>8}{'SQL/compl':>11}"
          f"{'of it list':>11}")
    for r in results:
        sql = (f"{r.sql_per_lifecycle:>8.1f}{r.sql_per_completion:>11.1f}{r.sql_per_list:>11.1f}"
               if r.sql_per_lifecycle else f"{'':>8}{'':>11}{'':>11}")
        print(f"{r.mode:<26}{r.state_bytes:>9}{r.state_gzip:>8}{r.spec_bytes:>8}{sql}")
    print(f"(Spiff's default serializer, spec included, would store {base.full_bytes} B per instance. "
          "SQL/compl = one completion request: load user, list inbox, complete, commit.)")
    for r in (r for r in results if r.mode.startswith("engine")):
        verdict = "meets" if r.med(r.cpu) <= 2 * base.med(base.cpu) else "MISSES"
        print(f"FLOOR.md goal (CPU per lifecycle ≤ 2× bare): {r.mode} {verdict} it "
              f"({r.med(r.cpu) / base.med(base.cpu):.1f}×)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.lifecycle", description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="lifecycles measured per mode (default 200)")
    parser.add_argument("--members", type=int, default=3, help="council members voting (default 3)")
    parser.add_argument("--skip-pg", action="store_true", help="do not run on PostgreSQL")
    parser.add_argument("--json", type=Path, help="write the raw figures to this file")
    args = parser.parse_args(argv)
    pg_url = os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL)
    pg_problem = None if args.skip_pg else pg_reachable(pg_url)
    if pg_problem:
        print(f"NOTE: {pg_problem}\n      Reporting bare and SQLite only; use --skip-pg to skip PostgreSQL.",
              file=sys.stderr)
    restricted = RestrictedScriptEngine(RestrictedEnvironment(HELPERS, 1.0))
    default = PythonScriptEngine(environment=TaskDataEnvironment(dict(HELPERS)))
    results = [bare(args.n, args.members, restricted, "bare, restricted scripts"),
               bare(args.n, args.members, default, "bare, Spiff default engine")]
    with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
        sqlite_url = f"sqlite:///{Path(tmp) / 'bench.sqlite'}"
        results.append(engine_run(sqlite_url, args.n, args.members, "engine SQLite", Path(tmp)))
        if not args.skip_pg and not pg_problem:
            results.append(pg_run(pg_url, args.n, args.members, Path(tmp)))
    report(results, args.members)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        figures = {"date": datetime.now(UTC).isoformat(), "members": args.members, "warmup": WARMUP,
                   "results": [asdict(r) for r in results]}
        args.json.write_text(json.dumps(figures, indent=1))
    if pg_problem:
        print(f"\nERROR: {pg_problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
