"""Firing due timers, one instance per transaction, safe with any number of workers."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from engine.context import Context
from engine.db import is_postgres
from engine.models import ProcessInstance, Timer
from engine.operations.processes import checkout, record_if_completed, record_instance_event, saved
from engine.vocabulary import AuditAction


@dataclass(frozen=True)
class FiredTimers:
    instance_id: int
    keys: list[str]


def fire_next_due(ctx: Context, skip: frozenset[int] = frozenset()) -> FiredTimers | None:
    """Lock one instance that has a due timer (skipping instances other workers hold), fire its
    due timers and save. The caller commits. None when nothing is due."""
    assert ctx.runtime is not None
    now = ctx.clock.now()
    due_instances = select(Timer.instance_id).where(Timer.due_at <= now)
    stmt = (select(ProcessInstance.id)
            .where(ProcessInstance.id.in_(due_instances), ProcessInstance.id.not_in(skip))
            .order_by(ProcessInstance.id).limit(1))
    if is_postgres(ctx.session):
        # The instance row is the lock every change takes first: no lock-order inversion.
        stmt = stmt.with_for_update(skip_locked=True)
    instance_id = ctx.session.scalar(stmt)
    if instance_id is None:
        return None
    with checkout(ctx, instance_id) as live:
        keys = ctx.runtime.fire_due_timers(live)
    if keys:
        record_instance_event(ctx, AuditAction.TIMER_FIRED, live.instance, {"timers": keys})
    record_if_completed(ctx, live.instance, saved(live))
    return FiredTimers(instance_id, keys)


def fire_due_of(ctx: Context, instance_id: int) -> list[str]:
    """Fire one instance's due timers now, as the worker would (an operation that needs the instance
    to have moved on does not wait for the worker's next pass). Returns the keys fired."""
    assert ctx.runtime is not None
    with checkout(ctx, instance_id) as live:
        keys = ctx.runtime.fire_due_timers(live)
    if keys:
        record_instance_event(ctx, AuditAction.TIMER_FIRED, live.instance, {"timers": keys})
    record_if_completed(ctx, live.instance, saved(live))
    return keys
