"""Yesterday's data: what a running installation holds, kept as a backup made by the release before.

`tests/fixtures/yesterday.tar.gz` is a `khenthuong backup` of the demo organisation with dossiers at every
stage (a draft, completeness check, appraisal, forwarded, decided with its DOCX, a supplement, a council
vote half cast) and a complaint accepted for investigation. tests/test_upgrade_from_yesterday.py restores
it and runs this release's migrations on it. Rebuild it when a release is cut (`make yesterday`), so the
next release's migrations run on the data this one leaves behind:

    python -m tests.yesterday [FILE]
"""
from __future__ import annotations

import sys
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.demo import DemoSeeder
from engine.clock import Clock, FixedClock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine, make_session_factory
from engine.maintenance.backup import describe, write_backup
from engine.migrate import upgrade
from engine.models import Decision, User
from engine.operations import tasks
from engine.operations.complaints import commands as complaints
from engine.operations.complaints.inputs import read_filing
from engine.orgchart.writer import import_org_chart
from engine.rules import load_rules
from engine.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "yesterday.tar.gz"
DEMO_ORG = ROOT / "demo" / "org.yaml"
VN = timezone(timedelta(hours=7))
# Cheap password hashes: each keeps its own parameters, so logging in to the fixture stays quick.
FAST_HASHING = {"argon2_time_cost": 1, "argon2_memory_cost_kib": 1024}


def populate(session_factory: sessionmaker[Session], settings: Settings, runtime: Runtime, clock: Clock) -> None:
    """The demo organisation and dossiers, and a complaint about the demo's decision, accepted."""
    with session_factory() as session:
        import_org_chart(Context(session, settings, clock), DEMO_ORG.read_text(encoding="utf-8"),
                         filename=DEMO_ORG.name)
        session.commit()
    DemoSeeder(session_factory, settings, runtime, clock).seed()
    with session_factory() as session:
        def acting(username: str) -> Context:
            user = session.scalars(select(User).where(User.username == username)).one()
            return Context(session, settings, clock, runtime, user, "yesterday")

        decision = session.scalars(select(Decision).order_by(Decision.id)).first()
        assert decision is not None
        complaints.file_complaint(acting("truong.denghi"), read_filing({
            "kind": "complaint", "subject": {"decision_id": decision.id},
            "complainant": {"full_name": "Đỗ Thị Lan", "contact": "0912 000 111", "address": "Xã Bình Minh"},
            "content": "Đề nghị xem xét lại việc không đưa tôi vào danh sách khen thưởng."}))
        session.commit()
        officer = acting("xa1.khieunai")
        (accept,) = [t for t in tasks.list_tasks(officer).items if t.key == "accept_complaint"]
        tasks.complete_task(officer, accept.id, {"outcome": "accept", "complex": False})
        session.commit()


def build(target: Path, at: datetime) -> dict[str, object]:
    """A fresh SQLite database at this release's head, populated, backed up to `target` (replaced)."""
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.from_env({}, instance_dir=Path(folder), secret_key="yesterday", **FAST_HASHING)
        upgrade(settings.database_url)
        load_rules(settings.rules_dir)
        engine = make_engine(settings.database_url)
        try:
            clock = FixedClock(at)
            populate(make_session_factory(engine), settings, Runtime.load(settings), clock)
        finally:
            engine.dispose()
        target.unlink(missing_ok=True)
        return describe(write_backup(settings, target, clock))


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else FIXTURE
    print(path, build(path, datetime.now(VN).replace(microsecond=0)))
