"""Starting process instances and delivering messages to them."""
from __future__ import annotations

from typing import Any

from engine import audit
from engine.context import Context
from engine.models import ProcessInstance
from engine.runtime import SaveResult


def start_process(ctx: Context, key: str, data: dict[str, Any], *, dossier_id: int | None = None,
                  complaint_id: int | None = None) -> tuple[ProcessInstance, SaveResult]:
    """Start `key` with its initial data (ids only, never documents)."""
    assert ctx.runtime is not None
    live, result = ctx.runtime.start(ctx.session, ctx.clock, key, data,
                                     started_by_id=ctx.actor.id if ctx.actor else None,
                                     dossier_id=dossier_id, complaint_id=complaint_id)
    instance = live.instance
    audit.record(ctx, "process_started", "process_instance", instance.id,
                 after={"process": key, "definition": live.definition.content_hash[:12],
                        "tasks": [t.key for t in result.opened]},
                 dossier_id=dossier_id, complaint_id=complaint_id)
    return instance, result


def send_message(ctx: Context, instance_id: int, name: str, payload: dict[str, Any]) -> SaveResult:
    assert ctx.runtime is not None
    instance = ctx.runtime.lock(ctx.session, instance_id)
    live = ctx.runtime.open(ctx.session, instance, ctx.clock)
    ctx.runtime.send_message(live, name, payload)
    result = ctx.runtime.save(ctx.session, live)
    audit.record(ctx, "message_received", "process_instance", instance.id,
                 after={"message": name, "payload": payload}, dossier_id=instance.dossier_id,
                 complaint_id=instance.complaint_id)
    if result.completed:
        audit.record(ctx, "process_completed", "process_instance", instance.id,
                     after={"process": instance.process_key}, dossier_id=instance.dossier_id,
                     complaint_id=instance.complaint_id)
    return result
