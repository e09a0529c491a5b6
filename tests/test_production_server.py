"""`khenthuong serve --workers 2`: gunicorn in a real subprocess, real HTTP, a clean stop on SIGTERM."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from api.cli import main

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "KhenThuong@2026"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(url: str, data: dict | None = None, token: str | None = None) -> tuple[int, dict]:
    headers = {"Content-Type": "application/json"} if data is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    body = json.dumps(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, body, headers), timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


class ServerLog:
    """Collects a subprocess's output on a thread, so a full pipe never blocks the server."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            self.lines.append(line)

    def text(self) -> str:
        return "".join(self.lines)

    def wait_for_end(self) -> None:
        self._thread.join(timeout=30)


def wait_until_serving(base: str, proc: subprocess.Popen, log: ServerLog) -> None:
    deadline = time.monotonic() + 180  # parsing every BPMN file on a busy 2-core machine
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the server exited with {proc.returncode}:\n{log.text()}")
        try:
            if request(f"{base}/api/v1/openapi.json")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"the server never answered:\n{log.text()}")


@pytest.fixture
def server_env(settings, tmp_path, db_engine):
    env = {
        "KHENTHUONG_DATABASE_URL": settings.database_url,
        "KHENTHUONG_INSTANCE_DIR": str(tmp_path),
        "KHENTHUONG_SECRET_KEY": "production-test-secret",
        "KHENTHUONG_ARGON2_TIME_COST": "1",
        "KHENTHUONG_ARGON2_MEMORY_COST_KIB": "1024",
    }
    result = CliRunner().invoke(main, ["import", str(ROOT / "demo" / "org.yaml")], env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return env


def test_serve_with_two_gunicorn_workers_answers_and_stops_on_sigterm(server_env):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "serve", "--workers", "2", "--port", str(port),
         "--access-log"],
        env={**os.environ, **server_env}, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log = ServerLog(proc.stdout)
    try:
        wait_until_serving(base, proc, log)
        status, body = request(f"{base}/api/v1/auth/token", {"username": "xa1.vanphong", "password": PASSWORD})
        assert status == 200, body
        token = body["access_token"]
        statuses = []
        for _ in range(6):  # several requests, served by whichever worker accepts them
            status, me = request(f"{base}/api/v1/me", token=token)
            statuses.append(status)
        assert statuses == [200] * 6 and me["username"] == "xa1.vanphong"
        status, listing = request(f"{base}/api/v1/dossiers", token=token)
        assert status == 200 and listing["items"] == []
        assert request(f"{base}/api/v1/dossiers")[0] == 401
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log.wait_for_end()
    output = log.text()
    assert output.count("Booting worker with pid") == 2, output
    assert "Shutting down: Master" in output, output
    assert "GET /api/v1/me" in output  # --access-log: one line per request on stdout
    assert "spiff" not in output  # SpiffWorkflow's INFO chatter stays out of a server's log


def test_the_master_freezes_what_it_built_before_the_workers_fork(monkeypatch):
    """serve_production freezes the built application (out of every later garbage collection) before
    gunicorn forks its workers."""
    import gc

    from api import production

    seen: list[int] = []
    monkeypatch.setattr(production.ProductionServer, "run", lambda self: seen.append(gc.get_freeze_count()))

    class _State:
        class engine:  # noqa: N801 - stands for the engine the master used to deploy
            @staticmethod
            def dispose() -> None:
                seen.append(-1)

    class _App:
        extensions = {production.EXTENSION: _State()}

    monkeypatch.setattr(production.ProductionServer, "__init__", lambda self, app, options: None)
    gc.unfreeze()
    try:
        production.serve_production(_App(), production.ServerOptions("127.0.0.1", 0, 2))  # type: ignore[arg-type]
        assert seen[0] == -1 and seen[1] > 0  # disposed, then frozen, then run
    finally:
        gc.unfreeze()
