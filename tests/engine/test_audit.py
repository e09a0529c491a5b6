"""The audit trail is tamper-evident: an edit by raw SQL is detected by verify (SQLite) or
refused by the trigger (PostgreSQL)."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from engine import audit
from engine.audit import GENESIS_HASH, verify_chain
from engine.models import AuditEvent
from engine.vocabulary import AuditAction


def _three_events(ctx):
    for i in range(3):
        audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", i + 1, after={"title": f"Hồ sơ {i + 1}"},
                     reason="thử nghiệm")
    ctx.session.commit()


def test_chain_links_every_event_to_the_one_before(ctx):
    _three_events(ctx)
    report = verify_chain(ctx)
    assert report.ok and report.events == 3
    rows = ctx.session.execute(text("SELECT seq, prev_hash, hash FROM audit_event ORDER BY seq")).all()
    assert rows[0].prev_hash == GENESIS_HASH
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
    assert report.head_hash == rows[-1].hash


def test_an_action_is_stored_as_its_plain_code(ctx):
    _three_events(ctx)
    stored = ctx.session.execute(text("SELECT action FROM audit_event ORDER BY seq")).scalars().all()
    assert stored == ["dossier_submitted"] * 3
    event = ctx.session.get(AuditEvent, 1)
    ctx.session.refresh(event)
    assert type(event.action) is str and audit.event_hash(event) == event.hash


def test_a_free_string_is_refused_and_nothing_is_written(ctx):
    with pytest.raises(TypeError, match="AuditAction"):
        audit.record(ctx, "dossier_submitted", "dossier", 1)  # type: ignore[arg-type]
    assert ctx.session.execute(text("SELECT count(*) FROM audit_event")).scalar() == 0



def _count(ctx) -> int:
    return ctx.session.execute(text("SELECT count(*) FROM audit_event")).scalar()


def test_a_batch_is_appended_at_the_end_of_its_block_chained_like_single_events(ctx):
    audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", 1)
    with audit.batched(ctx):
        for i in range(2, 6):
            audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", i, after={"n": i})
        with audit.batched(ctx):  # inside another: part of the outer batch
            audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", 6)
        assert _count(ctx) == 1  # gathered, not written yet
    audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", 7)
    ctx.session.commit()
    report = verify_chain(ctx)
    assert report.ok and report.events == 7
    stored = ctx.session.execute(text("SELECT seq, entity_id FROM audit_event ORDER BY seq")).all()
    assert [(r.seq, r.entity_id) for r in stored] == [(i, str(i)) for i in range(1, 8)]


def test_a_batch_left_by_an_exception_writes_nothing(ctx):
    with pytest.raises(RuntimeError), audit.batched(ctx):
        audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", 1)
        raise RuntimeError("thử nghiệm")
    assert _count(ctx) == 0
    audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", 2)  # outside any batch again: written at once
    assert _count(ctx) == 1

@pytest.mark.sqlite_only
def test_raw_sql_edit_is_detected_by_verify(ctx, db_engine):
    _three_events(ctx)
    with db_engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET reason = 'đã sửa' WHERE seq = 2"))
    ctx.session.expire_all()
    report = verify_chain(ctx)
    assert not report.ok and report.first_bad_seq == 2 and "thay đổi" in report.problem


@pytest.mark.sqlite_only
def test_raw_sql_delete_is_detected_by_verify(ctx, db_engine):
    _three_events(ctx)
    with db_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    report = verify_chain(ctx)
    assert not report.ok and report.first_bad_seq == 3


@pytest.mark.postgres_only
@pytest.mark.parametrize("statement", [
    "UPDATE audit_event SET reason = 'đã sửa' WHERE seq = 2",
    "DELETE FROM audit_event WHERE seq = 2",
    "TRUNCATE audit_event",
])
def test_postgres_trigger_refuses_update_delete_truncate(ctx, db_engine, statement):
    _three_events(ctx)
    with pytest.raises(DBAPIError, match="append-only"):
        with db_engine.begin() as conn:
            conn.execute(text(statement))
    assert verify_chain(ctx).ok and verify_chain(ctx).events == 3
