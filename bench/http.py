"""HTTP benchmark: task completions through gunicorn against PostgreSQL's ceiling, in one run.

On a fresh PostgreSQL database: the ceiling first (each client a loop of minimal transactions: lock its
own row, update ~7 KB in it, insert an event, commit; psycopg, no ORM), then `khenthuong serve --workers
W` (gunicorn, api/production.py) on a free port, and 1 and 4 clients each taking its own instances of
tests/fixtures/processes/sample_review.bpmn through two completions over HTTP (`POST
/api/v1/tasks/{id}/complete`: `prepare` as the proposer, then `review` as the office, whose id the first
answer's `next_tasks` gives), each with a bearer token obtained before the clock starts. Reported per
client count: completions/s and the ratio to the ceiling with as many clients, the CPU per completion of
the server (user + system time of gunicorn's workers from /proc, before and after), of PostgreSQL (every
`postgres` process on this machine) and of the client threads; then what 20 % of the ceiling leaves per
completion on this machine's cores, the server CPU of a bare Flask request under the same gunicorn
(bench/bare_flask.py), and, counted in-process through the same application with Flask's test client (a
`before_cursor_execute` listener), SQL statements per completion and where the audit chain's lock is taken.
Run: `python -m bench.http [--jobs 100] [--workers CORES] [--clients 1,4]`; exits 1 if PostgreSQL is
unreachable. Figures are only comparable as ratios within one run (bench/README.md).
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bench.lifecycle import PREPARE, REVIEW
from bench.long_loop import DEFAULT_PG_URL, pg_database
from engine.clock import SystemClock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.migrate import upgrade
from engine.models import HumanTask, HumanTaskState, User
from engine.operations.processes import start_process
from engine.runtime import Runtime
from engine.security import write_signing_key
from tests.engine.helpers import build_world
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
API = "/api/v1"
STATE_BYTES = 7 * 1024
WARMUP_JOBS = 3  # per client, not measured: each worker's first requests (imports, caches, pool)
_CHAIN_LOCK = "audit_chain_head_locked"  # the statement that takes the audit chain's lock (migration 0052)


@dataclass
class Figures:
    clients: int
    ceiling_tx_per_s: float = 0.0
    completions: int = 0
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    postgres_cpu_s: float | None = None  # None: no PostgreSQL process on this machine to read
    client_cpu_s: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def per_s(self) -> float:
        return self.completions / self.wall_s if self.wall_s else 0.0


# -- the ceiling: what PostgreSQL commits with no application in front ------------------------------

def ceiling(url: str, clients: int, seconds: float) -> float:
    """Minimal transactions per second with `clients` connections, each on its own row."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_ceiling_row (id int PRIMARY KEY, state text NOT NULL)")
        conn.execute("CREATE TABLE IF NOT EXISTS bench_ceiling_event (id bigserial PRIMARY KEY, row_id int "
                     "NOT NULL, at timestamptz NOT NULL DEFAULT now(), body text NOT NULL)")
        conn.execute("INSERT INTO bench_ceiling_row SELECT g, '' FROM generate_series(1, 64) g "
                     "ON CONFLICT DO NOTHING")
    counts = [0] * clients
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(i: int) -> None:
        state = ("x" * STATE_BYTES)
        with psycopg.connect(dsn) as conn:
            start.wait()
            while not stop.is_set():
                with conn.transaction():
                    conn.execute("SELECT id FROM bench_ceiling_row WHERE id = %s FOR UPDATE", (i + 1,))
                    conn.execute("UPDATE bench_ceiling_row SET state = %s WHERE id = %s",
                                 (state[:-1] + str(counts[i] % 10), i + 1))
                    conn.execute("INSERT INTO bench_ceiling_event (row_id, body) VALUES (%s, %s)",
                                  (i + 1, '{"action": "task.completed"}'))
                counts[i] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join()
    return sum(counts) / (time.perf_counter() - t0)


# -- the application server ---------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(url: str, instance_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "KHENTHUONG_DATABASE_URL": url,
        "KHENTHUONG_INSTANCE_DIR": str(instance_dir),
        "KHENTHUONG_WORKFLOWS_DIR": str(FIXTURES / "processes"),
        "KHENTHUONG_FORMS_DIR": str(FIXTURES / "forms"),
        "KHENTHUONG_SECRET_KEY": "bench-secret-key-not-for-production",
        "KHENTHUONG_ARGON2_TIME_COST": "1",
        "KHENTHUONG_ARGON2_MEMORY_COST_KIB": "1024",
    })
    return env


