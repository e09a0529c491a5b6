"""`khenthuong backup` / `restore`: one consistent archive of the database and the attachment store,
restored into a fresh database and store, then checked (audit chain, every file by its SHA-256)."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from click.testing import CliRunner
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from api.cli import main
from engine.audit import verify_chain
from engine.clock import Clock
from engine.config import Settings
from engine.context import Context
from engine.db import make_engine, snapshot
from engine.maintenance.archive import MANIFEST
from engine.maintenance.backup import write_backup
from engine.migrate import alembic_config, current_revision, head_revision, upgrade
from engine.models import Attachment, AuditEvent, CouncilSession, Decision, Dossier, Unit, UnitLevel, User
from engine.operations.award import commands as dossiers
from engine.storage import AttachmentStore
from tests.yesterday import populate

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _env(database_url: str, folder: Path) -> dict[str, str]:
    return {
        "KHENTHUONG_DATABASE_URL": database_url,
        "KHENTHUONG_INSTANCE_DIR": str(folder),
        "KHENTHUONG_ATTACHMENTS_DIR": str(folder / "attachments"),
        "KHENTHUONG_SECRET_KEY": "backup-test-secret",
    }


def _cli(env: dict[str, str], *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, list(args), env=env)


@pytest.fixture
def source(session_factory, settings, runtime, clock, db_engine, session):
    """The suite's database with the demo, a complaint, and a file of its own, as a running site holds."""
    populate(session_factory, settings, runtime, clock)
    proposer = session.scalars(select(User).where(User.username == "truong.denghi")).one()
    draft = session.scalars(select(Dossier).order_by(Dossier.id)).first()
    ctx = Context(session, settings, clock, runtime, proposer)
    dossiers.add_attachment(ctx, draft.id, io.BytesIO(PNG), "anh-chan-dung.png", "evidence",
                            draft.nominations[0].id)
    session.commit()
    return _env(settings.database_url, settings.instance_dir)


def _store_keys(session: Session) -> set[str]:
    keys = set(session.scalars(select(Attachment.sha256)))
    keys |= set(session.scalars(select(Decision.document_sha256).where(Decision.document_sha256.is_not(None))))
    keys |= set(session.scalars(select(CouncilSession.minutes_sha256)
                                .where(CouncilSession.minutes_sha256.is_not(None))))
    return keys


def _facts(url: str, settings: Settings, clock: Clock) -> dict[str, object]:
    engine = make_engine(url)
    try:
        with Session(engine) as session:
            chain = verify_chain(Context(session, settings, clock))
            counts = {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                      for model in (AuditEvent, Unit, User, Dossier, Attachment, Decision)}
            return {"chain": chain, "counts": counts, "keys": _store_keys(session)}
    finally:
        engine.dispose()


