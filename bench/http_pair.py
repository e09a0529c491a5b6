"""Two versions of the server side by side: task completions over HTTP alternating between them, in one run.

The machine's own speed moves by ±10–30 % within minutes (bench/README.md), more than most changes to the
write path are worth, so two `bench.http` runs one after the other cannot compare two versions of the
code. This serves both at once instead: `khenthuong serve --workers W` (gunicorn) of another checkout of
the project (`OTHER`, e.g. `git worktree add --detach ../before main`) and of this one, each on its own
port, against one fresh PostgreSQL database migrated by this checkout (the two must share its migrations).
Each client takes its instances of tests/fixtures/processes/sample_review.bpmn through `prepare` and
`review` as `bench.http` does, job after job alternating between the two servers, so that whatever the
machine does falls on both alike. Reported per round: the server CPU per completion of each (user +
system time of its gunicorn workers, from /proc) and their ratio, this checkout over `OTHER`. The same
checkout given twice shows the noise (a ratio of 0.97–1.00 was seen here).
Run: `python -m bench.http_pair OTHER [--workers 2] [--clients 4] [--jobs 400] [--rounds 2]`; exits 1 if
PostgreSQL is unreachable.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench.http import ROOT, WARMUP_JOBS, Server, children_cpu, job, seed, server_env, settings_of
from bench.long_loop import DEFAULT_PG_URL, pg_database
from engine.migrate import upgrade
from engine.security import write_signing_key


def served_from(env: dict[str, str]) -> Path:
    """The checkout a process started with `env` imports the engine from."""
    out = subprocess.run([sys.executable, "-c", "import engine; print(engine.__file__)"], env=env, check=True,
                         capture_output=True, text=True, cwd=tempfile.gettempdir())
    return Path(out.stdout.strip()).resolve().parent.parent


def one_round(servers: dict[str, Server], tokens: dict[str, tuple[str, str]], work: list[list[int]],
              round_no: int) -> dict[str, float]:
    """Each client's jobs, alternating between the servers by parity (shifted per client and round); the
    server CPU per completion of each, in ms."""
    target = [["this" if (i + j + round_no) % 2 else "other" for j in range(len(ids))] for i, ids in enumerate(work)]
    before = {name: children_cpu(s.proc.pid) for name, s in servers.items()}
    errors: list[BaseException] = []

    def client(i: int) -> None:
        try:
            for task_id, name in zip(work[i], target[i], strict=True):
                job(servers[name].call, tokens[name], task_id, [])
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return {name: (children_cpu(s.proc.pid) - before[name]) / (2 * sum(row.count(name) for row in target)) * 1000
            for name, s in servers.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.http_pair", description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="another checkout of the project, served beside this one")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--jobs", type=int, default=400, help="instances per round (2 completions each)")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    trees = {"other": args.other.resolve(), "this": ROOT}
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a stopped run still drops its database
    database = pg_database(os.environ.get("KHENTHUONG_BENCH_PG_URL", DEFAULT_PG_URL))
    if database is None:
        return 1
    url, drop = database
    servers: dict[str, Server] = {}
    try:
        with tempfile.TemporaryDirectory(prefix="khenthuong_bench_") as tmp:
            write_signing_key(Path(tmp) / "audit_signing_key.pem")
            env = server_env(url, Path(tmp))
            upgrade(url)
            world = seed(settings_of(env))
            for name, tree in trees.items():
                own = dict(env, PYTHONPATH=str(tree))
                if served_from(own) != tree:
                    raise SystemExit(f"{tree}: its engine is not the one imported with PYTHONPATH={tree}")
                servers[name] = Server(own, args.workers, Path(tmp) / f"gunicorn-{name}.log")
            tokens = {name: (s.token(world.proposer), s.token(world.office)) for name, s in servers.items()}
            for name, s in servers.items():
                for task_id in world.start(WARMUP_JOBS * args.clients):
                    job(s.call, tokens[name], task_id, [])
            print(f"Server CPU per completion, {args.workers} gunicorn workers each, {args.clients} clients, "
                  f"jobs alternating; this: {trees['this']}, other: {trees['other']}")
            for round_no in range(args.rounds):
                per_client = max(2, args.jobs // args.clients)
                ms = one_round(servers, tokens, [world.start(per_client) for _ in range(args.clients)], round_no)
                print(f"round {round_no + 1}: other {ms['other']:.2f} ms, this {ms['this']:.2f} ms, "
                      f"this/other {ms['this'] / ms['other']:.3f}")
    finally:
        for s in servers.values():
            s.stop()
        drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
