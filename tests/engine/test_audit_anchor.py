"""The audit chain's anchor (engine/anchor.py): each way of tampering issue 11 tried, done to the
database as its owner would do it, and reported by the check (on both databases)."""
from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

import pytest
from sqlalchemy import Connection, Engine, insert, select, text
from sqlalchemy.exc import DBAPIError

from api.worker import sign_head_if_due
from engine import anchor, audit
from engine.models import AuditCheckpoint, AuditEvent
from engine.security import SigningKey, VerifyKey, signing_key
from engine.vocabulary import AuditAction


def _events(ctx, n: int, start: int = 1) -> None:
    for i in range(start, start + n):
        audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", i, after={"title": f"Hồ sơ {i}"},
                     reason="thử nghiệm")


def _anchored(ctx, before: int = 4, after: int = 0) -> anchor.Checkpoint:
    """`before` events, a checkpoint of them, then `after` events more; committed."""
    _events(ctx, before)
    made = anchor.checkpoint(ctx)
    _events(ctx, after, start=before + 1)
    ctx.session.commit()
    assert made is not None
    return made


def _check(ctx, *, full: bool = False, extra=()) -> anchor.AnchorReport:
    ctx.session.rollback()  # a fresh snapshot of what the tamperer left
    return anchor.verify_ctx(ctx, full=full, extra=extra)


@contextmanager
def _as_owner(db_engine: Engine) -> Iterator[Connection]:
    """A raw connection as the tables' owner would use it: on PostgreSQL, the append-only trigger off."""
    postgres = db_engine.dialect.name == "postgresql"
    with db_engine.begin() as conn:
        if postgres:
            conn.execute(text("ALTER TABLE audit_event DISABLE TRIGGER USER"))
        yield conn
        if postgres:
            conn.execute(text("ALTER TABLE audit_event ENABLE TRIGGER USER"))


def _rows(conn: Connection) -> list[dict]:
    return [dict(r) for r in conn.execute(select(AuditEvent.__table__).order_by(AuditEvent.seq)).mappings()]


def _forged(after: dict, **changes) -> dict:
    """An event that extends `after`, with a correctly computed hash (anyone can compute SHA-256)."""
    row = dict(after, seq=after["seq"] + 1, prev_hash=after["hash"], reason="sự kiện giả", seal=None,
               entity_id="999", **changes)
    row["hash"] = audit.event_hash(row)
    return row


@pytest.mark.parametrize("full", [False, True])
def test_an_untouched_chain_holds_against_its_checkpoint(ctx, full):
    made = _anchored(ctx, before=4, after=2)
    report = _check(ctx, full=full)
    assert report.ok, report.problem
    assert (report.events, report.checkpoints, report.last_checkpoint_seq) == (6, 1, 4)
    assert report.checked_from_seq == (0 if full else 4)
    assert made.line().startswith("KTAU1 4 4 ") and anchor.Checkpoint.parse(made.line()) == made


def test_a_checkpoint_is_written_only_when_the_head_moved(ctx):
    first = _anchored(ctx, before=3)
    assert anchor.checkpoint(ctx) == first
    ctx.session.commit()
    assert ctx.session.scalar(select(AuditCheckpoint.id).order_by(AuditCheckpoint.id.desc())) == 1


@pytest.mark.parametrize("seal", [None, "0" * 64])
def test_an_event_forged_by_insert_after_the_last_checkpoint_fails_its_seal(ctx, db_engine, seal):
    _anchored(ctx, before=4, after=1)
    with _as_owner(db_engine) as conn:
        last = _rows(conn)[-1]
        conn.execute(insert(AuditEvent.__table__).values(**{**_forged(last), "seal": seal}))
    report = _check(ctx)
    assert not report.ok and report.first_bad_seq == 6 and "niêm phong" in report.problem
    assert not _check(ctx, full=True).ok


