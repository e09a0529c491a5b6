"""The SpiffWorkflow host: definitions, instances under a row lock, engine steps, side tables.

Every change to an instance runs inside the caller's transaction:
`lock()` (SELECT … FOR UPDATE) → `open()` (cached or deserialized) → act → `save()` (state,
version, human_task and timer rows). A workflow object enters the per-process cache only after
its transaction commits, keyed by instance id and version, so a rolled-back change is never seen.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import delete, event, select
from sqlalchemy.orm import Session

from engine.clock import Clock, end_of_day
from engine.config import Settings
from engine.db import is_postgres, lock_advisory
from engine.errors import Conflict, DomainError, NotFound, ProcessError
from engine.models import HumanTask, HumanTaskState, InstanceStatus, ProcessDefinition, ProcessInstance, Timer
from engine.runtime.definitions import (
    Definition,
    UserTaskSpec,
    content_hash,
    describe_user_task,
    link_event_subprocesses,
    parse_directory,
)
from engine.runtime.helpers import HELPERS
from engine.runtime.scripting import RestrictedEnvironment, RestrictedScriptEngine
from engine.runtime.serialization import StateSerializer
from engine.runtime.timeflow import engine_time

_PENDING_KEY = "khenthuong_workflows_to_cache"
_DEPLOY_LOCK_KEY = 0x4B54_4445  # "KTDE": one deployment at a time


@dataclass
class LiveWorkflow:
    """A workflow checked out for one transaction. Opaque outside engine/runtime."""

    instance: ProcessInstance
    definition: Definition
    workflow: BpmnWorkflow
    clock: Clock
    completed: set[str] = field(default_factory=set)  # user tasks completed in this transaction


@dataclass
class SaveResult:
    opened: list[HumanTask] = field(default_factory=list)
    closed: list[HumanTask] = field(default_factory=list)
    completed: bool = False


class Runtime:
    def __init__(self, definitions: dict[str, Definition], settings: Settings) -> None:
        self.serializer = StateSerializer()
        self.script_engine = RestrictedScriptEngine(
            RestrictedEnvironment(HELPERS, settings.script_time_limit_seconds)
        )
        self.definitions = definitions
        self._by_hash: dict[str, Definition] = {}
        for definition in definitions.values():
            definition.serialized_spec = self.serializer.dump_specs(definition.spec, definition.subprocess_specs)
            definition.content_hash = content_hash(definition.serialized_spec, definition.forms)
            # What runs is what is stored: the parsed objects served only to check and serialize.
            definition.spec, definition.subprocess_specs = self._executable_specs(definition.serialized_spec)
            self._by_hash[definition.content_hash] = definition
        self._by_id: dict[int, Definition] = {}
        self._cache: OrderedDict[int, tuple[int, BpmnWorkflow]] = OrderedDict()
        self._lock = threading.Lock()
        self._cache_size = settings.workflow_cache_size

    @classmethod
    def load(cls, settings: Settings) -> Runtime:
        """Parse and check every definition; raises DefinitionError, which must stop the start."""
        return cls(parse_directory(settings.workflows_dir, settings.forms_dir), settings)

    # -- definitions ---------------------------------------------------------------------------

    def deploy(self, session: Session, clock: Clock) -> list[ProcessDefinition]:
        """Store each current definition version once; returns the rows created now. Servers starting
        together on several machines take turns (SQLite serializes writers already)."""
        lock_advisory(session, _DEPLOY_LOCK_KEY)
        known = set(session.scalars(select(ProcessDefinition.content_hash)))
        created = []
        for d in self.definitions.values():
            if d.content_hash not in known:
                row = ProcessDefinition(key=d.key, name=d.name, content_hash=d.content_hash,
                                        source_file=d.source_file, spec=d.serialized_spec, forms=d.forms,
                                        deployed_at=clock.now())
                session.add(row)
                created.append(row)
        session.flush()
        return created

    def definition_of(self, session: Session, instance: ProcessInstance) -> Definition:
        """The definition an instance started with: from memory, or restored from its stored row
        when it is no longer the current version (the 10 KB row is read only then)."""
        found = self._by_id.get(instance.definition_id)
        if found is not None:
            return found
        row = session.get(ProcessDefinition, instance.definition_id)
        assert row is not None
        definition = self._by_hash.get(row.content_hash) or self._restore(row)
        with self._lock:
            self._by_id[row.id] = definition
        return definition

    def _executable_specs(self, serialized: str) -> tuple[BpmnProcessSpec, dict[str, BpmnProcessSpec]]:
        """The spec objects a definition's workflows run on, built from its stored text in every case
        (current version or restored row), so every process runs the same objects however warm it is.

        The spec deserializer wires each multi-instance task to merge its finished children
        (SpiffWorkflow bpmn/serializer/default/process_spec.py); a spec fresh from the parser is wired
        only when *this* process first creates children of that task. A process that had not (a restart,
        another web process) never merged the ballots of a session opened elsewhere, so it never closed
        (issue 10). The event-subprocess link is the other wiring that must exist before any workflow runs."""
        spec, subprocess_specs = self.serializer.load_specs(serialized)
        for each in (spec, *subprocess_specs.values()):
            link_event_subprocesses(each)
        return spec, subprocess_specs

    def _restore(self, row: ProcessDefinition) -> Definition:
        spec, subprocess_specs = self._executable_specs(row.spec)
        definition = Definition(key=row.key, name=row.name, source_file=row.source_file, spec=spec,
                                subprocess_specs=subprocess_specs, forms=row.forms, user_tasks={},
                                serialized_spec=row.spec, content_hash=row.content_hash)
        for task_spec in (t for s in (spec, *subprocess_specs.values()) for t in s.task_specs.values()):
            if getattr(task_spec, "manual", False):
                info = describe_user_task(task_spec, None, row.source_file)
                definition.user_tasks[info.key] = info
        return definition

    def form(self, session: Session, instance: ProcessInstance, form_name: str) -> dict[str, Any]:
        return self.definition_of(session, instance).forms[form_name]

    # -- instances -----------------------------------------------------------------------------

    def start(self, session: Session, clock: Clock, key: str, data: dict[str, Any], *,
              started_by_id: int | None = None, dossier_id: int | None = None,
              complaint_id: int | None = None) -> tuple[LiveWorkflow, SaveResult]:
        definition = self.definitions.get(key)
        if definition is None:
            raise NotFound(f"Không có quy trình '{key}'.")
        by_hash = select(ProcessDefinition).where(ProcessDefinition.content_hash == definition.content_hash)
        row = session.scalars(by_hash).one_or_none()
        if row is None:  # normally deployed at start-up; a process started before that deploys itself
            self.deploy(session, clock)
            row = session.scalars(by_hash).one()
        now = clock.now()
        instance = ProcessInstance(definition=row, definition_id=row.id, process_key=key,
                                   status=InstanceStatus.RUNNING, state="", serializer_version="", version=0,
                                   dossier_id=dossier_id, complaint_id=complaint_id,
                                   started_by_id=started_by_id, started_at=now, updated_at=now)
        session.add(instance)
        session.flush()
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        live = LiveWorkflow(instance, definition, workflow, clock)
        self._engine_steps(live)
        return live, self.save(session, live)

    def lock(self, session: Session, instance_id: int) -> ProcessInstance:
        """Load the instance row under a lock held until the transaction ends."""
        stmt = select(ProcessInstance).where(ProcessInstance.id == instance_id)
        if is_postgres(session):
            stmt = stmt.with_for_update()
        instance = session.scalars(stmt.execution_options(populate_existing=True)).one_or_none()
        if instance is None:
            raise NotFound(f"Không có phiên quy trình số {instance_id}.")
        # populate_existing does not touch a deferred column loaded earlier in this session.
        session.expire(instance, ["state"])
        return instance

    def open(self, session: Session, instance: ProcessInstance, clock: Clock) -> LiveWorkflow:
        """The workflow of a locked instance, for this transaction only (taken out of the cache)."""
        definition = self.definition_of(session, instance)
        with self._lock:
            cached = self._cache.pop(instance.id, None)
        if cached is not None and cached[0] == instance.version:
            workflow = cached[1]
        else:
            workflow = self.serializer.load_state(instance.state, instance.serializer_version,
                                                  definition.spec, definition.subprocess_specs)
        workflow.script_engine = self.script_engine  # not serialized: attach ours after every load
        return LiveWorkflow(instance, definition, workflow, clock)

    def _task(self, live: LiveWorkflow, task_uuid: str) -> Any:
        try:
            return live.workflow.get_task_from_id(UUID(task_uuid))
        except (ValueError, SpiffWorkflowException):
            raise NotFound("Không tìm thấy nhiệm vụ trong quy trình.") from None

    def complete_user_task(self, live: LiveWorkflow, task_uuid: str, data: dict[str, Any]) -> None:
        task = self._task(live, task_uuid)
        # SpiffWorkflow runs a FUTURE task without complaint: the state guard is ours.
        if task.state != TaskState.READY or not task.task_spec.manual:
            raise Conflict("Nhiệm vụ không còn ở trạng thái chờ xử lý.")
        task.data.update(data)
        live.completed.add(task_uuid)
        self._guarded(live, task.run)
        self._engine_steps(live)

    def fire_due_timers(self, live: LiveWorkflow) -> list[str]:
        """Fire the timers due by the engine's clock; returns the keys of those that fired."""
        now = live.clock.now()
        due = {t.id: t.task_spec.bpmn_id for t in live.workflow.get_tasks(state=TaskState.WAITING)
               if (at := _timer_due(t)) is not None and at <= now}
        if not due:
            return []
        self._guarded(live, live.workflow.refresh_timers)
        self._engine_steps(live)
        still_waiting = {t.id for t in live.workflow.get_tasks(state=TaskState.WAITING)}
        return [key for task_id, key in due.items() if task_id not in still_waiting]

    def cancel(self, live: LiveWorkflow) -> None:
        """Stop the instance: every open task is cancelled, every timer dropped at save()."""
        self._guarded(live, live.workflow.cancel)
        live.instance.status = InstanceStatus.CANCELLED
        live.instance.completed_at = live.clock.now()

    def send_message(self, live: LiveWorkflow, name: str, payload: dict[str, Any]) -> None:
        event_ = BpmnEvent(MessageEventDefinition(name), payload)
        try:
            live.workflow.send_event(event_)
        except WorkflowException:
            raise Conflict(f"Quy trình không chờ thông điệp '{name}'.") from None
        self._engine_steps(live)

    def _engine_steps(self, live: LiveWorkflow) -> None:
        self._guarded(live, live.workflow.do_engine_steps)

    @staticmethod
    def _guarded(live: LiveWorkflow, step: Any) -> None:
        try:
            with engine_time(live.clock):
                step()
        except SpiffWorkflowException as exc:
            cause = _domain_cause(exc)
            if cause is not None:
                raise cause from exc
            raise ProcessError(f"Quy trình '{live.definition.key}' gặp lỗi: {exc}") from exc

    def save(self, session: Session, live: LiveWorkflow) -> SaveResult:
        """Write state, bump version, sync human tasks and timers; cache after commit."""
        instance, workflow = live.instance, live.workflow
        now = live.clock.now()
        instance.state = self.serializer.dump_state(workflow)
        instance.serializer_version = self.serializer.version
        instance.version += 1
        instance.updated_at = now
        result = SaveResult(completed=workflow.is_completed() and instance.status != InstanceStatus.CANCELLED)
        if result.completed and instance.status != InstanceStatus.COMPLETED:
            instance.status = InstanceStatus.COMPLETED
            instance.completed_at = now
        self._sync_human_tasks(session, live, now, result)
        self._sync_timers(session, live)
        session.flush()
        session.info.setdefault(_PENDING_KEY, []).append((self, instance.id, instance.version, workflow))
        return result

    def _sync_human_tasks(self, session: Session, live: LiveWorkflow, now: datetime, result: SaveResult) -> None:
        instance = live.instance
        ready = {str(t.id): t for t in live.workflow.get_tasks(state=TaskState.READY, manual=True)}
        open_rows = session.scalars(
            select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state == HumanTaskState.READY)
        ).all()
        for row in open_rows:
            if row.task_uuid in ready:
                del ready[row.task_uuid]
                continue
            done = row.task_uuid in live.completed or self._state(live, row.task_uuid) == TaskState.COMPLETED
            row.state = HumanTaskState.COMPLETED if done else HumanTaskState.CANCELLED
            row.completed_at = now
            result.closed.append(row)
        for uuid, task in ready.items():
            info = live.definition.user_tasks[task.task_spec.bpmn_id]
            row = HumanTask(instance_id=instance.id, task_uuid=uuid, key=info.key, name=info.name,
                            role=info.role.value, unit_id=_unit_of(task, info, live),
                            assignee_id=_optional_int(task.data, info.assignee_variable, live),
                            form_name=info.form_name, prefill=self._prefill(live, task, info),
                            state=HumanTaskState.READY, due_at=_due_of(task, info), created_at=now,
                            dossier_id=instance.dossier_id, complaint_id=instance.complaint_id)
            session.add(row)
            result.opened.append(row)

    @staticmethod
    def _state(live: LiveWorkflow, task_uuid: str) -> int | None:
        """The task's state, or None when it is gone (a terminated called process drops its tasks)."""
        try:
            return live.workflow.get_task_from_id(UUID(task_uuid)).state
        except SpiffWorkflowException:
            return None

    def _prefill(self, live: LiveWorkflow, task: Any, info: UserTaskSpec) -> dict[str, Any]:
        fields = live.definition.forms[info.form_name]["properties"]
        return {k: task.data[k] for k in fields if k in task.data}

    def _sync_timers(self, session: Session, live: LiveWorkflow) -> None:
        waiting = {}
        for task in live.workflow.get_tasks(state=TaskState.WAITING):
            due = _timer_due(task)
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

    def ready_tasks(self, live: LiveWorkflow) -> list[str]:
        return [t.task_spec.bpmn_id for t in live.workflow.get_tasks(state=TaskState.READY, manual=True)]

    def data(self, live: LiveWorkflow) -> dict[str, Any]:
        """The data of the most recently finished task (the process's result once completed)."""
        last = live.workflow.last_task
        return dict(last.data) if last is not None else dict(live.workflow.data)

    def _remember(self, instance_id: int, version: int, workflow: BpmnWorkflow) -> None:
        """Keep running instances' workflows, most recently used last; finished ones are dropped."""
        with self._lock:
            if workflow.is_completed():
                self._cache.pop(instance_id, None)
                return
            self._cache[instance_id] = (version, workflow)
            self._cache.move_to_end(instance_id)
            while len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)

    def forget(self) -> None:
        with self._lock:
            self._cache.clear()


def _domain_cause(exc: BaseException) -> DomainError | None:
    """The domain error a helper raised inside a script, through SpiffWorkflow's wrapping
    (it keeps the original only as the implicit context of its own exception)."""
    seen: set[int] = set()
    node: BaseException | None = exc
    while node is not None and id(node) not in seen:
        if isinstance(node, DomainError):
            return node
        seen.add(id(node))
        node = node.__cause__ or node.__context__
    return None


def _timer_due(task: Any) -> datetime | None:
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


@event.listens_for(Session, "after_commit")
def _cache_committed(session: Session) -> None:
    for runtime, instance_id, version, workflow in session.info.pop(_PENDING_KEY, []):
        runtime._remember(instance_id, version, workflow)


@event.listens_for(Session, "after_soft_rollback")
def _drop_rolled_back(session: Session, previous_transaction: Any) -> None:
    session.info.pop(_PENDING_KEY, None)
