"""Starting process instances, delivering messages to them, cancelling and repairing them.

Every operation that changes a running workflow goes through `checkout`: the instance row locked,
the workflow opened, the domain helpers its scripts call bound to the operation's Context, and the
workflow saved when the block ends without an error.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine import audit
from engine.context import Context, bound
from engine.models import Dossier, InstanceStatus, ProcessInstance
from engine.runtime import LiveWorkflow, SaveResult
from engine.vocabulary import AuditAction


@contextmanager
def checkout(ctx: Context, instance_id: int, *, locked: ProcessInstance | None = None) -> Iterator[LiveWorkflow]:
    """Lock → load → (the block runs the engine) → save, in the caller's transaction; the save's
    result is `live.result` after the block. `locked`: the row already locked (Runtime.lock_task)."""
    assert ctx.runtime is not None
    with bound(ctx), ctx.runtime.checkout(ctx.session, instance_id, ctx.clock, locked=locked) as live:
        yield live


@contextmanager
def checkout_many(ctx: Context, instance_ids: list[int]) -> Iterator[dict[int, LiveWorkflow]]:
    """`checkout` for several instances advanced in one transaction: locked in one statement, the block
    acts on each (by id), the touched ones saved together; nothing is saved if the block raises."""
    assert ctx.runtime is not None
    with bound(ctx), ctx.runtime.checkout_many(ctx.session, instance_ids, ctx.clock) as lives:
        held = _preload_dossiers(ctx, {live.instance.dossier_id for live in lives.values()} - {None})
        yield lives
        del held


def _preload_dossiers(ctx: Context, dossier_ids: set[int | None]) -> list[Dossier]:
    """The instances' dossiers with their nominations in two queries, so that the scripts and hooks each
    of them runs find them in the session rather than reading them one dossier at a time (an object
    already held keeps what it holds; an expired one is loaded again). The caller holds the list while
    they run: the session keeps only weak references to unchanged objects."""
    if not dossier_ids:
        return []
    return list(ctx.session.scalars(select(Dossier).where(Dossier.id.in_(dossier_ids))
                                    .options(selectinload(Dossier.nominations))))


def saved(live: LiveWorkflow) -> SaveResult:
    assert live.result is not None, "read after the checkout block"
    return live.result


def start_process(ctx: Context, key: str, data: dict[str, Any], *, dossier_id: int | None = None,
                  complaint_id: int | None = None) -> tuple[ProcessInstance, SaveResult]:
    """Start `key` with its initial data (ids only, never documents)."""
    assert ctx.runtime is not None
    with bound(ctx):
        live, result = ctx.runtime.start(ctx.session, ctx.clock, key, data,
                                         started_by_id=ctx.actor.id if ctx.actor else None,
                                         dossier_id=dossier_id, complaint_id=complaint_id)
    instance = live.instance
    record_instance_event(ctx, AuditAction.PROCESS_STARTED, instance, {
        "process": key, "definition": live.definition.content_hash[:12], "tasks": [t.key for t in result.opened],
    })
    return instance, result


def send_message(ctx: Context, instance_id: int, name: str, payload: dict[str, Any]) -> SaveResult:
    assert ctx.runtime is not None
    with checkout(ctx, instance_id) as live:
        ctx.runtime.send_message(live, name, payload)
    result = saved(live)
    _record_message(ctx, live.instance, name, payload, result.completed)
    return result


def send_messages(ctx: Context, name: str, deliveries: list[tuple[int, dict[str, Any]]]) -> list[SaveResult]:
    """`send_message` to many instances (instance id, payload) in one transaction, in the order given:
    each workflow gets its message and runs its engine steps, its events are recorded as the one-by-one
    path records them and in the same order, and the workflows are saved together at the end
    (Runtime.checkout_many). A failure in any of them raises with nothing saved."""
    assert ctx.runtime is not None
    with audit.batched(ctx), checkout_many(ctx, [instance_id for instance_id, _ in deliveries]) as lives:
        for instance_id, payload in deliveries:
            live = lives[instance_id]
            ctx.runtime.send_message(live, name, payload)
            _record_message(ctx, live.instance, name, payload, ctx.runtime.finished(live))
    return [saved(lives[instance_id]) for instance_id, _ in deliveries]


def _record_message(ctx: Context, instance: ProcessInstance, name: str, payload: dict[str, Any],
                    completed: bool) -> None:
    record_instance_event(ctx, AuditAction.MESSAGE_RECEIVED, instance, {"message": name, "payload": payload})
    if completed:
        record_instance_event(ctx, AuditAction.PROCESS_COMPLETED, instance, {"process": instance.process_key})
def send_message_if_waiting(ctx: Context, instance_id: int, name: str, payload: dict[str, Any]) -> bool:
    """Deliver `name` when the instance waits for it now; otherwise nothing is written (False)."""
    assert ctx.runtime is not None
    with checkout(ctx, instance_id) as live:
        waiting = ctx.runtime.waits_for_message(live, name)
        if waiting:
            ctx.runtime.send_message(live, name, payload)
    if waiting:
        record_instance_event(ctx, AuditAction.MESSAGE_RECEIVED, live.instance, {"message": name, "payload": payload})
        record_if_completed(ctx, live.instance, saved(live))
    return waiting


def cancel_process(ctx: Context, instance_id: int, reason: str) -> SaveResult:
    """Stop an instance (e.g. the dossier was withdrawn): open tasks cancelled, timers dropped."""
    assert ctx.runtime is not None
    with checkout(ctx, instance_id) as live:
        ctx.runtime.cancel(live)
    instance = live.instance
    audit.record(ctx, AuditAction.PROCESS_CANCELLED, "process_instance", instance.id,
                 after={"process": instance.process_key}, reason=reason, dossier_id=instance.dossier_id,
                 complaint_id=instance.complaint_id)
    return saved(live)


def repair_instance(ctx: Context, instance_id: int) -> list[str]:
    """Merge the finished multi-instance children the engine never merged (votes cast in a process
    that ran an unwired spec, before issue 10's fix) and let the instance go on; audited. Returns
    the loop tasks repaired; nothing is written when there is nothing to repair."""
    assert ctx.runtime is not None
    with checkout(ctx, instance_id) as live:
        merged = ctx.runtime.repair(live)
    if merged:
        result = saved(live)
        record_instance_event(ctx, AuditAction.PROCESS_REPAIRED, live.instance, {
            "merged": merged, "tasks": [t.key for t in result.opened]})
        record_if_completed(ctx, live.instance, result)
    return merged


def running_instance_ids(ctx: Context) -> list[int]:
    return list(ctx.session.scalars(select(ProcessInstance.id).where(ProcessInstance.status == InstanceStatus.RUNNING)
                                    .order_by(ProcessInstance.id)))


def record_instance_event(ctx: Context, action: AuditAction, instance: ProcessInstance, after: dict[str, Any]) -> None:
    audit.record(ctx, action, "process_instance", instance.id, after=after,
                 dossier_id=instance.dossier_id, complaint_id=instance.complaint_id)


def record_if_completed(ctx: Context, instance: ProcessInstance, result: SaveResult) -> None:
    if result.completed:
        record_instance_event(ctx, AuditAction.PROCESS_COMPLETED, instance, {"process": instance.process_key})
