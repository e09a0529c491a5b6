"""An upgrade runs its migrations on a copy of yesterday's data: the committed backup of the release before
(tests/yesterday.py) is restored at its own schema, this release's `db upgrade` runs on it, and the site
goes on working: the audit chain holds, dossiers open over HTTP, a task completes, the council vote that
was half cast yesterday closes today."""
from __future__ import annotations

import hashlib
import json
import tarfile
from datetime import datetime, timedelta

import pytest
from click.testing import CliRunner

from api import create_app
from api.cli import main
from api.state import app_state
from engine.clock import FixedClock
from engine.config import Settings
from engine.db import make_engine
from engine.maintenance.archive import MANIFEST
from engine.migrate import current_revision, head_revision
from engine.text import fold
from tests.yesterday import FIXTURE

API = "/api/v1"
PASSWORD = "KhenThuong@2026"


@pytest.fixture
def manifest() -> dict:
    with tarfile.open(FIXTURE, "r:gz") as archive:
        return json.loads(archive.extractfile(MANIFEST).read())


def _revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return current_revision(connection)
    finally:
        engine.dispose()


@pytest.fixture
def upgraded(fresh_database_url, tmp_path, manifest) -> Settings:
    env = {
        "KHENTHUONG_DATABASE_URL": fresh_database_url,
        "KHENTHUONG_INSTANCE_DIR": str(tmp_path),
        "KHENTHUONG_SECRET_KEY": "yesterday-test-secret",
    }
    run = lambda *args: CliRunner().invoke(main, list(args), env=env)  # noqa: E731
    restored = run("restore", "--no-upgrade", str(FIXTURE))
    assert restored.exit_code == 0, restored.output
    assert _revision(fresh_database_url) == manifest["revision"]
    migrated = run("db", "upgrade")
    assert migrated.exit_code == 0, migrated.output
    assert _revision(fresh_database_url) == head_revision()
    verified = run("audit", "verify")
    assert verified.exit_code == 0 and f"{manifest['audit_events']} sự kiện" in verified.output, verified.output
    return Settings.from_env(env)


@pytest.fixture
def client(upgraded, manifest):
    today = datetime.fromisoformat(manifest["created_at"]) + timedelta(days=1)
    app = create_app(upgraded, clock=FixedClock(today))
    yield app.test_client()
    with app.app_context():
        app_state().engine.dispose()


def _login(client, username: str) -> dict[str, str]:
    answer = client.post(f"{API}/auth/token", json={"username": username, "password": PASSWORD})
    assert answer.status_code == 200, answer.json
    return {"Authorization": f"Bearer {answer.json['access_token']}"}


def _task(client, headers, dossier_id: int, key: str) -> dict:
    listing = client.get(f"{API}/tasks?dossier={dossier_id}&key={key}", headers=headers)
    assert listing.status_code == 200, listing.json
    (task,) = listing.json["items"]
    detail = client.get(f"{API}/tasks/{task['id']}", headers=headers)
    assert detail.status_code == 200, detail.json
    return detail.json


def _complete(client, headers, task: dict, data: dict) -> dict:
    done = client.post(f"{API}/tasks/{task['id']}/complete", headers=headers, json={"data": data})
    assert done.status_code == 200, done.json
    return done.json


def _dossier(client, headers, title: str) -> dict:
    listing = client.get(f"{API}/dossiers?per_page=100", headers=headers)
    assert listing.status_code == 200, listing.json
    (found,) = [d for d in listing.json["items"] if d["title"].startswith(title)]
    detail = client.get(f"{API}/dossiers/{found['id']}", headers=headers)
    assert detail.status_code == 200, detail.json
    return detail.json


def test_yesterdays_data_after_the_upgrade(client):
    school = _login(client, "truong.denghi")
    decided = _dossier(client, school, "Đề nghị tặng Giấy khen tổng kết")
    assert decided["status"] == "decided"
    for attachment in decided["attachments"]:
        answer = client.get(f"{API}/dossiers/{decided['id']}/attachments/{attachment['id']}", headers=school)
        assert answer.status_code == 200
        assert hashlib.sha256(answer.data).hexdigest() == attachment["sha256"]
    (decision,) = client.get(f"{API}/decisions?dossier={decided['id']}", headers=school).json["items"]
    document = client.get(f"{API}/decisions/{decision['id']}/document.docx", headers=school)
    assert document.status_code == 200 and document.data.startswith(b"PK")

    office = _login(client, "xa1.vanphong")
    waiting = _dossier(client, office, "Đề nghị khen thưởng học kỳ I")
    done = _complete(client, office, _task(client, office, waiting["id"], "check_completeness"),
                     {"outcome": "complete"})
    assert [task["key"] for task in done["next_tasks"]] == ["appraise"]

    voting = _dossier(client, office, "Đề nghị Chiến sĩ thi đua cấp tỉnh")
    # Nominee names folded by migration 0024 are what the search reads.
    nominee = voting["nominations"][0]["nominee"]
    folded = fold(nominee["full_name"] or nominee["name"]).upper()
    found = client.get(f"{API}/dossiers", query_string={"q": folded}, headers=office)
    assert voting["id"] in [d["id"] for d in found.json["items"]], (folded, found.json)
    for member in ("xa1.hd.uyvien1", "xa1.hd.uyvien2", "xa1.hd.uyvien3"):
        headers = _login(client, member)
        ballot = _task(client, headers, voting["id"], "cast_ballot")
        assert _complete(client, headers, ballot, {"votes": [
            {"nomination_id": vote["nomination_id"], "choice": "yes"} for vote in ballot["data"]["votes"]]})["receipt"]
    head = _login(client, "xa1.chutich")
    assert _task(client, head, voting["id"], "decide")["key"] == "decide"
    (session,) = client.get(f"{API}/council-sessions?dossier={voting['id']}", headers=head).json
    assert session["closed_how"] == "all_voted"

    complaints = client.get(f"{API}/complaints", headers=_login(client, "xa1.khieunai"))
    assert complaints.status_code == 200
    assert [c["status"] for c in complaints.json["items"]] == ["investigating"]
    admin = _login(client, "quantri")
    chain = client.get(f"{API}/audit/verify", headers=admin)
    assert chain.status_code == 200 and chain.json["ok"] is True, chain.json
