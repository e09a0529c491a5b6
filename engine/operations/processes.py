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

from engine import audit
from engine.context import Context, bound
from engine.models import InstanceStatus, ProcessInstance
from engine.runtime import LiveWorkflow, SaveResult
from engine.vocabulary import AuditAction


@contextmanager
def checkout(ctx: Context, instance_id: int, *, locked: ProcessInstance | None = None) -> Iterator[LiveWorkflow]:
    """Lock → load → (the block runs the engine) → save, in the caller's transaction; the save's
    result is `live.result` after the block. `locked`: the row already locked (Runtime.lock_task)."""
    assert ctx.runtime is not None
    with bound(ctx), ctx.runtime.checkout(ctx.session, instance_id, ctx.clock, locked=locked) as live:
        yield live


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
    record_instance_event(ctx, AuditAction.MESSAGE_RECEIVED, live.instance, {"message": name, "payload": payload})
    record_if_completed(ctx, live.instance, result)
    return result


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
