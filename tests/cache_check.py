"""The contract of the per-process workflow cache, checked between the steps of every warm path test:
a workflow kept in memory holds exactly what a new process loads from its row (same tasks in the
same states, same data: a tuple where the row has a list, an integer key where it has a string,
would make a warm process and a cold one take different decisions); and the side rows kept with it
are those its task tree gives and those the tables hold."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask, HumanTaskState, InstanceStatus, ProcessInstance, Timer
from engine.runtime import Runtime
from engine.runtime.tables import SideRows, side_rows


def _contents(workflow: Any) -> dict[str, Any]:
    runs = {"main": workflow, **{str(k): sub for k, sub in workflow.subprocesses.items()}}
    return {run: {"data": each.data,
                  "tasks": {str(t.id): (t.task_spec.name, t.state, t.data, t.internal_data)
                            for t in each.tasks.values()}}
            for run, each in runs.items()}


def assert_cache_matches_database(runtime: Runtime, session: Session) -> int:
    """Compare every running instance this runtime has cached at its row's revision with the same
    row freshly deserialized; returns how many were compared."""
    rows = session.execute(
        select(ProcessInstance.id, ProcessInstance.revision, ProcessInstance.state,
               ProcessInstance.serializer_version, ProcessInstance.definition_id)
        .where(ProcessInstance.status == InstanceStatus.RUNNING)).all()
    compared = 0
    for row in rows:
        hit, cached = runtime._cache.read(row.id, row.revision, _contents)
        if not hit:
            continue
        definition = runtime._definition(session, row.definition_id)
        fresh = runtime.serializer.load_state(row.state, row.serializer_version, definition.spec,
                                              definition.subprocess_specs)
        assert cached == _contents(fresh), f"instance {row.id}: the cached workflow differs from its row"
        entry = runtime._cache._entries.get(row.id)
        if entry is not None and entry[0] == row.revision and entry[2] is not None:
            assert entry[2] == side_rows(fresh), f"instance {row.id}: the cached side rows differ from its tree"
            assert entry[2] == _tables(session, row.id), \
                f"instance {row.id}: the cached side rows differ from the tables"
        compared += 1
    return compared


def _tables(session: Session, instance_id: int) -> SideRows:
    ready = session.scalars(select(HumanTask.task_uuid).where(
        HumanTask.instance_id == instance_id, HumanTask.state == HumanTaskState.READY))
    timers = session.execute(select(Timer.task_uuid, Timer.key, Timer.due_at).where(Timer.instance_id == instance_id))
    return SideRows(frozenset(ready), {uuid: (key, due) for uuid, key, due in timers})
