"""Starting process instances and delivering messages to them."""
from __future__ import annotations

from typing import Any

from engine import audit
from engine.context import Context, bound
from engine.models import ProcessInstance
from engine.runtime import SaveResult
from engine.vocabulary import AuditAction


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
    instance = ctx.runtime.lock(ctx.session, instance_id)
    with bound(ctx):
        live = ctx.runtime.open(ctx.session, instance, ctx.clock)
        ctx.runtime.send_message(live, name, payload)
        result = ctx.runtime.save(ctx.session, live)
    record_instance_event(ctx, AuditAction.MESSAGE_RECEIVED, instance, {"message": name, "payload": payload})
    record_if_completed(ctx, instance, result)
    return result


def cancel_process(ctx: Context, instance_id: int, reason: str) -> SaveResult:
    """Stop an instance (e.g. the dossier was withdrawn): open tasks cancelled, timers dropped."""
    assert ctx.runtime is not None
    instance = ctx.runtime.lock(ctx.session, instance_id)
    with bound(ctx):
        live = ctx.runtime.open(ctx.session, instance, ctx.clock)
        ctx.runtime.cancel(live)
        result = ctx.runtime.save(ctx.session, live)
    audit.record(ctx, AuditAction.PROCESS_CANCELLED, "process_instance", instance.id,
                 after={"process": instance.process_key}, reason=reason, dossier_id=instance.dossier_id,
                 complaint_id=instance.complaint_id)
    return result


def record_instance_event(ctx: Context, action: AuditAction, instance: ProcessInstance, after: dict[str, Any]) -> None:
    audit.record(ctx, action, "process_instance", instance.id, after=after,
                 dossier_id=instance.dossier_id, complaint_id=instance.complaint_id)


def record_if_completed(ctx: Context, instance: ProcessInstance, result: SaveResult) -> None:
    if result.completed:
        record_instance_event(ctx, AuditAction.PROCESS_COMPLETED, instance, {"process": instance.process_key})
