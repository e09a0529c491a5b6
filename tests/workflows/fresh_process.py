"""One step of a journey in a fresh OS process, as after a restart or on another `khenthuong serve`
process: nothing parsed, cached or wired by an earlier step survives into it.

`python -m tests.workflows.fresh_process` reads one JSON request on stdin:
{"database_url", "instance_dir", "now", "username", "dossier_id", "key", "data"} and completes the
user's one READY task of that key on the dossier (`dossier_id` null: of no dossier's, e.g. a round's or
its sitting's) with `data` (the string "ballot" means: yes on every nomination the prefilled ballot
offers). It prints the completion's reply as JSON. With "key": "worker", it is the worker's one pass
instead (`api.worker.run_due_timers` at "now") and prints {"fired": N}.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def run(settings: Any, clock: Any, username: str, dossier_id: int | None, key: str, data: Any) -> dict[str, Any]:
    """Run the step in a child process (the test database, the product's workflows) and return its reply."""
    request = {"database_url": settings.database_url, "instance_dir": str(settings.instance_dir),
               "now": clock.now().isoformat(), "username": username, "dossier_id": dossier_id, "key": key,
               "data": data}
    done = subprocess.run([sys.executable, "-m", "tests.workflows.fresh_process"], input=json.dumps(request),
                          capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-12000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    import logging

    logging.disable(logging.INFO)
    request = json.loads(sys.stdin.read())

    from sqlalchemy import select

    import engine.operations  # noqa: F401  (registers the domain helpers scripts may call)
    from engine.clock import FixedClock
    from engine.config import Settings
    from engine.context import Context
    from engine.db import make_engine, make_session_factory
    from engine.models import User
    from engine.operations import tasks
    from engine.operations.hooks import prefilled
    from engine.runtime import Runtime

    settings = Settings(database_url=request["database_url"], instance_dir=Path(request["instance_dir"]),
                        secret_key="test-secret-key-not-for-production", argon2_time_cost=1,
                        argon2_memory_cost_kib=1024)
    runtime = Runtime.load(settings)
    clock = FixedClock(datetime.fromisoformat(request["now"]))
    engine = make_engine(settings.database_url)
    if request["key"] == "worker":
        from api.worker import run_due_timers

        print(json.dumps({"fired": run_due_timers(make_session_factory(engine), settings, runtime, clock)}))
        engine.dispose()
        return
    with make_session_factory(engine)() as session:
        user = session.scalars(select(User).where(User.username == request["username"])).one()
        ctx = Context(session=session, settings=settings, clock=clock, runtime=runtime, actor=user)
        [task] = [t for t in tasks.list_tasks(ctx, dossier_id=request["dossier_id"], key=request["key"],
                                              per_page=200).items
                  if request["dossier_id"] is not None or t.dossier_id is None]
        data = request["data"]
        if data == "ballot":
            data = {"votes": [{"nomination_id": v["nomination_id"], "choice": "yes"}
                              for v in prefilled(ctx, task)["votes"]]}
        done = tasks.complete_task(ctx, task.id, data)
        session.commit()
    engine.dispose()
    print(json.dumps(done.reply))


if __name__ == "__main__":
    main()