def test_deleting_the_last_events_is_reported_as_truncation(ctx, db_engine):
    _anchored(ctx, before=5)
    with _as_owner(db_engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq >= 4"))
    report = _check(ctx)
    assert not report.ok and report.first_bad_seq == 4 and "bị cắt" in report.problem


def test_deleting_an_event_before_the_checkpoint_is_left_to_the_full_walk(ctx, db_engine):
    _anchored(ctx, before=5, after=2)
    with _as_owner(db_engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 2"))
    # The quick check reads nothing before the last checkpoint but its event and the first one.
    quick = _check(ctx)
    assert quick.ok and quick.checked_from_seq == 5
    walked = _check(ctx, full=True)
    assert not walked.ok and walked.first_bad_seq == 5 and "đã bị xóa" in walked.problem


def test_deleting_the_first_events_is_caught_by_the_quick_check(ctx, db_engine):
    _anchored(ctx, before=5)
    with _as_owner(db_engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq <= 2"))
    report = _check(ctx)
    assert not report.ok and report.first_bad_seq == 1 and "đã bị xóa" in report.problem


def test_deleting_an_event_after_the_last_checkpoint_is_caught_by_the_quick_check(ctx, db_engine):
    _anchored(ctx, before=4, after=4)
    with _as_owner(db_engine) as conn:
        conn.execute(text("DELETE FROM audit_event WHERE seq = 6"))
    report = _check(ctx)
    assert not report.ok and report.first_bad_seq == 7 and "thiếu sự kiện số 6" in report.problem


def _edit(conn: Connection, seq: int) -> None:
    """Change one stored event in place, its hash left as it was."""
    conn.execute(text("UPDATE audit_event SET reason = 'đã sửa' WHERE seq = :seq"), {"seq": seq})


def test_an_event_edited_after_the_last_checkpoint_is_caught_by_the_quick_check(ctx, db_engine):
    _anchored(ctx, before=4, after=3)
    with _as_owner(db_engine) as conn:
        _edit(conn, 6)
    report = _check(ctx)
    assert not report.ok and report.first_bad_seq == 6 and "bị thay đổi" in report.problem


def test_an_event_edited_before_the_last_checkpoint_is_caught_by_the_full_walk(ctx, db_engine):
    _anchored(ctx, before=5, after=1)
    with _as_owner(db_engine) as conn:
        _edit(conn, 3)
    assert _check(ctx).ok  # not read by the quick check
    walked = _check(ctx, full=True)
    assert not walked.ok and walked.first_bad_seq == 3 and "bị thay đổi" in walked.problem


def _rewrite(conn: Connection, seq: int, reason: str) -> None:
    """Change one event and recompute every hash from it on, so the chain links again."""
    rows = _rows(conn)
    prev = rows[seq - 2]["hash"] if seq > 1 else audit.GENESIS_HASH
    for row in rows[seq - 1:]:
        if row["seq"] == seq:
            row["reason"] = reason
        row["prev_hash"] = prev
        row["hash"] = prev = audit.event_hash(row)
    conn.execute(text("DELETE FROM audit_event WHERE seq >= :seq"), {"seq": seq})
    conn.execute(insert(AuditEvent.__table__), rows[seq - 1:])


def test_a_full_rewrite_with_recomputed_hashes_contradicts_the_signed_head(ctx, db_engine):
    _anchored(ctx, before=5, after=2)
    with _as_owner(db_engine) as conn:
        _rewrite(conn, 2, "đã sửa lại")
    report = _check(ctx)
    assert not report.ok and report.first_bad_seq == 5 and "viết lại" in report.problem


def test_a_rewrite_is_found_from_the_officers_file_after_the_checkpoints_were_wiped(ctx, db_engine):
    _anchored(ctx, before=5)
    exported = anchor.export_text(ctx.session)
    ctx.session.rollback()  # end the read (SQLite holds its lock for the transaction)
    with _as_owner(db_engine) as conn:
        _rewrite(conn, 2, "đã sửa lại")
        conn.execute(text("DELETE FROM audit_checkpoint"))
    report = _check(ctx, extra=anchor.read_lines(exported))
    assert not report.ok and "viết lại" in report.problem
    # Without the file, the seals still give the rewrite away on the full walk.
    walked = _check(ctx, full=True)
    assert not walked.ok and walked.first_bad_seq == 2 and "niêm phong" in walked.problem


def test_an_emptied_chain_is_reported(ctx, db_engine):
    _anchored(ctx, before=3)
    exported = anchor.export_text(ctx.session)
    ctx.session.rollback()  # end the read (SQLite holds its lock for the transaction)
    with _as_owner(db_engine) as conn:
        if db_engine.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE audit_event"))
        else:
            conn.execute(text("DELETE FROM audit_event"))
    report = _check(ctx)
    assert not report.ok and "xóa sạch" in report.problem and report.events == 0
    ctx.session.rollback()
    with _as_owner(db_engine) as conn:
        conn.execute(text("DELETE FROM audit_checkpoint"))
    from_file = _check(ctx, extra=anchor.read_lines(exported))
    assert not from_file.ok and "xóa sạch" in from_file.problem


def test_a_checkpoint_not_signed_by_the_key_is_refused(ctx, settings):
    made = _anchored(ctx, before=3)
    other = SigningKey.from_private(signing_key(replace(settings, audit_signing_key=base64.b64encode(
        b"another-key-another-key-another!").decode())).private)
    forged = replace(made, seq=2, events=2, key_id=other.key_id)
    forged = replace(forged, signature=base64.b64encode(other.sign(forged.message())).decode())
    report = _check(ctx, extra=[forged])
    assert not report.ok and "chữ ký không hợp lệ" in report.problem
    tampered = replace(made, head_hash="f" * 64)
    assert not _check(ctx, extra=[tampered]).ok


def test_the_printed_line_can_be_checked_with_the_public_key_alone(ctx, settings):
    made = _anchored(ctx, before=2)
    public = VerifyKey.from_text(signing_key(settings).verify_key.printable)
    assert anchor.Checkpoint.parse(made.line()).signed_by(public)
    report = anchor.verify(ctx.session, key=public, extra=[made])
    assert report.ok and report.checkpoints == 1


def test_a_request_walks_at_most_its_limit_past_the_last_checkpoint(ctx, settings):
    _anchored(ctx, before=2, after=5)
    ctx.settings = replace(settings, audit_verify_tail_limit=3)
    report = _check(ctx)
    assert report.ok and report.unchecked == 2


def test_the_worker_signs_the_head_when_the_last_checkpoint_is_old(ctx, clock):
    _anchored(ctx, before=2, after=1)
    assert anchor.checkpoint_if_due(ctx) is None  # the last one is younger than the period
    clock.advance(seconds=ctx.settings.audit_checkpoint_seconds + 1)
    made = anchor.checkpoint_if_due(ctx)
    assert made is not None and made.seq == 3
    assert anchor.checkpoint_if_due(ctx) is None  # nothing new since


@pytest.mark.postgres_only
def test_an_application_role_with_only_dml_cannot_disable_the_trigger_or_truncate(ctx, db_engine):
    """docs/security.md: the app runs as a role granted DML only; the owner runs migrations."""
    _anchored(ctx, before=2)
    role = f"khenthuong_app_test_{db_engine.url.database}"[:60]
    with db_engine.begin() as conn:
        conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        conn.execute(text(f'CREATE ROLE "{role}" NOLOGIN'))
        conn.execute(text(f'GRANT USAGE ON SCHEMA public TO "{role}"'))
        conn.execute(text(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"'))
    try:
        for statement, refusal in (("ALTER TABLE audit_event DISABLE TRIGGER USER", "must be owner"),
                                   ("TRUNCATE audit_event", "permission denied"),
                                   ("DROP TRIGGER audit_event_append_only ON audit_event", "must be owner"),
                                   ("DELETE FROM audit_event", "append-only")):
            with pytest.raises(DBAPIError, match=refusal):
                with db_engine.begin() as conn:
                    conn.execute(text(f'SET LOCAL ROLE "{role}"'))
                    conn.execute(text(statement))
        with db_engine.begin() as conn:  # what the app does still works under that role
            conn.execute(text(f'SET LOCAL ROLE "{role}"'))
            assert conn.execute(text("SELECT count(*) FROM audit_event")).scalar() == 2
    finally:
        with db_engine.begin() as conn:
            conn.execute(text(f'DROP OWNED BY "{role}"'))
            conn.execute(text(f'DROP ROLE "{role}"'))
    assert _check(ctx).ok


def test_the_worker_pass_commits_its_periodic_checkpoint(ctx, session_factory, settings, clock):
    _events(ctx, 2)
    ctx.session.commit()
    sign_head_if_due(session_factory, settings, clock)  # no checkpoint yet: the head is signed at once
    with session_factory() as other:
        made = anchor.latest(other)
    assert made is not None and made.seq == 2
    assert _check(ctx).ok
