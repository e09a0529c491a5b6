"""The side tables a save keeps in step with the workflow: one human_task row per READY user task
(what the inbox reads), one timer row per waiting timer (what the worker reads)."""
from __future__ import annotations

from collections.abc import Callable
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
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from engine.clock import end_of_day
from engine.db import run_core
from engine.errors import ProcessError
from engine.models import HumanTask, HumanTaskState, Timer
from engine.runtime.definitions import UserTaskSpec

_HUMAN_TASKS = cast(Table, HumanTask.__table__)
_TIMERS = cast(Table, Timer.__table__)
_INSERT_TASKS = insert(_HUMAN_TASKS).returning(_HUMAN_TASKS.c.id, sort_by_parameter_order=True)
_INSERT_TASK = insert(_HUMAN_TASKS).returning(_HUMAN_TASKS.c.id)  # one row: no order to keep
_INSERT_TIMERS = insert(_TIMERS)


def _close_of_one(with_completer: bool, one_task: bool) -> Any:
    """Closing READY rows of one instance, built once: the hot path of every completion. Closing one row
    (the usual case) names its task with `=`; an expanding `IN` is rendered again at each execution."""
    table = _HUMAN_TASKS
    values = {"state": bindparam("new_state", type_=table.c.state.type),
              "completed_at": bindparam("closed_at", type_=table.c.completed_at.type)}
    if with_completer:
        values["completed_by_id"] = bindparam("completer", type_=table.c.completed_by_id.type)
    tasks = (table.c.task_uuid == bindparam("closed_uuid") if one_task
             else table.c.task_uuid.in_(bindparam("closed_uuids", expanding=True)))
    return update(table).where(table.c.instance_id == bindparam("closed_instance"), tasks,
                               table.c.state == HumanTaskState.READY).values(values)


_CLOSE_OF_ONE = {(completer, one): _close_of_one(completer, one)
                 for completer in (False, True) for one in (False, True)}
DELETE_TIMERS_OF_ONE = delete(_TIMERS).where(_TIMERS.c.instance_id == bindparam("timers_instance"),
                                             _TIMERS.c.task_uuid.in_(bindparam("timer_uuids", expanding=True)))
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


@dataclass(frozen=True)
class OpenTasks:
    """What the side tables must hold for a workflow now, read off its task tree in one walk: the READY
    user tasks (uuid -> task, in the tree's order) and the waiting timers (uuid -> key, due)."""

    ready: dict[str, Any]
    timers: dict[str, tuple[str, datetime]]

    def rows(self) -> SideRows:
        return SideRows(frozenset(self.ready), self.timers)


def open_tasks(workflow: Any) -> OpenTasks:
    ready: dict[str, Any] = {}
    timers: dict[str, tuple[str, datetime]] = {}
    for task in workflow.get_tasks(state=TaskState.READY | TaskState.WAITING):
        if task.state == TaskState.READY:
            if task.task_spec.manual:
                ready[str(task.id)] = task
        elif (due := timer_due(task)) is not None:
            timers[str(task.id)] = (task.task_spec.bpmn_id, due)
    return OpenTasks(ready, timers)


def side_rows(workflow: Any) -> SideRows:
    return open_tasks(workflow).rows()


@dataclass
class SideChanges:
    """What a save changes in the side tables, gathered before any of it is written: then written apart
    (`write_apart`, on any database) or, on PostgreSQL, with the instance's own row in one statement
    (engine/runtime/combined.py), and finally told to the session (`settle`)."""

    closing: dict[tuple[HumanTaskState, int | None], list[tuple[int, str]]] = field(default_factory=dict)
    held: list[tuple[HumanTask, HumanTaskState, int | None]] = field(default_factory=list)  # rows closed here
    opening: list[dict[str, Any]] = field(default_factory=list)  # the human_task rows to insert
    opened_for: list[SaveResult] = field(default_factory=list)  # the save each opened row belongs to
    timers_gone: dict[int, list[str]] = field(default_factory=dict)  # instance -> timer uuids
    timers_new: list[dict[str, Any]] = field(default_factory=list)
    timers_moved: list[dict[str, Any]] = field(default_factory=list)  # a cycle timer's next occurrence
    units: dict[int, tuple[str, str]] = field(default_factory=dict)  # the opened rows' units, when read


