"""`processes.send_messages`: a message to many instances in one transaction leaves what the same
messages sent one by one leave (instances, side rows, timers, events in order), and an instance that is
not waiting for it refuses the whole batch (409) with nothing written."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.audit import verify_chain
from engine.errors import Conflict
from engine.models import AuditEvent, HumanTask, ProcessInstance, Timer
from engine.operations import tasks
from engine.operations.processes import send_message, send_messages
from tests.engine.helpers import build_world, start_sample


def _waiting_for_confirmation(ctx, world, clock, session) -> int:
    instance_id = start_sample(ctx, world, clock)
    done = tasks.complete_task(ctx.as_actor(world.proposer), _task(session, instance_id, "prepare"),
                               {"title": "Đề nghị khen", "amount": 2})
    session.commit()
    assert [t.key for t in done.next_tasks] == ["review"]
    tasks.complete_task(ctx.as_actor(world.office), _task(session, instance_id, "review"), {"outcome": "approve"})
    session.commit()
    for member in world.members:
        vote = session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance_id,
                                                          HumanTask.assignee_id == member.id)).one()
        tasks.complete_task(ctx.as_actor(member), vote, {"choice": "yes"})
        session.commit()
    return instance_id


def _task(session, instance_id: int, key: str) -> int:
    return session.scalars(select(HumanTask.id).where(HumanTask.instance_id == instance_id, HumanTask.key == key,
                                                      HumanTask.state == "ready")).one()


def _left(session, instance_id: int):
    instance = session.get(ProcessInstance, instance_id)
    rows = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id).order_by(HumanTask.id))
    timers = session.scalars(select(Timer.key).where(Timer.instance_id == instance_id)).all()
    events = session.execute(select(AuditEvent.action, AuditEvent.entity_type).where(
        AuditEvent.entity_id == str(instance_id), AuditEvent.entity_type == "process_instance")
        .order_by(AuditEvent.seq)).all()
    return (instance.status, instance.version, [(t.key, t.state) for t in rows], sorted(timers),
            [tuple(e) for e in events])


def test_a_batch_of_messages_leaves_what_messages_one_by_one_leave(ctx, settings, clock, session, next_step):
    world = build_world(session, settings)
    alone = [_waiting_for_confirmation(ctx, world, clock, session) for _ in range(2)]
    batch = [_waiting_for_confirmation(ctx, world, clock, session) for _ in range(2)]
    next_step(ctx)

    for instance_id in alone:
        send_message(ctx, instance_id, "confirmation", {"ok": True})
        session.commit()
    results = send_messages(ctx, "confirmation", [(instance_id, {"ok": True}) for instance_id in batch])
    session.commit()
    assert [r.completed for r in results] == [True, True]
    next_step(ctx)

    assert [_left(session, i) for i in alone] == [_left(session, i) for i in batch]
    last = session.execute(select(AuditEvent.action, AuditEvent.entity_id).order_by(AuditEvent.seq.desc())
                           .limit(4)).all()
    assert [tuple(e) for e in reversed(last)] == [
        ("message_received", str(batch[0])), ("process_completed", str(batch[0])),
        ("message_received", str(batch[1])), ("process_completed", str(batch[1]))]
    assert verify_chain(ctx).ok


def test_an_instance_not_waiting_refuses_the_whole_batch(ctx, settings, clock, session, next_step):
    world = build_world(session, settings)
    waiting = _waiting_for_confirmation(ctx, world, clock, session)
    not_yet = start_sample(ctx, world, clock)
    before = [_left(session, i) for i in (waiting, not_yet)]
    next_step(ctx)
    with pytest.raises(Conflict):
        send_messages(ctx, "confirmation", [(waiting, {"ok": True}), (not_yet, {"ok": True})])
    session.rollback()
    next_step(ctx)
    assert [_left(session, i) for i in (waiting, not_yet)] == before
    send_messages(ctx, "confirmation", [(waiting, {"ok": True})])  # nothing cached half-way: it goes on
    session.commit()
    assert session.get(ProcessInstance, waiting).status.value == "completed"
