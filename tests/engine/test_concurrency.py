"""Concurrency is a feature: many officers on one task, a council voting at once, two workers
on one timer. Each thread has its own session and commits like a request would."""
from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import func, select, text

from engine import audit
from engine.audit import verify_chain
from engine.errors import Conflict
from engine.models import (
    AuditEvent,
    Complaint,
    ComplaintOutcome,
    ComplaintStatus,
    HumanTask,
    HumanTaskState,
    ProcessInstance,
    Role,
)
from engine.operations import tasks
from engine.operations.complaints import commands as complaints
from engine.operations.timers import fire_next_due
from engine.vocabulary import AuditAction
from tests.engine.helpers import build_world, start_sample
from tests.engine.test_complaints import build_scene, filing
from tests.factories import make_user


def _race(n: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(i)` in n threads released together; returns results or exceptions."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return work(i)
        except Exception as exc:  # noqa: BLE001 - the outcome is what we count
            return exc

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))


def _committing(make_ctx, actor, action: Callable[[Any], Any]) -> Any:
    ctx = make_ctx(actor)
    try:
        result = action(ctx)
        ctx.session.commit()
        return result
    except Exception:
        ctx.session.rollback()
        raise


def test_twenty_officers_complete_the_same_task_once(make_ctx, ctx, settings, clock, session):
    world = build_world(session, settings)
    officers = [world.office] + [
        make_user(session, settings, f"xa.vp{i}", (Role.OFFICE, world.commune)) for i in range(19)
    ]
    session.commit()
    instance_id = start_sample(ctx, world, clock)
    prepare = tasks.list_tasks(ctx.as_actor(world.proposer)).items[0]
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()
    review_id = tasks.list_tasks(ctx.as_actor(world.office)).items[0].id
    version_before = session.get(ProcessInstance, instance_id).version
    session.commit()  # end the read: on SQLite an open transaction holds the write lock

    outcomes = _race(20, lambda i: _committing(
        make_ctx, officers[i], lambda c: tasks.complete_task(c, review_id, {"outcome": "approve", "note": str(i)})
    ))

    kinds = Counter(type(o).__name__ for o in outcomes)
    assert kinds == {"Completion": 1, "Conflict": 19}, kinds
    session.expire_all()
    instance = session.get(ProcessInstance, instance_id)
    assert instance.version == version_before + 1
    review = session.get(HumanTask, review_id)
    assert review.state == HumanTaskState.COMPLETED
    winner = next(o for o in outcomes if not isinstance(o, Exception))
    assert review.completed_by_id == winner.task.completed_by_id
    # Exactly one vote task per member came out of the single completion.
    votes = session.scalars(select(HumanTask).where(HumanTask.key == "vote")).all()
    assert len(votes) == len(world.members)
    completed = session.scalars(select(AuditEvent).where(AuditEvent.action == "task_completed")).all()
    assert len(completed) == 2  # prepare + the one review
    assert verify_chain(ctx).ok


def test_nine_members_vote_at_once_and_all_nine_count(make_ctx, ctx, settings, clock, session):
    world = build_world(session, settings, n_members=9)
    instance_id = start_sample(ctx, world, clock)
    for user, key, data in ((world.proposer, "prepare", {"title": "Hồ sơ", "amount": 9}),
                            (world.office, "review", {"outcome": "approve"})):
        task = tasks.list_tasks(ctx.as_actor(user), key=key).items[0]
        tasks.complete_task(ctx.as_actor(user), task.id, data)
        session.commit()
    vote_ids = {m.id: tasks.list_tasks(ctx.as_actor(m), key="vote").items[0].id for m in world.members}
    choices = ["yes"] * 6 + ["no"] * 2 + ["abstain"]
    session.commit()

    outcomes = _race(9, lambda i: _committing(
        make_ctx, world.members[i],
        lambda c: tasks.complete_task(c, vote_ids[world.members[i].id], {"choice": choices[i]}),
    ))

    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    session.expire_all()
    ctx.runtime.forget()
    live = ctx.runtime.open(session, session.get(ProcessInstance, instance_id), clock)
    assert ctx.runtime.ready_tasks(live) == []
    assert sorted(live.workflow.last_task.data["choices"]) == sorted(choices)
    states = session.scalars(select(HumanTask.state).where(HumanTask.key == "vote")).all()
    assert states == [HumanTaskState.COMPLETED] * 9
    assert session.get(ProcessInstance, instance_id).version == 1 + 2 + 9
    assert verify_chain(ctx).ok


def test_two_workers_fire_one_due_timer_once(make_ctx, ctx, settings, clock, session):
    world = build_world(session, settings)
    start_sample(ctx, world, clock, review_days=1)
    prepare = tasks.list_tasks(ctx.as_actor(world.proposer)).items[0]
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()
    clock.advance(days=2)

    outcomes = _race(2, lambda i: _committing(make_ctx, None, fire_next_due))

    fired = [o for o in outcomes if o is not None]
    assert not [o for o in outcomes if isinstance(o, Exception)], outcomes
    assert len(fired) == 1 and fired[0].keys == ["review_overdue"]
    count = session.scalar(select(func.count()).where(AuditEvent.action == "timer_fired"))
    assert count == 1


def test_exception_before_commit_leaves_everything_as_it_was(ctx, settings, clock, session):
    world = build_world(session, settings)
    instance_id = start_sample(ctx, world, clock)
    prepare = tasks.list_tasks(ctx.as_actor(world.proposer)).items[0]

    def snapshot():
        session.expire_all()
        instance = session.get(ProcessInstance, instance_id)
        return (instance.version, instance.state,
                sorted((t.key, t.state.value) for t in session.scalars(select(HumanTask))),
                session.scalar(select(func.count()).select_from(AuditEvent)))

    before = snapshot()
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    # The engine ran, state and side tables were flushed; then the request fails.
    session.rollback()
    assert snapshot() == before

    # The rolled-back workflow did not leak into the cache: the same completion works again.
    completion = tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()
    assert [t.key for t in completion.next_tasks] == ["review"]
    assert verify_chain(ctx).ok


def _at_review(ctx, settings, clock, session):
    """The sample process at its office's `review`, with a second officer of the same office."""
    world = build_world(session, settings)
    colleague = make_user(session, settings, "xa.vp2", (Role.OFFICE, world.commune))
    session.commit()
    start_sample(ctx, world, clock)
    prepare = tasks.list_tasks(ctx.as_actor(world.proposer)).items[0]
    tasks.complete_task(ctx.as_actor(world.proposer), prepare.id, {"title": "Hồ sơ", "amount": 1})
    session.commit()
    return world, colleague


def test_conflict_when_claimed_by_another_officer(ctx, settings, clock, session):
    world, colleague = _at_review(ctx, settings, clock, session)
    review = tasks.list_tasks(ctx.as_actor(world.office)).items[0]
    tasks.claim_task(ctx.as_actor(world.office), review.id)
    session.commit()
    with pytest.raises(Conflict):
        tasks.complete_task(ctx.as_actor(colleague), review.id, {"outcome": "approve"})
    session.rollback()
    tasks.unclaim_task(ctx.as_actor(world.office), review.id)
    session.commit()
    tasks.complete_task(ctx.as_actor(colleague), review.id, {"outcome": "approve"})
    session.commit()
    assert [a for a in session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq))][-3:] == [
        "task_claimed", "task_unclaimed", "task_completed"]


def _waits_for_a_lock(session: Any, seconds: float = 10.0) -> None:
    """Until some other connection waits for a row lock (PostgreSQL), or a moment (SQLite: the waiter is
    in BEGIN IMMEDIATE, which no view shows)."""
    if session.get_bind().dialect.name != "postgresql":
        time.sleep(0.5)
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with session.get_bind().connect() as conn:
            if conn.scalar(text("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'")):
                return
        time.sleep(0.02)
    raise AssertionError("the completion never waited for the instance's lock")


def test_a_completion_waiting_for_a_claim_sees_the_claim(make_ctx, ctx, settings, clock, session):
    """The completion reads its task in the statement that takes the instance's lock: when it had to wait
    for a claim's transaction, it sees the task as that transaction left it (claimed by someone else: 409),
    not as it was when the statement began."""
    world, colleague = _at_review(ctx, settings, clock, session)
    review_id = tasks.list_tasks(ctx.as_actor(world.office)).items[0].id
    session.commit()

    claimer = make_ctx(world.office)
    tasks.claim_task(claimer, review_id)  # holds the instance's lock until its commit
    with ThreadPoolExecutor(max_workers=1) as pool:
        completing = pool.submit(_committing, make_ctx, colleague,
                                 lambda c: tasks.complete_task(c, review_id, {"outcome": "approve"}))
        _waits_for_a_lock(session)
        claimer.session.commit()
        with pytest.raises(Conflict, match="cán bộ khác"):
            completing.result(timeout=30)
    session.expire_all()
    review = session.get(HumanTask, review_id)
    assert (review.state, review.claimed_by_id) == (HumanTaskState.READY, world.office.id)


def test_two_requests_escalate_one_public_complaint_once(make_ctx, ctx, settings, session):
    """The public filer's tracking code and secret sent twice at once (a double click, two devices):
    one second instance, the other request refused."""
    scene = build_scene(session, settings)
    filed = complaints.file_public_complaint(ctx, filing(decision_id=scene.decision.id), address="x")
    filed.complaint.status, filed.complaint.resolved_at = ComplaintStatus.RESOLVED, ctx.clock.now()
    filed.complaint.outcome = ComplaintOutcome.REJECTED
    session.commit()
    raw = {"tracking_code": filed.tracking_code, "secret": filed.secret}

    outcomes = _race(2, lambda i: _committing(
        make_ctx, None, lambda c: complaints.escalate_public(c, raw, address=f"198.51.100.{i}").id))

    assert sorted(type(o).__name__ for o in outcomes) == ["Conflict", "int"], outcomes
    assert session.scalar(select(func.count()).select_from(Complaint).where(Complaint.parent_id.is_not(None))) == 1


@pytest.mark.postgres_only
def test_an_event_that_waited_for_the_chain_is_chained_after_the_one_it_waited_for(make_ctx, ctx, session):
    """The chain's lock and head are read in one statement (migration 0052): an event whose transaction
    waited for the lock must read the head the holder committed, not the head as it was when its statement
    began (that would repeat a seq, the table's key, and fork the chain)."""
    audit.record(ctx, AuditAction.DOSSIER_SUBMITTED, "dossier", 1, reason="trước")
    session.commit()
    holder = make_ctx()
    audit.record(holder, AuditAction.DOSSIER_SUBMITTED, "dossier", 2, reason="giữ khóa")  # holds the chain
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(_committing, make_ctx, None, lambda c: audit.record(
            c, AuditAction.DOSSIER_SUBMITTED, "dossier", 3, reason="chờ khóa"))
        _waits_for_a_lock(session)
        holder.session.commit()
        waiting.result(timeout=30)
    rows = session.execute(select(AuditEvent.seq, AuditEvent.entity_id, AuditEvent.prev_hash, AuditEvent.hash)
                           .order_by(AuditEvent.seq)).all()
    assert [(r.seq, r.entity_id) for r in rows] == [(1, "1"), (2, "2"), (3, "3")]
    assert rows[2].prev_hash == rows[1].hash
    assert verify_chain(ctx).ok
