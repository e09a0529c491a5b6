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
from sqlalchemy import Table, bindparam, delete, insert, inspect, select, tuple_, update
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
    sync_human_tasks_of(session, [(live, result)], now)


def sync_human_tasks_of(session: Session, saving: list[tuple[LiveWorkflow, SaveResult]], now: datetime) -> None:
    """`sync_human_tasks` for several workflows saved together: the rows closed with one UPDATE per new
    state, then the rows opened with one INSERT … RETURNING, whatever the number of workflows."""
    ready_of = {id(live): {str(t.id): t for t in live.workflow.get_tasks(state=TaskState.READY, manual=True)}
                for live, _ in saving}
    closing = [(live, [uuid for uuid in live.loaded.ready if uuid not in ready_of[id(live)]]) for live, _ in saving]
    closing = [(live, closed) for live, closed in closing if closed]
    if closing:
        _close(session, closing, now)
    opening = [(live, result, [(uuid, task) for uuid, task in ready_of[id(live)].items()
                               if uuid not in live.loaded.ready]) for live, result in saving]
    opening = [each for each in opening if each[2]]
    if not opening:
        return
    typed = _TypedFields(session, [live for live, _, _ in opening])
    values, results = [], []
    for live, result, opened in opening:
        instance = live.instance
        for uuid, task in opened:
            info = live.definition.user_tasks[task.task_spec.bpmn_id]
            values.append({
                "instance_id": instance.id, "task_uuid": uuid, "key": info.key, "name": info.name,
                "role": info.role, "unit_id": _unit_of(task, info, live),
                "assignee_id": _optional_int(task.data, info.assignee_variable, live), "form_name": info.form_name,
                "prefill": _prefill(live, task, info, typed), "state": HumanTaskState.READY,
                "due_at": _due_of(task, info), "created_at": now, "dossier_id": instance.dossier_id,
                "complaint_id": instance.complaint_id})
            results.append(result)
    # One Core INSERT … RETURNING id; each row then joins the session as the persistent object it is
    # (every column set, so reading one never goes back to the database), with no unit of work.
    ids = session.execute(_INSERT_TASKS, values).scalars().all()
    for row_id, row, result in zip(ids, values, results, strict=True):
        task_row = HumanTask(id=row_id, **row, **_NOT_YET)
        make_transient_to_detached(task_row)
        stale = session.identity_map.get(identity_key(HumanTask, row_id))
        if stale is not None:  # a row of a rolled-back transaction whose id SQLite handed out again
            session.expunge(stale)
        session.add(task_row)
        result.opened.append(task_row)


def _close(session: Session, closing: list[tuple[LiveWorkflow, list[str]]], now: datetime) -> None:
    """COMPLETED for the tasks done here or by the engine, CANCELLED for the others. A row this session
    holds (the task being completed) is changed on the object, so its UPDATE is the one its other changes
    (who completed it) already need; the others with one Core UPDATE per new state."""
    instance_ids = {live.instance.id for live, _ in closing}
    held = {}
    for obj in session.identity_map.values():
        loaded = inspect(obj).dict  # what the object holds, read without loading an expired one
        if isinstance(obj, HumanTask) and loaded.get("instance_id") in instance_ids and "task_uuid" in loaded:
            held[(loaded["instance_id"], loaded["task_uuid"])] = obj
    by_state: dict[HumanTaskState, list[tuple[int, str]]] = {}
    for live, closed in closing:
        for uuid in closed:
            done = uuid in live.completed or _state(live, uuid) == TaskState.COMPLETED
            state = HumanTaskState.COMPLETED if done else HumanTaskState.CANCELLED
            row = held.get((live.instance.id, uuid))
            if row is not None:
                row.state, row.completed_at = state, now
            else:
                by_state.setdefault(state, []).append((live.instance.id, uuid))
    table = _HUMAN_TASKS
    for state, keys in by_state.items():
        if len({instance_id for instance_id, _ in keys}) == 1:
            session.execute(update(table).where(
                table.c.instance_id == keys[0][0], table.c.task_uuid.in_([uuid for _, uuid in keys]),
                table.c.state == HumanTaskState.READY).values(state=state, completed_at=now))
        else:  # several instances: one statement still, each row named by its instance and task
            session.execute(update(table).where(
                tuple_(table.c.instance_id, table.c.task_uuid).in_(keys),
                table.c.state == HumanTaskState.READY).values(state=state, completed_at=now))


