"""The SpiffWorkflow host: definitions, instances under a row lock, engine steps, side tables.

Every change to an instance runs inside the caller's transaction through `checkout()`:
lock (SELECT … FOR UPDATE) → open (cached at the row's revision, or deserialized) → act → save
(state, a new revision, human_task and timer rows). Whatever process serves a step sees the same
thing: definitions run on specs rebuilt from their stored text, data entering a workflow is made
exactly what the database will return, and a cached workflow is used only at the revision the row
carries (engine/runtime/cache.py).
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar
from uuid import UUID, uuid4

from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition as BaseMessageEventDefinition
from SpiffWorkflow.bpmn.util import BpmnEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, WorkflowException
from SpiffWorkflow.spiff.specs.event_definitions import MessageEventDefinition
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import Select, Table, bindparam, event, insert, select, update
from sqlalchemy.orm import Session, undefer
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import ColumnElement

from engine.clock import Clock
from engine.config import Settings
from engine.db import is_postgres, lock_advisory, run_core
from engine.errors import Conflict, DomainError, NotFound, ProcessError, ScriptError
from engine.models import HumanTask, InstanceStatus, ProcessDefinition, ProcessInstance, ProcessStep
from engine.runtime import combined
from engine.runtime.cache import WorkflowCache
from engine.runtime.combined import SAVED_COLUMNS
from engine.runtime.definitions import (
    CHECKS,
    Definition,
    collect_user_tasks,
    content_hash,
    link_event_subprocesses,
    parse_directory,
)
from engine.runtime.helpers import HELPERS
from engine.runtime.inspection import Step, in_order, merge_finished_children, timed_steps
from engine.runtime.pruning import prune
from engine.runtime.scripting import RestrictedEnvironment, RestrictedScriptEngine
from engine.runtime.serialization import StateSerializer
from engine.runtime.tables import SideRows, open_tasks, settle, side_changes, side_rows, timer_due, write_apart
from engine.runtime.timeflow import engine_time

T = TypeVar("T")
_INSTANCES = ProcessInstance.__table__
assert isinstance(_INSTANCES, Table)
_UPDATE_INSTANCE = update(_INSTANCES).where(_INSTANCES.c.id == bindparam("instance_id")).values(
    {name: bindparam(f"new_{name}", type_=_INSTANCES.c[name].type) for name in SAVED_COLUMNS})
_DEPLOY_LOCK_KEY = 0x4B54_4445  # "KTDE": one deployment at a time
_HASHES_KEY = "khenthuong_definition_hashes"  # definition row id -> content hash, for one transaction


@dataclass
class SaveResult:
    opened: list[HumanTask] = field(default_factory=list)
    completed: bool = False
    units: dict[int, tuple[str, str]] = field(default_factory=dict)  # opened rows' units (code, name), if read


@dataclass
class LiveWorkflow:
    """A workflow checked out for one transaction. Opaque outside engine/runtime."""

    instance: ProcessInstance
    definition: Definition
    workflow: BpmnWorkflow
    clock: Clock
    revision: str = ""  # the row's revision the workflow was opened at
    completed: set[str] = field(default_factory=set)  # user tasks completed in this transaction
    touched: bool = False  # the engine ran on it: it no longer matches `revision`
    result: SaveResult | None = None  # set by the save at the end of checkout()
    loaded: SideRows = field(default_factory=SideRows)  # the side rows at `revision` (none for a new instance)


class Runtime:
    def __init__(self, definitions: dict[str, Definition], settings: Settings) -> None:
        """`definitions` as parse_directory returns them; they are not changed, so one parse may seed
        any number of runtimes (each builds its own spec objects from the serialized text)."""
        self.serializer = StateSerializer()
        self.script_engine = RestrictedScriptEngine(
            RestrictedEnvironment(HELPERS, settings.script_time_limit_seconds, self.serializer.plain)
        )
        self.definitions = {key: self._runnable(parsed) for key, parsed in definitions.items()}
        self._by_hash = {d.content_hash: d for d in self.definitions.values()}
        self._lock = threading.Lock()
        self._cache = WorkflowCache(settings.workflow_cache_size)
        self._task_locks: dict[tuple[bool, tuple[int, ...]], Select[Any]] = {}
        for check in CHECKS:
            check(self.definitions)

    @classmethod
    def load(cls, settings: Settings) -> Runtime:
        """Parse and check every definition; raises DefinitionError, which must stop the start."""
        return cls(parse_directory(settings.workflows_dir, settings.forms_dir), settings)

    # -- definitions ---------------------------------------------------------------------------

    def _runnable(self, parsed: Definition) -> Definition:
        serialized = self.serializer.dump_specs(parsed.spec, parsed.subprocess_specs)
        spec, subprocess_specs = self._executable_specs(serialized)
        return replace(parsed, spec=spec, subprocess_specs=subprocess_specs, serialized_spec=serialized,
                       content_hash=content_hash(serialized, parsed.forms))

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
        """The definition an instance started with: a current one, or restored from the stored text."""
        return self._definition(session, instance.definition_id)

    def _definition(self, session: Session, definition_id: int) -> Definition:
        """Found by the content hash of the row, read once per transaction: a row id may name another
        definition in a restored database, a hash never does."""
        hashes = session.info.setdefault(_HASHES_KEY, {})
        if definition_id not in hashes:
            hashes[definition_id] = session.scalar(select(ProcessDefinition.content_hash)
                                                   .where(ProcessDefinition.id == definition_id))
        found = self._by_hash.get(hashes[definition_id] or "")
        if found is not None:
            return found
        row = session.get(ProcessDefinition, definition_id)
        if row is None:
            raise NotFound(f"Không có định nghĩa quy trình số {definition_id}.")
        restored = self._restore(row)
        with self._lock:
            return self._by_hash.setdefault(row.content_hash, restored)  # content-addressed: never stale

    def _restore(self, row: ProcessDefinition) -> Definition:
        spec, subprocess_specs = self._executable_specs(row.spec)
        definition = Definition(key=row.key, name=row.name, source_file=row.source_file, spec=spec,
                                subprocess_specs=subprocess_specs, forms=row.forms, user_tasks={},
                                serialized_spec=row.spec, content_hash=row.content_hash)
        definition.user_tasks = collect_user_tasks(definition)
        return definition

    def form(self, session: Session, instance: ProcessInstance, form_name: str) -> dict[str, Any]:
        return self.definition_of(session, instance).forms[form_name]

    def task_process(self, session: Session, instance: ProcessInstance, task_key: str) -> str:
        """The BPMN process that defines the user task `task_key` of the instance's definition."""
        info = self.definition_of(session, instance).user_tasks.get(task_key)
        return info.process if info is not None else instance.process_key

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
                                   revision="", dossier_id=dossier_id, complaint_id=complaint_id,
                                   started_by_id=started_by_id, started_at=now, updated_at=now)
        session.add(instance)
        session.flush()
        data = self._plain(data, "dữ liệu khởi tạo")
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.script_engine)
        workflow.task_tree.data.update(data)
        for task in workflow.get_tasks(state=TaskState.READY):
            task.data.update(data)
        live = LiveWorkflow(instance, definition, workflow, clock, touched=True)
        self._engine_steps(live)
        return live, self.save(session, live)

    def lock(self, session: Session, instance_id: int, *, with_state: bool = False) -> ProcessInstance:
        """Load the instance row under a lock held until the transaction ends, with its definition's
        content hash in the same statement (what `definition_of` would otherwise read next) and, when
        asked, its state (what `open` reads next unless this process has the workflow cached)."""
        stmt = (select(ProcessInstance, ProcessDefinition.content_hash)
                .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                .where(ProcessInstance.id == instance_id))
        if with_state:
            stmt = stmt.options(undefer(ProcessInstance.state))
        if is_postgres(session):
            stmt = stmt.with_for_update(of=ProcessInstance)  # the instance's row only, not the definition's
        row = session.execute(stmt.execution_options(populate_existing=True)).one_or_none()
        if row is None:
            raise NotFound(f"Không có phiên quy trình số {instance_id}.")
        instance, definition_hash = row
        session.info.setdefault(_HASHES_KEY, {})[instance.definition_id] = definition_hash
        if not with_state:
            # populate_existing does not touch a deferred column loaded earlier in this session.
            session.expire(instance, ["state"])
        return instance

    def lock_task(self, session: Session, task_id: int, *columns: ColumnElement[Any],
                  params: dict[str, Any] | None = None) -> tuple[ProcessInstance, HumanTask, tuple[Any, ...]] | None:
        """A human task and its instance in one statement (None if there is no such task): the instance's
        row locked with its state and definition's hash as `lock(with_state=True)` reads them, the task's
        row locked after it and re-read under the lock, and `columns` (expressions on the task, e.g. the
        caller's right to act, their bound `params` given) evaluated with them. On PostgreSQL a statement
        that waited for the lock returns both rows as the transaction that held it left them (the locked
        rows are read again once it ends), so a task completed or claimed meanwhile is seen here; the
        instance's row is locked first, as every other path does, then the task's. SQLite serializes
        writers already. The statement is built once per kind of database and set of columns, so `columns`
        must be expressions built once too (module-level), not per call."""
        postgres = is_postgres(session)
        # By identity: the cached statement holds the columns, so their ids cannot be reused meanwhile.
        key = (postgres, tuple(id(c) for c in columns))
        stmt = self._task_locks.get(key)
        if stmt is None:
            stmt = (select(ProcessInstance, ProcessDefinition.content_hash, HumanTask, *columns)
                    .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                    .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                    .where(HumanTask.id == bindparam("locked_task_id"))
                    .options(undefer(ProcessInstance.state)).execution_options(populate_existing=True))
            if postgres:
                stmt = stmt.with_for_update(of=[ProcessInstance, HumanTask])
            self._task_locks[key] = stmt
        row = session.execute(stmt, {**(params or {}), "locked_task_id": task_id}).one_or_none()
        if row is None:
            return None
        instance, definition_hash, task = row[0], row[1], row[2]
        session.info.setdefault(_HASHES_KEY, {})[instance.definition_id] = definition_hash
        return instance, task, tuple(row[3:])

    def open(self, session: Session, instance: ProcessInstance, clock: Clock) -> LiveWorkflow:
        """The workflow of a locked instance, for this transaction only (taken out of the cache)."""
        definition = self.definition_of(session, instance)
        cached = self._cache.take(instance.id, instance.revision)
        workflow, rows = cached if cached is not None else (None, None)
        if workflow is None:
            workflow = self.serializer.load_state(instance.state, instance.serializer_version,
                                                  definition.spec, definition.subprocess_specs)
        workflow.script_engine = self.script_engine  # not serialized: attach ours after every load
        return LiveWorkflow(instance, definition, workflow, clock, instance.revision,
                            loaded=rows if rows is not None else side_rows(workflow))

    @contextmanager
    def checkout(self, session: Session, instance_id: int, clock: Clock, *,
                 locked: ProcessInstance | None = None) -> Iterator[LiveWorkflow]:
        """Lock → open → (the block acts) → save, in the caller's transaction; `live.result` holds
        what the save changed. Nothing is saved when the block raises or the engine did not run (a
        timer not yet due, nothing to repair), and a workflow the engine has not touched goes back
        to the cache as it was. `locked`: the instance's row, already locked in this transaction by
        `lock_task` (no second statement)."""
        # The state is read with the lock unless the workflow is cached here (a guess: it only decides
        # whether the state comes in the lock's statement or, on a miss after all, in its own).
        if locked is None:
            locked = self.lock(session, instance_id, with_state=instance_id not in self._cache)
        live = self.open(session, locked, clock)
        try:
            yield live
        except BaseException:
            self._give_back(live)
            raise
        if live.touched:
            live.result = self.save(session, live)
        else:
            live.result = SaveResult()
            self._give_back(live)

    def _give_back(self, live: LiveWorkflow) -> None:
        if not live.touched:
            self._cache.put(live.instance.id, live.revision, live.workflow, live.loaded)

    def read(self, session: Session, instance_id: int, reader: Callable[[BpmnWorkflow], T]) -> T:
        """Run `reader` on the instance's committed workflow without locking it (pages, reports)."""
        row = session.execute(
            select(ProcessInstance.revision, ProcessInstance.state, ProcessInstance.serializer_version,
                   ProcessInstance.definition_id).where(ProcessInstance.id == instance_id)).one_or_none()
        if row is None:
            raise NotFound(f"Không có phiên quy trình số {instance_id}.")
        hit, value = self._cache.read(instance_id, row.revision, reader)
        if hit:
            return value  # type: ignore[return-value]
        definition = self._definition(session, row.definition_id)
        workflow = self.serializer.load_state(row.state, row.serializer_version, definition.spec,
                                              definition.subprocess_specs)
        workflow.script_engine = self.script_engine
        value = reader(workflow)
        self._cache.put(instance_id, row.revision, workflow)  # a revision names one state: safe to share
        return value

    def path_taken(self, session: Session, instance_id: int) -> list[Step]:
        """The elements the instance completed, in order, with the element each followed (engine/runtime/
        inspection.py): what a diagram marks as the path taken. Those whose tasks left the saved state
        (engine/runtime/pruning.py) are read from `process_step`."""
        current = self.read(session, instance_id, timed_steps)
        earlier = session.execute(
            select(ProcessStep.finished_at, ProcessStep.process, ProcessStep.run, ProcessStep.caller,
                   ProcessStep.element, ProcessStep.after)
            .where(ProcessStep.instance_id == instance_id).order_by(ProcessStep.id))
        return in_order([(row[0], Step(*row[1:])) for row in earlier], current)

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
        data = self._plain(data, "dữ liệu nhiệm vụ")
        live.touched = True
        task.data.update(data)
        live.completed.add(task_uuid)
        self._guarded(live, task.run)
        self._engine_steps(live)

    def fire_due_timers(self, live: LiveWorkflow) -> list[str]:
        """Fire the timers due by the engine's clock; returns the keys of those that fired."""
        now = live.clock.now()
        due = {t.id: t.task_spec.bpmn_id for t in live.workflow.get_tasks(state=TaskState.WAITING)
               if (at := timer_due(t)) is not None and at <= now}
        if not due:
            return []
        live.touched = True
        self._guarded(live, live.workflow.refresh_timers)
        self._engine_steps(live)
        still_waiting = {t.id for t in live.workflow.get_tasks(state=TaskState.WAITING)}
        return [key for task_id, key in due.items() if task_id not in still_waiting]

    def cancel(self, live: LiveWorkflow) -> None:
        """Stop the instance: every open task is cancelled, every timer dropped at save()."""
        live.touched = True
        self._guarded(live, live.workflow.cancel)
        live.instance.status = InstanceStatus.CANCELLED
        live.instance.completed_at = live.clock.now()

    def send_message(self, live: LiveWorkflow, name: str, payload: dict[str, Any]) -> None:
        event_ = BpmnEvent(MessageEventDefinition(name), self._plain(payload, "nội dung thông điệp"))
        live.touched = True
        try:
            live.workflow.send_event(event_)
        except WorkflowException:
            raise Conflict(f"Quy trình không chờ thông điệp '{name}'.") from None
        self._engine_steps(live)

    @staticmethod
    def waits_for_message(live: LiveWorkflow, name: str) -> bool:
        """Whether a catch event of the workflow waits for the message `name` now."""
        return any(getattr(getattr(t.task_spec, "event_definition", None), "name", None) == name
                   and isinstance(t.task_spec.event_definition, BaseMessageEventDefinition)
                   for t in live.workflow.get_tasks(state=TaskState.WAITING))

    def repair(self, live: LiveWorkflow) -> list[str]:
        """Merge multi-instance children that finished without being merged, then run the engine on:
        returns the loop tasks repaired (empty: nothing to do, nothing touched)."""
        if live.workflow.is_completed():
            return []
        merged = merge_finished_children(live.workflow)
        if merged:
            live.touched = True
            self._engine_steps(live)
        return merged

    def _plain(self, data: dict[str, Any], what: str) -> dict[str, Any]:
        try:
            return self.serializer.plain(data)
        except (TypeError, ValueError) as exc:
            raise ScriptError(f"Không lưu được {what}: {exc}") from None

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
        """Sync human tasks and timers, prune what the engine no longer needs (its path steps stored), write
        state and a new revision, bump version; cache after commit."""
        return self.save_many(session, [live])[0]

    def save_many(self, session: Session, lives: list[LiveWorkflow]) -> list[SaveResult]:
        """`save` for workflows saved together, each row as its own save leaves it, in a few statements
        whatever their number: the side tables' differences gathered (tables.py), then written with the
        pruned steps in one INSERT and the instances' new states in one executemany UPDATE; or, on
        PostgreSQL, the usual save of one instance in one statement (combined.py)."""
        if not lives:
            return []
        now = lives[0].clock.now()
        results = [SaveResult(completed=self.finished(live)) for live in lives]
        now_open = [open_tasks(live.workflow) for live in lives]  # one walk of each tree for both tables
        changes = side_changes(session, list(zip(lives, results, now_open, strict=True)), now)
        steps = []
        for live in lives:
            steps += [{"instance_id": live.instance.id, "finished_at": at, "process": step.process, "run": step.run,
                       "caller": step.caller, "element": step.element, "after": step.after}
                      for at, step in prune(live.workflow)]
        columns: list[dict[str, Any]] = []
        for live, result in zip(lives, results, strict=True):
            instance = live.instance
            finishing = result.completed and instance.status != InstanceStatus.COMPLETED
            columns.append({
                "state": self.serializer.dump_state(live.workflow), "serializer_version": self.serializer.version,
                "version": instance.version + 1, "revision": uuid4().hex, "updated_at": now,
                "status": InstanceStatus.COMPLETED if finishing else instance.status,
                "completed_at": now if finishing else instance.completed_at})
        if is_postgres(session) and combined.fits(changes, len(lives), len(steps)):
            ids = combined.write_together(session, changes, lives[0].instance.id, columns[0], now)
        else:
            ids = write_apart(session, changes, now)
            if steps:
                session.execute(insert(ProcessStep), steps)
            # The instances' columns last, in one Core UPDATE (executemany).
            run_core(session, _UPDATE_INSTANCE, [
                {"instance_id": live.instance.id, **{f"new_{k}": v for k, v in row.items()}}
                for live, row in zip(lives, columns, strict=True)])
        settle(session, changes, ids, now)
        # Each instance is told its new values as the database's own, so no unit of work writes them again.
        for live, row in zip(lives, columns, strict=True):
            for key, value in row.items():
                set_committed_value(live.instance, key, value)
        session.flush()  # whatever else the block changed through the session
        for live, rows in zip(lives, now_open, strict=True):
            self._cache.put_after_commit(session, live.instance.id, live.instance.revision, live.workflow,
                                         rows.rows())
        return results

    @staticmethod
    def finished(live: LiveWorkflow) -> bool:
        """The workflow has run to its end (not cancelled): what a save reports as `completed`."""
        return live.workflow.is_completed() and live.instance.status != InstanceStatus.CANCELLED

    # -- many instances in one transaction ---------------------------------------------------------

    def lock_many(self, session: Session, instance_ids: list[int]) -> list[ProcessInstance]:
        """`lock` for several instances in one statement, in the order of their ids (two transactions
        locking overlapping sets never wait for each other in a cycle); their states come with the lock
        unless every workflow is cached here. NotFound names the first id missing."""
        ids = sorted(set(instance_ids))
        with_state = any(i not in self._cache for i in ids)
        stmt = (select(ProcessInstance, ProcessDefinition.content_hash)
                .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
                .where(ProcessInstance.id.in_(ids)).order_by(ProcessInstance.id))
        if with_state:
            stmt = stmt.options(undefer(ProcessInstance.state))
        if is_postgres(session):
            stmt = stmt.with_for_update(of=ProcessInstance)
        rows = session.execute(stmt.execution_options(populate_existing=True)).all()
        found = {instance.id for instance, _ in rows}
        for instance_id in ids:
            if instance_id not in found:
                raise NotFound(f"Không có phiên quy trình số {instance_id}.")
        hashes = session.info.setdefault(_HASHES_KEY, {})
        instances = []
        for instance, definition_hash in rows:
            hashes[instance.definition_id] = definition_hash
            if not with_state:
                session.expire(instance, ["state"])
            instances.append(instance)
        return instances

    @contextmanager
    def checkout_many(self, session: Session, instance_ids: list[int],
                      clock: Clock) -> Iterator[dict[int, LiveWorkflow]]:
        """`checkout` for several instances in one transaction: all locked in one statement (`lock_many`),
        opened, handed to the block by id, then the touched ones saved together (`save_many`); each
        `live.result` is set as `checkout` sets it. When the block raises, nothing is saved (the caller's
        transaction rolls back whatever the block wrote) and the untouched workflows go back to the cache."""
        lives: dict[int, LiveWorkflow] = {}
        try:
            for instance in self.lock_many(session, instance_ids):
                lives[instance.id] = self.open(session, instance, clock)
            yield lives
        except BaseException:
            for live in lives.values():
                self._give_back(live)
            raise
        touched = [live for live in lives.values() if live.touched]
        for live, result in zip(touched, self.save_many(session, touched), strict=True):
            live.result = result
        for live in lives.values():
            if not live.touched:
                live.result = SaveResult()
                self._give_back(live)

    def ready_tasks(self, live: LiveWorkflow) -> list[str]:
        return [t.task_spec.bpmn_id for t in live.workflow.get_tasks(state=TaskState.READY, manual=True)]

    def data(self, live: LiveWorkflow) -> dict[str, Any]:
        """The data of the most recently finished task (the process's result once completed)."""
        last = live.workflow.last_task
        return dict(last.data) if last is not None else dict(live.workflow.data)

    def cached_ids(self) -> list[int]:
        """The instances whose workflow this process keeps deserialized, least recently used first."""
        return self._cache.ids()

    def forget(self) -> None:
        """Drop every cached workflow (never needed for correctness: a benchmark's cold start)."""
        self._cache.clear()


@event.listens_for(Session, "after_transaction_end")
def _forget_definition_hashes(session: Session, transaction: Any) -> None:
    if transaction.parent is None:  # the transaction itself, not a savepoint inside it
        session.info.pop(_HASHES_KEY, None)


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
