"""Two real server processes (`khenthuong serve`) on one database, every request to the next one, and a
restart between steps: a council vote and a complaint reach the same end as in a single process
(issue 10). The demo organisation and dossiers are loaded with the `khenthuong` command, so the first
two ballots were cast by a third process (`khenthuong demo`), as after `make run`."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from itertools import cycle
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "KhenThuong@2026"
COMMAND = [sys.executable, "-c", "from api.cli import main; main()"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Server:
    """One `khenthuong serve` process on a port of its own."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env, self.port = env, _free_port()
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v1"

    def start(self) -> None:
        self.process = subprocess.Popen([*COMMAND, "serve", "--port", str(self.port)], env=self.env, cwd=ROOT,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.starts += 1
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert self.process.poll() is None, "the server stopped while starting"
            try:
                with urllib.request.urlopen(f"{self.url}/openapi.json", timeout=5):
                    return
            except OSError:
                time.sleep(0.2)
        raise AssertionError(f"the server on port {self.port} did not answer")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        self.stop()
        self.start()


class Cluster:
    """Sends each request to the next server in turn, as a load balancer would."""

    def __init__(self, servers: list[Server]) -> None:
        self.servers = servers
        self._next = cycle(servers)
        self.tokens: dict[str, str] = {}
        self.served_by: list[int] = []

    def request(self, method: str, path: str, user: str | None = None, body: Any = None) -> tuple[int, Any]:
        server = next(self._next)
        self.served_by.append(server.port)
        headers = {"Content-Type": "application/json"}
        if user is not None:
            headers["Authorization"] = f"Bearer {self.token(user)}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(server.url + path, data=data, headers=headers, method=method)
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, user: str | None = None, body: Any = None) -> Any:
        status, answer = self.request(method, path, user, body)
        assert status in (200, 201), (method, path, status, answer)
        return answer

    def token(self, user: str) -> str:
        if user not in self.tokens:
            status, answer = self.request("POST", "/auth/token", None, {"username": user, "password": PASSWORD})
            assert status == 200, answer
            self.tokens[user] = answer["access_token"]
        return self.tokens[user]

    def task(self, user: str, key: str, dossier: int | None = None) -> dict[str, Any]:
        where = f"&dossier={dossier}" if dossier is not None else ""
        [item] = self.ok("GET", f"/tasks?key={key}{where}", user)["items"]
        return self.ok("GET", f"/tasks/{item['id']}", user)

    def complete(self, user: str, key: str, data: dict[str, Any], dossier: int | None = None) -> dict[str, Any]:
        task = self.task(user, key, dossier)
        return self.ok("POST", f"/tasks/{task['id']}/complete", user, {"data": {**task["data"], **data}})


def _khenthuong(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([*COMMAND, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def cluster(settings, tmp_path, db_engine) -> Iterator[Cluster]:
    env = {**os.environ, "KHENTHUONG_DATABASE_URL": settings.database_url,
           "KHENTHUONG_INSTANCE_DIR": str(tmp_path / "instance"),
           "KHENTHUONG_ATTACHMENTS_DIR": str(tmp_path / "attachments"),
           "KHENTHUONG_SECRET_KEY": "two-servers-test-secret", "KHENTHUONG_ARGON2_TIME_COST": "1",
           "KHENTHUONG_ARGON2_MEMORY_COST_KIB": "1024", "PYTHONPATH": str(ROOT)}
    for name in ("KHENTHUONG_WORKFLOWS_DIR", "KHENTHUONG_FORMS_DIR", "KHENTHUONG_RULES_DIR"):
        env.pop(name, None)  # the product's processes, forms and rules
    _khenthuong(env, "import", str(ROOT / "demo" / "org.yaml"))
    assert "7" in _khenthuong(env, "demo")
    servers = [Server(env), Server(env)]
    try:
        for server in servers:
            server.start()
        yield Cluster(servers)
    finally:
        for server in servers:
            server.stop()


def test_a_council_vote_and_a_complaint_reach_their_end_across_two_servers_and_restarts(cluster):
    members = ("xa1.hd.uyvien1", "xa1.hd.uyvien2", "xa1.hd.uyvien3")
    [ballot] = cluster.ok("GET", "/tasks?key=cast_ballot", members[0])["items"]
    dossier = ballot["dossier_id"]
    receipts = []
    for number, member in enumerate(members):
        task = cluster.task(member, "cast_ballot", dossier)
        votes = [{"nomination_id": v["nomination_id"], "choice": "yes"} for v in task["data"]["votes"]]
        receipts.append(cluster.ok("POST", f"/tasks/{task['id']}/complete", member, {"data": {"votes": votes}})
                        ["receipt"])
        if number == 0:
            cluster.servers[0].restart()

    [session] = cluster.ok("GET", f"/council-sessions?dossier={dossier}", "xa1.hd.chutich")
    assert session["closed_how"] == "all_voted" and session["status"] == "tallied"
    assert session["agenda"][0]["results"]["yes"] == 5
    assert all(cluster.ok("GET", f"/ballots/{receipt}", "xa1.hd.chutich")["counted"] for receipt in receipts)
    assert not cluster.ok("GET", "/tasks?key=close_vote", "xa1.hd.chutich")["items"]
    decide = cluster.task("xa1.chutich", "decide", dossier)
    cluster.ok("POST", f"/tasks/{decide['id']}/complete", "xa1.chutich", {"data": {"nominations": [
        {"id": n["id"], "action": "forward"} for n in decide["data"]["nominations"]]}})
    assert cluster.task("tinh.vanphong", "check_completeness", dossier)["unit"]["code"] == "HBX"

    decision = next(d for d in cluster.ok("GET", "/decisions", "truong.denghi")["items"] if d["status"] == "issued")
    case = cluster.ok("POST", "/complaints", "truong.denghi", {
        "kind": "complaint", "subject": {"decision_id": decision["id"]}, "content": "Danh sách khen thưởng bỏ sót.",
        "complainant": {"full_name": "Lê Thị Hoa", "contact": "0912 000 111",
                        "address": "Thôn Đông, xã Bình Minh"}})
    cluster.complete("xa1.khieunai", "accept_complaint", {"outcome": "accept"})
    cluster.servers[1].restart()
    cluster.complete("xa1.khieunai", "investigate", {"findings": "Danh sách đúng quy định."})
    cluster.complete("xa1.chutich", "resolve_complaint", {"outcome": "rejected", "reason": "Không có căn cứ."})
    assert cluster.ok("GET", f"/public/complaints/{case['tracking_code']}")["status"] == "resolved"

    assert [s.starts for s in cluster.servers] == [2, 2]
    assert len(set(cluster.served_by)) == 2 and len(cluster.served_by) > 20
