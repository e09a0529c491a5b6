"""The side tables a save keeps in step with the workflow: one human_task row per READY user task
(what the inbox reads), one timer row per waiting timer (what the worker reads)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from jsonschema import Draft202012Validator
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Table, delete, insert, inspect, select, update
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key

from engine.clock import end_of_day
from engine.errors import ProcessError
from engine.models import HumanTask, HumanTaskState, Timer
from engine.runtime.definitions import UserTaskSpec

_HUMAN_TASKS = cast(Table, HumanTask.__table__)
_TIMERS = cast(Table, Timer.__table__)
_INSERT_TASKS = insert(_HUMAN_TASKS).returning(_HUMAN_TASKS.c.id, sort_by_parameter_order=True)
_INSERT_TIMERS = insert(_TIMERS)
_NOT_YET = {"claimed_by_id": None, "claimed_at": None, "completed_at": None, "completed_by_id": None}

if TYPE_CHECKING:
    from engine.runtime.host import LiveWorkflow, SaveResult


@dataclass(frozen=True)
class SideRows:
    """What the side tables hold for an instance: its READY user tasks and its waiting timers (uuid ->
    key, due), as the workflow at the revision it was opened at says. Every save leaves the rows equal to
    its workflow, so the workflow read under the row lock describes them without a query."""

    ready: frozenset[str] = frozenset()
    timers: dict[str, tuple[str, datetime]] = field(default_factory=dict)


def side_rows(workflow: Any) -> SideRows:
    return SideRows(frozenset(str(t.id) for t in workflow.get_tasks(state=TaskState.READY, manual=True)),
                    _waiting_timers(workflow))


def sync_human_tasks(session: Session, live: LiveWorkflow, now: datetime, result: SaveResult) -> None:
    """Close the rows of the tasks no longer READY and open one per newly READY task: the difference
    between the workflow now and the rows it was opened with, written as changes only."""
    instance = live.instance
    ready = {str(t.id): t for t in live.workflow.get_tasks(state=TaskState.READY, manual=True)}
    closed = [uuid for uuid in live.loaded.ready if uuid not in ready]
    if closed:
        _close(session, live, closed, now)
    opened = [(uuid, task) for uuid, task in ready.items() if uuid not in live.loaded.ready]
    if not opened:
        return
    typed = _TypedFields(session, live)
    values = []
    for uuid, task in opened:
        info = live.definition.user_tasks[task.task_spec.bpmn_id]
        values.append({
            "instance_id": instance.id, "task_uuid": uuid, "key": info.key, "name": info.name,
            "role": info.role, "unit_id": _unit_of(task, info, live),
            "assignee_id": _optional_int(task.data, info.assignee_variable, live), "form_name": info.form_name,
            "prefill": _prefill(live, task, info, typed), "state": HumanTaskState.READY,
            "due_at": _due_of(task, info), "created_at": now, "dossier_id": instance.dossier_id,
            "complaint_id": instance.complaint_id})
    # One Core INSERT … RETURNING id; each row then joins the session as the persistent object it is
    # (every column set, so reading one never goes back to the database), with no unit of work.
    ids = session.execute(_INSERT_TASKS, values).scalars().all()
    for row_id, row in zip(ids, values, strict=True):
        task_row = HumanTask(id=row_id, **row, **_NOT_YET)
        make_transient_to_detached(task_row)
        stale = session.identity_map.get(identity_key(HumanTask, row_id))
        if stale is not None:  # a row of a rolled-back transaction whose id SQLite handed out again
            session.expunge(stale)
        session.add(task_row)
        result.opened.append(task_row)


def _close(session: Session, live: LiveWorkflow, closed: list[str], now: datetime) -> None:
    """COMPLETED for the tasks done here or by the engine, CANCELLED for the others. A row this session
    holds (the task being completed) is changed on the object, so its UPDATE is the one its other changes
    (who completed it) already need; the others with one Core UPDATE per new state."""
    held = {}
    for obj in session.identity_map.values():
        loaded = inspect(obj).dict  # what the object holds, read without loading an expired one
        if isinstance(obj, HumanTask) and loaded.get("instance_id") == live.instance.id and "task_uuid" in loaded:
            held[loaded["task_uuid"]] = obj
    by_state: dict[HumanTaskState, list[str]] = {}
    for uuid in closed:
        done = uuid in live.completed or _state(live, uuid) == TaskState.COMPLETED
        state = HumanTaskState.COMPLETED if done else HumanTaskState.CANCELLED
        row = held.get(uuid)
        if row is not None:
            row.state, row.completed_at = state, now
        else:
            by_state.setdefault(state, []).append(uuid)
    table = _HUMAN_TASKS
    for state, uuids in by_state.items():
        session.execute(update(table).where(
            table.c.instance_id == live.instance.id, table.c.task_uuid.in_(uuids),
            table.c.state == HumanTaskState.READY).values(state=state, completed_at=now))


class _TypedFields:
    """The fields of every form already completed in this instance (read once, when first needed)."""

    def __init__(self, session: Session, live: LiveWorkflow) -> None:
        self._session, self._live = session, live
        self._fields: set[str] | None = None

    def __contains__(self, name: str) -> bool:
        if self._fields is None:
            self._fields = _typed_fields(self._session, self._live)
        return name in self._fields


def _typed_fields(session: Session, live: LiveWorkflow) -> set[str]:
    """The fields of every form already completed in this instance: what a user typed at one step
    is that step's answer, never the pre-filled value of another (nor of the same step met again)."""
    done = session.scalars(select(HumanTask.form_name).distinct().where(
        HumanTask.instance_id == live.instance.id, HumanTask.state == HumanTaskState.COMPLETED))
    forms = live.definition.forms
    return {name for form in done if form in forms for name in forms[form]["properties"]}