def test_a_backup_restores_into_a_fresh_database_and_store_with_every_file_and_the_chain(
        source, settings, clock, fresh_database_url, tmp_path):
    archive = tmp_path / "khenthuong.tar.gz"
    made = _cli(source, "backup", str(archive))
    assert made.exit_code == 0, made.output
    assert archive.is_file() and not list(tmp_path.glob(".*partial"))
    before = _facts(settings.database_url, settings, clock)
    assert before["chain"].ok and len(before["keys"]) >= 3  # uploads, a generated decision, the PNG

    target = _env(fresh_database_url, tmp_path / "restored")
    restored = _cli(target, "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert f"{before['chain'].events} sự kiện, khớp bản sao lưu" in restored.output

    after = _facts(fresh_database_url, settings, clock)
    assert after["chain"].ok and after["chain"].head_hash == before["chain"].head_hash
    assert after["counts"] == before["counts"] and after["keys"] == before["keys"]
    store = AttachmentStore(tmp_path / "restored" / "attachments")
    for key in after["keys"]:
        assert hashlib.sha256(store.read(key)).hexdigest() == key

    # Restored means the same rows, not only as many: a backup of the copy holds the same tables.
    again = tmp_path / "again.tar.gz"
    assert _cli(target, "backup", str(again)).exit_code == 0
    assert _table_digests(again) == _table_digests(archive)


def _table_digests(path: Path) -> dict[str, str]:
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.loads(archive.extractfile(MANIFEST).read())
    return {table["name"]: table["sha256"] for table in manifest["tables"]}


def test_restore_refuses_a_database_with_data_unless_forced(source, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert _cli(source, "backup", str(archive)).exit_code == 0
    refused = _cli(source, "restore", str(archive))
    assert refused.exit_code == 1 and "đã có dữ liệu" in refused.output and "--force" in refused.output
    forced = _cli(source, "restore", "--force", str(archive))
    assert forced.exit_code == 0, forced.output
    assert "khớp bản sao lưu" in forced.output


def _rewritten(archive: Path, name: str, old: bytes, new: bytes) -> Path:
    """A copy of the archive with one member edited (its manifest entry left as it was)."""
    copy_path = archive.with_name(f"edited-{archive.name}")
    with tarfile.open(archive, "r:gz") as original, tarfile.open(copy_path, "w:gz") as copy:
        for member in original:
            data = original.extractfile(member).read()
            if member.name == name:
                assert old in data
                data = data.replace(old, new, 1)
            member.size = len(data)
            copy.addfile(member, io.BytesIO(data))
    return copy_path


def test_a_damaged_archive_is_refused_before_the_target_is_touched(source, fresh_database_url, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert _cli(source, "backup", str(archive)).exit_code == 0
    damaged = _rewritten(archive, "database/dossier.jsonl", "Giấy khen".encode(), "Bằng khen".encode())
    target = _env(fresh_database_url, tmp_path / "restored")
    refused = _cli(target, "restore", str(damaged))
    assert refused.exit_code == 1 and "database/dossier.jsonl" in refused.output
    engine = make_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []
    finally:
        engine.dispose()


def test_restore_refuses_a_backup_from_a_newer_release(source, fresh_database_url, tmp_path):
    archive = tmp_path / "b.tar.gz"
    assert _cli(source, "backup", str(archive)).exit_code == 0
    newer = _rewritten(archive, MANIFEST, f'"revision": "{head_revision()}"'.encode(), b'"revision": "9999"')
    refused = _cli(_env(fresh_database_url, tmp_path / "restored"), "restore", str(newer))
    assert refused.exit_code == 1 and "9999" in refused.output and "mới hơn" in refused.output


def test_a_backup_stops_when_a_file_the_database_names_is_missing(source, settings, session, tmp_path):
    key = session.scalars(select(Attachment.sha256)).first()
    AttachmentStore(settings.attachment_root).path(key).unlink()
    archive = tmp_path / "b.tar.gz"
    refused = _cli(source, "backup", str(archive))
    assert refused.exit_code == 1 and key in refused.output
    assert not archive.exists() and list(tmp_path.iterdir()) == []


def test_a_snapshot_sees_one_state_while_others_write(db_engine, session_factory, settings, clock, session, source):
    with snapshot(db_engine) as connection:
        seen = connection.scalar(text("SELECT count(*) FROM unit"))
        with session_factory() as writer:  # not blocked by the snapshot, even on SQLite
            writer.add(Unit(code="MOI", name="Đơn vị mới", level=UnitLevel.COMMUNE, created_at=clock.now()))
            writer.commit()
        assert connection.scalar(text("SELECT count(*) FROM unit")) == seen
        assert current_revision(connection) == head_revision()
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Unit)) == seen + 1


def test_a_backup_made_before_the_last_migration_restores_and_is_migrated(fresh_database_url, tmp_path, clock):
    """The schema of the backup first, its rows, then this release's migrations on them."""
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_revision(head_revision())
    older = head.down_revision
    old_url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(old_url, older)
    engine = make_engine(old_url)
    with engine.begin() as connection:
        connection.execute(text("INSERT INTO unit (id, code, name, level, reviews_awards, created_at) "
                                "VALUES (1, 'CU', 'Đơn vị từ bản cũ', 'province', 1, '2026-01-02 03:04:05.000000')"))
    engine.dispose()
    old = Settings(database_url=old_url, instance_dir=tmp_path / "old", secret_key="x")
    archive = tmp_path / "old.tar.gz"
    assert write_backup(old, archive, clock).revision == older

    restored = _cli(_env(fresh_database_url, tmp_path / "restored"), "restore", str(archive))
    assert restored.exit_code == 0, restored.output
    assert f"lược đồ {older} → {head_revision()}" in restored.output
    engine = make_engine(fresh_database_url)
    try:
        with engine.connect() as connection:
            assert current_revision(connection) == head_revision()
        with Session(engine) as session:
            unit = session.get(Unit, 1)
            assert (unit.name, unit.created_at.isoformat()) == ("Đơn vị từ bản cũ", "2026-01-02T03:04:05+00:00")
    finally:
        engine.dispose()