def side_changes(session: Session, saving: list[tuple[LiveWorkflow, SaveResult, OpenTasks]],
                 now: datetime) -> SideChanges:
    """The difference between each workflow now (`OpenTasks`) and the rows it was opened with: the rows of
    the tasks no longer READY closed (COMPLETED for the tasks done here or by the engine, CANCELLED for
    the others), one row opened per newly READY task, the timer rows added, dropped or moved."""
    changes = SideChanges()
    closing = [(live, [uuid for uuid in live.loaded.ready if uuid not in now_open.ready])
               for live, _, now_open in saving]
    closing = [(live, closed) for live, closed in closing if closed]
    if closing:
        _gather_closing(session, changes, closing)
    opening = [(live, result, [(uuid, task) for uuid, task in now_open.ready.items()
                               if uuid not in live.loaded.ready]) for live, result, now_open in saving]
    opening = [each for each in opening if each[2]]
    # A form's fields are read as typed once its task is COMPLETED, the task closed by this very save
    # included: when they are needed, the closing rows are written first.
    typed = _TypedFields(session, [live for live, _, _ in opening], lambda: write_closing(session, changes, now))
    for live, result, opened in opening:
        instance = live.instance
        for uuid, task in opened:
            info = live.definition.user_tasks[task.task_spec.bpmn_id]
            changes.opening.append({
                "instance_id": instance.id, "task_uuid": uuid, "key": info.key, "name": info.name,
                "role": info.role, "unit_id": _unit_of(task, info, live),
                "assignee_id": _optional_int(task.data, info.assignee_variable, live), "form_name": info.form_name,
                "prefill": _prefill(live, task, info, typed), "state": HumanTaskState.READY,
                "due_at": _due_of(task, info), "created_at": now, "dossier_id": instance.dossier_id,
                "complaint_id": instance.complaint_id})
            changes.opened_for.append(result)
    _gather_timers(changes, [(live, now_open) for live, _, now_open in saving])
    return changes


def _gather_closing(session: Session, changes: SideChanges, closing: list[tuple[LiveWorkflow, list[str]]]) -> None:
    """The closing rows grouped by new state and completer, one statement each. A row this session holds
    (the task being completed) is written by the same statement, with who completed it."""
    instance_ids = {live.instance.id for live, _ in closing}
    held = {}
    for obj in session.identity_map.values():
        loaded = inspect(obj).dict  # what the object holds, read without loading an expired one
        if isinstance(obj, HumanTask) and loaded.get("instance_id") in instance_ids and "task_uuid" in loaded:
            held[(loaded["instance_id"], loaded["task_uuid"])] = obj
    for live, closed in closing:
        for uuid in closed:
            done = uuid in live.completed or _state(live, uuid) == TaskState.COMPLETED
            state = HumanTaskState.COMPLETED if done else HumanTaskState.CANCELLED
            row = held.get((live.instance.id, uuid))
            completer = inspect(row).dict.get("completed_by_id") if row is not None else None
            changes.closing.setdefault((state, completer), []).append((live.instance.id, uuid))
            if row is not None:
                changes.held.append((row, state, completer))


def _gather_timers(changes: SideChanges, saving: list[tuple[LiveWorkflow, OpenTasks]]) -> None:
    for live, now_open in saving:
        waiting, loaded, instance_id = now_open.timers, live.loaded.timers, live.instance.id
        if dropped := [uuid for uuid in loaded if uuid not in waiting]:
            changes.timers_gone[instance_id] = dropped
        changes.timers_new += [{"instance_id": instance_id, "task_uuid": uuid, "key": key, "due_at": due}
                               for uuid, (key, due) in waiting.items() if uuid not in loaded]
        changes.timers_moved += [{"instance": instance_id, "uuid": uuid, "due": due}
                                 for uuid, (_key, due) in waiting.items()
                                 if uuid in loaded and loaded[uuid][1] != due]


def write_apart(session: Session, changes: SideChanges, now: datetime) -> list[int]:
    """The changes in a few Core statements whatever the number of workflows: one UPDATE per new state and
    completer, one INSERT … RETURNING for the opened rows, at most one DELETE, one INSERT and one UPDATE
    (executemany) for the timers. The opened rows' ids, in order."""
    write_closing(session, changes, now)
    ids: list[int] = []
    if len(changes.opening) == 1:
        ids = [run_core(session, _INSERT_TASK, changes.opening[0]).scalar_one()]
    elif changes.opening:
        ids = list(run_core(session, _INSERT_TASKS, changes.opening).scalars())
    table = _TIMERS
    if len(changes.timers_gone) == 1:
        [(instance_id, uuids)] = changes.timers_gone.items()
        run_core(session, DELETE_TIMERS_OF_ONE, {"timers_instance": instance_id, "timer_uuids": uuids})
    elif changes.timers_gone:
        session.execute(delete(table).where(tuple_(table.c.instance_id, table.c.task_uuid).in_(
            [(instance_id, uuid) for instance_id, uuids in changes.timers_gone.items() for uuid in uuids])))
    if changes.timers_new:
        run_core(session, _INSERT_TIMERS, changes.timers_new)
    if changes.timers_moved:
        session.execute(update(table).where(table.c.instance_id == bindparam("instance"),
                                            table.c.task_uuid == bindparam("uuid"))
                        .values(due_at=bindparam("due")), changes.timers_moved)
    return ids


