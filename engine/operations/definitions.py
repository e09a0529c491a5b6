"""The deployed versions of each process, how many instances still run on each, and which is current."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import defer

from engine.context import Context
from engine.models import InstanceStatus, ProcessDefinition, ProcessInstance
from engine.operations.access import require_actor


@dataclass(frozen=True)
class DeployedVersion:
    key: str
    name: str
    content_hash: str
    source_file: str
    deployed_at: datetime
    running_instances: int
    current: bool


def list_definitions(ctx: Context) -> list[DeployedVersion]:
    """Every stored version, by key and newest first; `current` marks what new instances start on."""
    assert ctx.runtime is not None
    require_actor(ctx.actor)
    current = {d.content_hash for d in ctx.runtime.definitions.values()}
    running = (
        select(ProcessInstance.definition_id, func.count().label("n"))
        .where(ProcessInstance.status == InstanceStatus.RUNNING)
        .group_by(ProcessInstance.definition_id)
        .subquery()
    )
    rows = ctx.session.execute(
        select(ProcessDefinition, func.coalesce(running.c.n, 0))
        .options(defer(ProcessDefinition.spec), defer(ProcessDefinition.forms))
        .outerjoin(running, running.c.definition_id == ProcessDefinition.id)
        .order_by(ProcessDefinition.key, ProcessDefinition.deployed_at.desc(), ProcessDefinition.id.desc())
    ).all()
    return [
        DeployedVersion(d.key, d.name, d.content_hash, d.source_file, d.deployed_at, int(n),
                        d.content_hash in current)
        for d, n in rows
    ]