def settings_of(env: dict[str, str]) -> Settings:
    return Settings.from_env(env)


def _processes() -> Iterator[tuple[str, list[str]]]:
    """(command name, the fields after it) of every process /proc lets us read."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            raw = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        yield raw[raw.index("(") + 1:raw.rindex(")")], raw[raw.rindex(")") + 2:].split()


def children_cpu(pid: int) -> float:
    """User + system seconds of the direct children of `pid` (gunicorn's workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    return sum(int(f[11]) + int(f[12]) for _, f in _processes() if int(f[1]) == pid) / tick


def postgres_cpu() -> float | None:
    """User + system seconds of every PostgreSQL process on this machine (the backends, the WAL writer, the
    checkpointer…), with what its ended children spent; None when there is none (a server elsewhere)."""
    tick = os.sysconf("SC_CLK_TCK")
    ticks = [sum(int(x) for x in f[11:15]) for name, f in _processes() if name == "postgres"]
    return sum(ticks) / tick if ticks else None


class Server:
    """gunicorn on a free port with `workers` sync workers, serving ours (`khenthuong serve`, as in
    production) or, given `wsgi_app` ("module:name"), that application under plain gunicorn."""

    def __init__(self, env: dict[str, str], workers: int, log: Path, *, wsgi_app: str | None = None) -> None:
        self.port = free_port()
        self._log = log.open("wb")
        if wsgi_app is None:
            argv = [str(Path(sys.executable).with_name("khenthuong")), "serve", "--workers", str(workers),
                    "--port", str(self.port)]
            ready = f"{API}/openapi.json"
        else:
            argv = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
                    wsgi_app]
            ready = "/"
        self.proc = subprocess.Popen(argv, env=env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.proc.returncode}: see {log}")
            try:
                status, _ = self.call("GET", ready)
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(f"gunicorn did not answer within 120 s: see {log}")

    def call(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            conn.request(method, path, None if body is None else json.dumps(body), headers)
            response = conn.getresponse()
            raw = response.read()
        finally:
            conn.close()
        return response.status, json.loads(raw) if raw else None

    def token(self, username: str) -> str:
        status, body = self.call("POST", f"{API}/auth/token", {"username": username, "password": PASSWORD})
        if status != 200:
            raise RuntimeError(f"no token for {username}: {status} {body}")
        return str(body["access_token"])

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


def bare_floor(workers: int, clients: int, requests: int, log: Path) -> float:
    """Server CPU seconds per request of bench/bare_flask.py under the same gunicorn (sync workers), with
    `clients` threads each POSTing `requests` times: what any Flask request costs here before our code."""
    server = Server(dict(os.environ, PYTHONPATH=str(ROOT)), workers, log, wsgi_app="bench.bare_flask:app")

    def post() -> None:
        status, _ = server.call("POST", "/echo", {"data": PREPARE})
        if status != 200:
            raise RuntimeError(f"the bare Flask application answered {status}: see {log}")

    try:
        for _ in range(20 * workers):  # each worker's first requests
            post()
        threads = [threading.Thread(target=lambda: [post() for _ in range(requests)]) for _ in range(clients)]
        cpu0 = children_cpu(server.proc.pid)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        return (children_cpu(server.proc.pid) - cpu0) / (clients * requests)
    finally:
        server.stop()


# -- the work: instances started beforehand, two completions each over HTTP -------------------------

@dataclass
class World:
    proposer: str
    office: str
    start: Callable[[int], list[int]]  # n -> the `prepare` task ids of n new instances


def seed(settings: Settings) -> World:
    runtime = Runtime.load(settings)
    db = make_engine(settings.database_url)
    factory = make_session_factory(db)
    clock = SystemClock()
    with factory() as session:
        world = build_world(session, settings, n_members=3)
        proposer_id = world.proposer.id
        data = {"proposing_unit": world.school.id, "reviewing_unit": world.commune.id,
                "review_due": (clock.now() + timedelta(days=3)).isoformat(),
                "members": [m.id for m in world.members]}
        names = (world.proposer.username, world.office.username)

    def start(n: int) -> list[int]:
        ids = []
        with factory() as session:
            ctx = Context(session, settings, clock, runtime, session.get(User, proposer_id))
            for _ in range(n):
                instance, _ = start_process(ctx, "sample_review", data)
                ids.append(instance.id)
            session.commit()
            rows = session.query(HumanTask.instance_id, HumanTask.id).filter(
                HumanTask.instance_id.in_(ids), HumanTask.key == "prepare",
                HumanTask.state == HumanTaskState.READY).all()
        by_instance = dict(rows)
        return [by_instance[i] for i in ids]

    return World(names[0], names[1], start)


def job(call: Callable[..., tuple[int, Any]], world_tokens: tuple[str, str], prepare_id: int,
        latencies: list[float]) -> None:
    proposer, office = world_tokens
    t0 = time.perf_counter()
    status, body = call("POST", f"{API}/tasks/{prepare_id}/complete", {"data": PREPARE}, proposer)
    t1 = time.perf_counter()
    if status != 200:
        raise RuntimeError(f"prepare {prepare_id}: {status} {body}")
    (review,) = [t["id"] for t in body["next_tasks"] if t["key"] == "review"]
    status, body = call("POST", f"{API}/tasks/{review}/complete", {"data": REVIEW}, office)
    t2 = time.perf_counter()
    if status != 200:
        raise RuntimeError(f"review {review}: {status} {body}")
    latencies += [t1 - t0, t2 - t1]


def over_http(server: Server, world: World, tokens: tuple[str, str], clients: int, jobs: int) -> Figures:
    per_client = max(1, jobs // clients)
    warm = [world.start(WARMUP_JOBS) for _ in range(clients)]
    work = [world.start(per_client) for _ in range(clients)]
    figures = Figures(clients)
    errors: list[BaseException] = []
    barrier = threading.Barrier(clients + 1)
    lock = threading.Lock()

    def client(i: int) -> None:
        mine: list[float] = []
        try:
            for task_id in warm[i]:
                job(server.call, tokens, task_id, [])
            barrier.wait()
            for task_id in work[i]:
                job(server.call, tokens, task_id, mine)
        except BaseException as exc:  # reported by the caller
            errors.append(exc)
            barrier.abort()
        with lock:
            figures.latencies += mine

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    cpu0, pg0, own0 = children_cpu(server.proc.pid), postgres_cpu(), time.process_time()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    figures.wall_s = time.perf_counter() - t0
    figures.server_cpu_s = children_cpu(server.proc.pid) - cpu0
    figures.client_cpu_s = time.process_time() - own0  # this process: the client threads
    pg1 = postgres_cpu()
    figures.postgres_cpu_s = None if pg0 is None or pg1 is None else pg1 - pg0
    if errors:
        raise errors[0]
    figures.completions = 2 * per_client * clients
    return figures


# -- statements per completion, counted in-process through the same application ---------------------

@dataclass
class InProcess:
    statements: float
    lock_at: float  # 1-based position of the statement taking the audit chain's lock among a completion's
    cpu_ms: float  # this process's CPU per completion through Flask's test client
    sample: list[str]


def in_process(env: dict[str, str], world: World, jobs: int) -> InProcess:
    from api import create_app
    from api.state import EXTENSION

    app = create_app(settings_of(env))
    state = app.extensions[EXTENSION]
    client = app.test_client()
    seen: list[str] = []

    @event.listens_for(state.engine, "before_cursor_execute")
    def _count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split())[:90])

    requests: list[list[str]] = []

    def call(method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        seen.clear()
        response = client.open(path, method=method, json=body, headers=headers)
        requests.append(list(seen))
        return response.status_code, response.get_json(silent=True)

    tokens = tuple(call("POST", f"{API}/auth/token", {"username": u, "password": PASSWORD})[1]["access_token"]
                   for u in (world.proposer, world.office))
    for task_id in world.start(WARMUP_JOBS):
        job(call, tokens, task_id, [])  # type: ignore[arg-type]
    cpu: list[float] = []
    ids = world.start(jobs)
    requests.clear()
    for task_id in ids:
        c0 = time.process_time()
        job(call, tokens, task_id, [])  # type: ignore[arg-type]
        cpu.append((time.process_time() - c0) / 2)
    counts = [len(r) for r in requests]
    locks = [next(i for i, s in enumerate(r, 1) if _CHAIN_LOCK in s)
             for r in requests if any(_CHAIN_LOCK in s for s in r)]
    sample = requests[0]
    state.engine.dispose()
    return InProcess(statistics.mean(counts), statistics.mean(locks) if locks else 0.0,
                     statistics.median(cpu) * 1000, sample)


# -- report -------------------------------------------------------------------------------------------

TARGET_SHARE = 0.20  # issue 18: completions/s at 4 clients ≥ 20 % of the ceiling measured in the same run


def _ms_each(seconds: float | None, r: Figures) -> str:
    return "n/a" if seconds is None else f"{seconds / r.completions * 1000:.2f}ms"


def report(runs: list[Figures], inproc: InProcess, workers: int, floor_s: float) -> None:
    cores = os.cpu_count() or 1
    print(f"\nHTTP task completions through gunicorn ({workers} sync workers) on PostgreSQL; "
          f"{cores} CPUs, shared; ratios are within this run")
    head = (f"{'clients':>7}{'ceiling tx/s':>14}{'completions/s':>15}{'of ceiling':>12}{'p50 ms':>9}"
            f"{'p95 ms':>9}{'server CPU/completion':>23}{'PostgreSQL':>12}{'client':>9}")
    print(head + "\n" + "-" * len(head))
    for r in runs:
        lat = sorted(r.latencies)
        p95 = lat[int(0.95 * (len(lat) - 1))] if lat else 0.0
        print(f"{r.clients:>7}{r.ceiling_tx_per_s:>14.0f}{r.per_s:>15.1f}{r.per_s / r.ceiling_tx_per_s:>11.1%}"
              f"{statistics.median(lat) * 1000:>9.1f}{p95 * 1000:>9.1f}"
              f"{_ms_each(r.server_cpu_s, r):>23}{_ms_each(r.postgres_cpu_s, r):>12}"
              f"{_ms_each(r.client_cpu_s, r):>9}")
    r = max(runs, key=lambda f: f.clients)
    wanted = TARGET_SHARE * r.ceiling_tx_per_s
    budget_ms = cores / wanted * 1000
    spent = r.server_cpu_s + (r.postgres_cpu_s or 0.0) + r.client_cpu_s
    print(f"{TARGET_SHARE:.0%} of the ceiling with {r.clients} clients is {wanted:.0f} completions/s: on {cores} "
          f"cores, at most {budget_ms:.2f} ms of CPU per completion for the server, PostgreSQL and the client "
          f"together; spent here {spent / r.completions * 1000:.2f} ms"
          f"{'' if r.postgres_cpu_s is not None else ' (PostgreSQL not on this machine: not counted)'}.")
    print(f"The same gunicorn serving a bare Flask application (bench/bare_flask.py: a JSON body in, a small JSON "
          f"out, no database) costs {floor_s * 1000:.2f} ms of server CPU per request with {r.clients} clients.")
    print(f"In-process (Flask test client, same application): {inproc.statements:.1f} SQL statements per "
          f"completion request, the audit chain's lock at statement {inproc.lock_at:.1f}, "
          f"{inproc.cpu_ms:.1f} ms CPU per completion (this process).")
    print("Statements of one `prepare` completion:")
    for i, s in enumerate(inproc.sample, 1):
        print(f"  {i:>2}. {s}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http", description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=100, help="instances per client count (2 completions each)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2,
                        help="gunicorn's sync workers (default: one per core; see bench/README.md)")
    parser.add_argument("--clients", default="1,4")
    parser.add_argument("--ceiling-seconds", type=float, default=5.0)
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.clients.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still drops its database
    database = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
    if database is None:
        return 1
    url, drop = database
    try:
        with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
            write_signing_key(Path(tmp) / "audit_signing_key.pem")  # as `make run` has it: every event sealed
            env = server_env(url, Path(tmp))
            upgrade(url)
            world = seed(settings_of(env))
            runs = [Figures(c, ceiling_tx_per_s=ceiling(url, c, args.ceiling_seconds)) for c in counts]
            server = Server(env, args.workers, Path(tmp) / "gunicorn.log")
            try:
                tokens = (server.token(world.proposer), server.token(world.office))
                for i, c in enumerate(counts):
                    measured = over_http(server, world, tokens, c, args.jobs)
                    measured.ceiling_tx_per_s = runs[i].ceiling_tx_per_s
                    runs[i] = measured
            finally:
                server.stop()
            floor_s = bare_floor(args.workers, max(counts), max(100, args.jobs), Path(tmp) / "bare.log")
            inproc = in_process(env, world, min(args.jobs, 30))
    finally:
        drop()
    report(runs, inproc, args.workers, floor_s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
