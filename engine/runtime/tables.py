"""The side tables a save keeps in step with the workflow: one human_task row per READY user task
(what the inbox reads), one timer row per waiting timer (what the worker reads)."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from jsonschema import Draft202012Validator
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.clock import end_of_day
from engine.errors import ProcessError
from engine.models import HumanTask, HumanTaskState, Timer
from engine.runtime.definitions import UserTaskSpec

if TYPE_CHECKING:
    from engine.runtime.host import LiveWorkflow, SaveResult


def sync_human_tasks(session: Session, live: LiveWorkflow, now: datetime, result: SaveResult) -> None:
    instance = live.instance
    ready = {str(t.id): t for t in live.workflow.get_tasks(state=TaskState.READY, manual=True)}
    open_rows = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == HumanTaskState.READY)
    ).all()
    for row in open_rows:
        if row.task_uuid in ready:
            del ready[row.task_uuid]
            continue
        done = row.task_uuid in live.completed or _state(live, row.task_uuid) == TaskState.COMPLETED
        row.state = HumanTaskState.COMPLETED if done else HumanTaskState.CANCELLED
        row.completed_at = now
        result.closed.append(row)
    if not ready:
        return
    typed = _typed_fields(session, live)
    for uuid, task in ready.items():
        info = live.definition.user_tasks[task.task_spec.bpmn_id]
        row = HumanTask(instance_id=instance.id, task_uuid=uuid, key=info.key, name=info.name,
                        role=info.role.value, unit_id=_unit_of(task, info, live),
                        assignee_id=_optional_int(task.data, info.assignee_variable, live),
                        form_name=info.form_name, prefill=_prefill(live, task, info, typed),
                        state=HumanTaskState.READY, due_at=_due_of(task, info), created_at=now,
                        dossier_id=instance.dossier_id, complaint_id=instance.complaint_id)
        session.add(row)
        result.opened.append(row)


def _typed_fields(session: Session, live: LiveWorkflow) -> set[str]:
    """The fields of every form already completed in this instance: what a user typed at one step
    is that step's answer, never the pre-filled value of another (nor of the same step met again)."""
    done = session.scalars(select(HumanTask.form_name).distinct().where(
        HumanTask.instance_id == live.instance.id, HumanTask.state == HumanTaskState.COMPLETED))
    forms = live.definition.forms
    return {name for form in done if form in forms for name in forms[form]["properties"]}


def _prefill(live: LiveWorkflow, task: Any, info: UserTaskSpec, typed: set[str]) -> dict[str, Any]:
    """The values the process itself set (start data, scripts) for the form's fields, each one only if
    it is valid for its field: posting the pre-filled data back must never be refused for its type."""
    fields = live.definition.forms[info.form_name]["properties"]
    return {name: task.data[name] for name, schema in fields.items()
            if name in task.data and name not in typed and Draft202012Validator(schema).is_valid(task.data[name])}


def _state(live: LiveWorkflow, task_uuid: str) -> int | None:
    """The task's state, or None when it is gone (a terminated called process drops its tasks)."""
    try:
        return live.workflow.get_task_from_id(UUID(task_uuid)).state
    except SpiffWorkflowException:
        return None


def sync_timers(session: Session, live: LiveWorkflow) -> None:
    waiting = {}
    for task in live.workflow.get_tasks(state=TaskState.WAITING):
        due = timer_due(task)
        if due is not None:
            waiting[str(task.id)] = (task.task_spec.bpmn_id, due)
    rows = {r.task_uuid: r for r in session.scalars(select(Timer).where(Timer.instance_id == live.instance.id))}
    gone = [uuid for uuid in rows if uuid not in waiting]
    if gone:
        session.execute(delete(Timer).where(Timer.instance_id == live.instance.id, Timer.task_uuid.in_(gone)))
    for uuid, (key, due) in waiting.items():
        if uuid in rows:
            rows[uuid].due_at = due
        else:
            session.add(Timer(instance_id=live.instance.id, task_uuid=uuid, key=key, due_at=due))


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