def _prefill(live: LiveWorkflow, task: Any, info: UserTaskSpec, typed: _TypedFields) -> dict[str, Any]:
    """The values the process itself set (start data, scripts) for the form's fields, each one only if
    it is valid for its field: posting the pre-filled data back must never be refused for its type."""
    fields = live.definition.forms[info.form_name]["properties"]
    return {name: task.data[name] for name, schema in fields.items()
            if name in task.data and Draft202012Validator(schema).is_valid(task.data[name]) and name not in typed}


def _state(live: LiveWorkflow, task_uuid: str) -> int | None:
    """The task's state, or None when it is gone (a terminated called process drops its tasks)."""
    try:
        return live.workflow.get_task_from_id(UUID(task_uuid)).state
    except SpiffWorkflowException:
        return None


def _waiting_timers(workflow: Any) -> dict[str, tuple[str, datetime]]:
    waiting = {}
    for task in workflow.get_tasks(state=TaskState.WAITING):
        due = timer_due(task)
        if due is not None:
            waiting[str(task.id)] = (task.task_spec.bpmn_id, due)
    return waiting


def sync_timers(session: Session, live: LiveWorkflow) -> None:
    """The timer rows' difference from the workflow's waiting timers, written with Core statements."""
    waiting, loaded = _waiting_timers(live.workflow), live.loaded.timers
    table, instance_id = _TIMERS, live.instance.id
    gone = [uuid for uuid in loaded if uuid not in waiting]
    if gone:
        session.execute(delete(table).where(table.c.instance_id == instance_id, table.c.task_uuid.in_(gone)))
    new = [{"instance_id": instance_id, "task_uuid": uuid, "key": key, "due_at": due}
           for uuid, (key, due) in waiting.items() if uuid not in loaded]
    if new:
        session.execute(_INSERT_TIMERS, new)
    for uuid, (_key, due) in waiting.items():
        if uuid in loaded and loaded[uuid][1] != due:  # a cycle timer moved on to its next occurrence
            session.execute(update(table).where(table.c.instance_id == instance_id, table.c.task_uuid == uuid)
                            .values(due_at=due))


def timer_due(task: Any) -> datetime | None:
    definition = getattr(task.task_spec, "event_definition", None)
    if not isinstance(definition, TimerEventDefinition):
        return None
    value = task._get_internal_data("event_value")
    if isinstance(value, dict):  # cycle timers keep their next occurrence
        value = value.get("next")
    if not value:
        return None
    due = TimerEventDefinition.get_datetime(value) if "T" in value else None
    return due.astimezone(UTC) if due is not None else None


def _unit_of(task: Any, info: UserTaskSpec, live: LiveWorkflow) -> int:
    unit = _optional_int(task.data, info.unit_variable, live)
    if unit is None:
        raise ProcessError(
            f"Nhiệm vụ '{info.key}' của quy trình '{live.definition.key}' không có đơn vị "
            f"(biến '{info.unit_variable}')."
        )
    return unit


def _optional_int(data: dict[str, Any], name: str | None, live: LiveWorkflow) -> int | None:
    if not name or data.get(name) is None:
        return None
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise ProcessError(f"Biến '{name}' của quy trình '{live.definition.key}' phải là một mã số.")
    return int(value)


def _due_of(task: Any, info: UserTaskSpec) -> datetime | None:
    if not info.due_variable or not task.data.get(info.due_variable):
        return None
    raw = str(task.data[info.due_variable])
    if "T" in raw:
        return datetime.fromisoformat(raw).astimezone(UTC)
    return end_of_day(datetime.fromisoformat(raw).date())  # a date means the end of that day in Vietnam