class _TypedFields:
    """The fields of every form already completed in these instances (read once, when first needed)."""

    def __init__(self, session: Session, lives: list[LiveWorkflow]) -> None:
        self._session, self._lives = session, lives
        self._fields: dict[int, set[str]] | None = None

    def of(self, live: LiveWorkflow) -> set[str]:
        if self._fields is None:
            self._fields = _typed_fields(self._session, self._lives)
        return self._fields.get(live.instance.id, set())


def _typed_fields(session: Session, lives: list[LiveWorkflow]) -> dict[int, set[str]]:
    """The fields of every form already completed in each instance: what a user typed at one step
    is that step's answer, never the pre-filled value of another (nor of the same step met again)."""
    forms = {live.instance.id: live.definition.forms for live in lives}
    done = session.execute(select(HumanTask.instance_id, HumanTask.form_name).distinct().where(
        HumanTask.instance_id.in_(forms), HumanTask.state == HumanTaskState.COMPLETED))
    fields: dict[int, set[str]] = {}
    for instance_id, form in done:
        if form in forms[instance_id]:
            fields.setdefault(instance_id, set()).update(forms[instance_id][form]["properties"])
    return fields


def _prefill(live: LiveWorkflow, task: Any, info: UserTaskSpec, typed: _TypedFields) -> dict[str, Any]:
    """The values the process itself set (start data, scripts) for the form's fields, each one only if
    it is valid for its field: posting the pre-filled data back must never be refused for its type."""
    fields = live.definition.forms[info.form_name]["properties"]
    return {name: task.data[name] for name, schema in fields.items()
            if name in task.data and Draft202012Validator(schema).is_valid(task.data[name])
            and name not in typed.of(live)}


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
    sync_timers_of(session, [live])


def sync_timers_of(session: Session, lives: list[LiveWorkflow]) -> None:
    """`sync_timers` for several workflows saved together: at most one DELETE, one INSERT and one UPDATE
    (executemany) whatever the number of workflows."""
    table = _TIMERS
    gone: dict[int, list[str]] = {}
    new, moved = [], []
    for live in lives:
        waiting, loaded, instance_id = _waiting_timers(live.workflow), live.loaded.timers, live.instance.id
        if dropped := [uuid for uuid in loaded if uuid not in waiting]:
            gone[instance_id] = dropped
        new += [{"instance_id": instance_id, "task_uuid": uuid, "key": key, "due_at": due}
                for uuid, (key, due) in waiting.items() if uuid not in loaded]
        moved += [{"instance": instance_id, "uuid": uuid, "due": due} for uuid, (_key, due) in waiting.items()
                  if uuid in loaded and loaded[uuid][1] != due]  # a cycle timer moved on to its next occurrence
    if len(gone) == 1:
        [(instance_id, uuids)] = gone.items()
        session.execute(delete(table).where(table.c.instance_id == instance_id, table.c.task_uuid.in_(uuids)))
    elif gone:
        session.execute(delete(table).where(tuple_(table.c.instance_id, table.c.task_uuid).in_(
            [(instance_id, uuid) for instance_id, uuids in gone.items() for uuid in uuids])))
    if new:
        session.execute(_INSERT_TIMERS, new)
    if moved:
        session.execute(update(table).where(table.c.instance_id == bindparam("instance"),
                                            table.c.task_uuid == bindparam("uuid"))
                        .values(due_at=bindparam("due")), moved)


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
