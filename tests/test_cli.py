"""The `khenthuong` command against the test database, as an operator would run it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from api.cli import main
from engine.models import AuditEvent, Timer, Unit
from engine.operations import tasks
from tests.conftest import FIXTURES
from tests.engine.helpers import build_world, start_sample

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def cli_env(settings, tmp_path):
    return {
        "KHENTHUONG_DATABASE_URL": settings.database_url,
        "KHENTHUONG_INSTANCE_DIR": str(tmp_path),
        "KHENTHUONG_WORKFLOWS_DIR": str(FIXTURES / "processes"),
        "KHENTHUONG_FORMS_DIR": str(FIXTURES / "forms"),
        "KHENTHUONG_SECRET_KEY": "cli-test-secret",
        "KHENTHUONG_ARGON2_TIME_COST": "1",
        "KHENTHUONG_ARGON2_MEMORY_COST_KIB": "1024",
        "KHENTHUONG_WORKER_POLL_SECONDS": "0.2",
    }


def _run(cli_env, *args):
    return CliRunner().invoke(main, list(args), env=cli_env, catch_exceptions=False)


def test_db_upgrade_creates_a_fresh_sqlite_database(cli_env, tmp_path):
    env = {**cli_env, "KHENTHUONG_DATABASE_URL": f"sqlite:///{tmp_path / 'sub' / 'fresh.sqlite'}"}
    result = _run(env, "db", "upgrade")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "sub" / "fresh.sqlite").exists()


def test_import_demo_twice_changes_nothing_the_second_time(cli_env, session, db_engine):
    first = _run(cli_env, "import", str(ROOT / "demo" / "org.yaml"))
    assert first.exit_code == 0, first.output
    events = session.scalar(select(func.count()).select_from(AuditEvent))
    session.commit()  # end the read: on SQLite an open transaction holds the write lock
    second = _run(cli_env, "import", str(ROOT / "demo" / "org.yaml"))
    assert second.exit_code == 0 and "changed: False" in second.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AuditEvent)) == events
    assert session.scalar(select(Unit.name).where(Unit.code == "HBX")) == "UBND tỉnh Hòa Bình Xanh"


def test_import_reports_bad_rows_and_exits_1(cli_env, tmp_path, session):
    bad = tmp_path / "bad.yaml"
    bad.write_text("units:\n  - {code: A, name: 'Đơn vị A', level: planet}\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(bad)], env=cli_env)
    assert result.exit_code == 1
    assert "units[0].level" in result.output and "Dòng 2" in result.output
    assert session.scalar(select(func.count()).select_from(Unit)) == 0


@pytest.mark.sqlite_only
def test_audit_verify_exit_codes(cli_env, db_engine):
    assert _run(cli_env, "import", str(ROOT / "demo" / "org.yaml")).exit_code == 0
    ok = _run(cli_env, "audit", "verify")
    assert ok.exit_code == 0 and "toàn vẹn" in ok.output
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET actor = 'ke.gian' WHERE seq = 5"))
    broken = CliRunner().invoke(main, ["audit", "verify"], env=cli_env)
    assert broken.exit_code == 1 and "số 5" in broken.output


def _due_timer_in_the_past(ctx, settings, clock, session) -> None:
    """A timer not yet due when the process ran (in 2020) but due by the wall clock, which the
    CLI worker uses."""
    clock.set(datetime(2020, 1, 6, 9, 0, tzinfo=UTC))
    world = build_world(session, settings)
    start_sample(ctx, world, clock, review_days=3)
    prepare = tasks.list_tasks(ctx.as_actor(world.proposer)).items[0]
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()


def test_worker_once_fires_due_timers_and_exits(cli_env, ctx, settings, clock, session):
    _due_timer_in_the_past(ctx, settings, clock, session)
    result = _run(cli_env, "worker", "--once")
    assert result.exit_code == 0 and "1 bộ hẹn giờ" in result.output
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Timer)) == 0
    assert session.scalar(select(func.count()).where(AuditEvent.action == "timer_fired")) == 1


def test_worker_stops_cleanly_on_sigterm(cli_env, ctx, settings, clock, session):
    _due_timer_in_the_past(ctx, settings, clock, session)
    proc = subprocess.Popen([sys.executable, "-c", "from api.cli import main; main()", "worker"],
                            env={**os.environ, **cli_env}, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            line = proc.stderr.readline()
            lines.append(line)
            if "fired review_overdue" in line:
                break
        assert any("fired review_overdue" in line for line in lines), lines
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
        assert "worker stopped" in proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_audit_keygen_checkpoint_export_and_verify_against_the_officers_file(cli_env, db_engine, tmp_path):
    keygen = _run(cli_env, "audit", "keygen")
    assert keygen.exit_code == 0 and (tmp_path / "audit_signing_key.pem").exists(), keygen.output
    assert (tmp_path / "audit_signing_key.pem").stat().st_mode & 0o077 == 0
    assert _run(cli_env, "audit", "keygen").exit_code == 1  # never overwritten
    public = keygen.output.rsplit(": ", 1)[1].strip()
    assert _run(cli_env, "import", str(ROOT / "demo" / "org.yaml")).exit_code == 0
    line = _run(cli_env, "audit", "checkpoint")
    assert line.exit_code == 0 and line.output.startswith("KTAU1 "), line.output
    exported = tmp_path / "diem-neo.txt"
    assert _run(cli_env, "audit", "export", str(exported)).exit_code == 0
    assert line.output.strip() in exported.read_text(encoding="utf-8").splitlines()
    full = _run(cli_env, "audit", "verify")
    assert full.exit_code == 0 and "1 điểm neo" in full.output, full.output
    quick = _run(cli_env, "audit", "verify", "--quick", "--public-key", public)
    assert quick.exit_code == 0, quick.output

    with db_engine.begin() as conn:  # the owner empties both the chain and its checkpoints
        if db_engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
            conn.execute(text("TRUNCATE audit_event, audit_checkpoint"))
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))
        else:
            conn.execute(text("DELETE FROM audit_event"))
            conn.execute(text("DELETE FROM audit_checkpoint"))
    assert CliRunner().invoke(main, ["audit", "verify"], env=cli_env).exit_code == 0  # nothing left to contradict
    caught = CliRunner().invoke(main, ["audit", "verify", "--checkpoints", str(exported)], env=cli_env)
    assert caught.exit_code == 1 and "xóa sạch" in caught.output