def write_closing(session: Session, changes: SideChanges, now: datetime) -> None:
    """The closing rows now (once), and the held ones told their new values."""
    if changes.closing:
        with session.no_autoflush:  # the held rows' pending changes are written here, not flushed first
            for (state, completer), keys in changes.closing.items():
                statement, params = close_statement(state, completer, keys, now)
                if params is None:
                    session.execute(statement)
                else:
                    run_core(session, statement, params)
        changes.closing = {}
    settle_held(session, changes, now)


def close_statement(state: HumanTaskState, completer: int | None, keys: list[tuple[int, str]],
                    now: datetime) -> tuple[Any, dict[str, Any] | None]:
    """The UPDATE closing `keys` (instance, task uuid) and its parameters: one built once for the rows of one
    instance, else one naming each row by its instance and task (parameters inside, None returned)."""
    params: dict[str, Any] = {"new_state": state, "closed_at": now}
    if completer is not None:
        params["completer"] = completer
    if len(instances := {instance_id for instance_id, _ in keys}) == 1:
        if len(keys) == 1:
            params.update(closed_instance=instances.pop(), closed_uuid=keys[0][1])
        else:
            params.update(closed_instance=instances.pop(), closed_uuids=[uuid for _, uuid in keys])
        return _CLOSE_OF_ONE[completer is not None, len(keys) == 1], params
    table = _HUMAN_TASKS
    return (update(table).where(tuple_(table.c.instance_id, table.c.task_uuid).in_(keys),
                                table.c.state == HumanTaskState.READY)
            .values(state=state, completed_at=now, **({"completed_by_id": completer} if completer else {}))), None


def settle_held(session: Session, changes: SideChanges, now: datetime) -> None:
    """The held rows closed by a statement already run are told their new values as the database's own:
    no unit of work writes them again."""
    for row, state, completer in changes.held:
        for key, value in (("state", state), ("completed_at", now), ("completed_by_id", completer)):
            set_committed_value(row, key, value)
        _clean_if_unchanged(session, row)
    changes.held = []


def settle(session: Session, changes: SideChanges, ids: list[int], now: datetime) -> None:
    """After the changes are written: each opened row joins the session as the persistent object it is
    (every column set, so reading one never goes back to the database), with no unit of work."""
    settle_held(session, changes, now)
    for row_id, row, result in zip(ids, changes.opening, changes.opened_for, strict=True):
        task_row = HumanTask(id=row_id, **row, **_NOT_YET)
        make_transient_to_detached(task_row)
        stale = session.identity_map.get(identity_key(HumanTask, row_id))
        if stale is not None:  # a row of a rolled-back transaction whose id SQLite handed out again
            session.expunge(stale)
        session.add(task_row)
        result.opened.append(task_row)
        if row["unit_id"] in changes.units:
            result.units[row["unit_id"]] = changes.units[row["unit_id"]]


def _clean_if_unchanged(session: Session, row: HumanTask) -> None:
    """The row held no change but those just written: mark it unmodified, as a flush would. Else the
    session, which still counts it as modified (the completer was set on it), runs a unit of work over it
    at the next query only to find nothing to write (about 5 % of a completion's CPU). `_commit_all` is
    what SQLAlchemy itself calls on a row after a flush (2.1, pinned); a row with any other pending change
    is left for the flush to write."""
    state = inspect(row)
    if not state.committed_state:
        state._commit_all(state.dict, session.identity_map)


class _TypedFields:
    """The fields of every form already completed in these instances (read once, when first needed, after
    `before`)."""

    def __init__(self, session: Session, lives: list[LiveWorkflow], before: Callable[[], None]) -> None:
        self._session, self._lives, self._before = session, lives, before
        self._fields: dict[int, set[str]] | None = None

    def of(self, live: LiveWorkflow) -> set[str]:
        if self._fields is None:
            self._before()
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
