"""Human tasks: list, read with its form, claim, unclaim, complete; and the rows of an inbox."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import selectinload

from engine import audit
from engine.clock import LOCAL_TZ, local_today
from engine.context import Context
from engine.db import run_core
from engine.errors import Conflict, Forbidden, NotFound
from engine.models import Dossier, HumanTask, HumanTaskState, Role, Unit, User
from engine.operations.access import ACTOR_ID, MAY_ACT, actionable_by, can_act_on, can_see, holds_role, require_actor
from engine.operations.forms import validate_form_data
from engine.operations.hooks import Outcome, prefilled, run_before_complete
from engine.operations.paging import Page, paginate
from engine.operations.processes import checkout, checkout_many, record_if_completed, saved
from engine.operations.readmodels import Extended, by_id
from engine.runtime import LiveWorkflow, SaveResult
from engine.vocabulary import AuditAction


@dataclass
class Completion:
    task: HumanTask
    next_tasks: list[HumanTask] = field(default_factory=list)
    process_completed: bool = False
    reply: dict[str, Any] = field(default_factory=dict)  # e.g. the receipt of a secret ballot
    units: dict[int, UnitName] = field(default_factory=dict)  # the tasks' units, when read for the answer


@dataclass(frozen=True)
class UnitName:
    """What a task's answer says of its unit."""

    id: int
    code: str
    name: str


# The answer's units, read as plain rows (no Unit objects joined to the session), built once: the completed
# task's with the statement that locks it, the next tasks' others in one query.
_UNIT_NAMES = select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(bindparam("unit_ids", expanding=True)))
_TASK_UNIT_CODE = select(Unit.code).where(Unit.id == HumanTask.unit_id).scalar_subquery()
_TASK_UNIT_NAME = select(Unit.name).where(Unit.id == HumanTask.unit_id).scalar_subquery()


def list_tasks(ctx: Context, *, dossier_id: int | None = None, key: str | None = None, mine: bool = False,
               page: int = 1, per_page: int = 20) -> Page:
    """READY tasks the caller may act on, soonest due first."""
    user = require_actor(ctx.actor)
    stmt = select(HumanTask).where(HumanTask.state == HumanTaskState.READY, actionable_by(user))
    if dossier_id is not None:
        stmt = stmt.where(HumanTask.dossier_id == dossier_id)
    if key:
        stmt = stmt.where(HumanTask.key == key)
    if mine:
        stmt = stmt.where(HumanTask.claimed_by_id == user.id)
    stmt = stmt.order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)  # soonest due first
    return paginate(ctx.session, stmt.options(selectinload(HumanTask.unit), selectinload(HumanTask.claimed_by)),
                    page, per_page)


def count_actionable(ctx: Context, user: User) -> int:
    """How many READY tasks the user may act on (the inbox's count in the navigation)."""
    return ctx.session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.state == HumanTaskState.READY, actionable_by(user))) or 0


def get_task(ctx: Context, task_id: int) -> HumanTask:
    user = require_actor(ctx.actor)
    task = ctx.session.get(HumanTask, task_id)
    if task is None or not can_see(ctx.session, user, task):
        raise NotFound(f"Không tìm thấy nhiệm vụ số {task_id}.")
    return task


def task_form(ctx: Context, task: HumanTask) -> dict[str, Any]:
    assert ctx.runtime is not None
    return ctx.runtime.form(ctx.session, task.instance, task.form_name)


@dataclass(frozen=True)
class TaskDetail(Extended[HumanTask]):
    """A task with its form (JSON Schema) and the values the form starts from."""

    form: dict[str, Any]
    data: dict[str, Any]


def task_detail(ctx: Context, task_id: int) -> TaskDetail:
    task = get_task(ctx, task_id)
    return TaskDetail(task, task_form(ctx, task), prefilled(ctx, task))


@dataclass(frozen=True)
class TaskRow:
    """A task as an inbox lists it: the dossier it concerns, where and by whom it is done, when due."""

    task: HumanTask
    dossier: Dossier | None
    unit: Unit | None
    proposing_unit: Unit | None
    role: str  # the role's Vietnamese label
    claimed_by: User | None
    due_on: date | None  # the local day of `due_at`
    days_late: int


def task_rows(ctx: Context, tasks: list[HumanTask]) -> list[TaskRow]:
    """Rows for these tasks, their dossiers, units and claimers loaded in one query per kind."""
    session, today = ctx.session, local_today(ctx.clock)
    dossiers = by_id(session, Dossier, (t.dossier_id for t in tasks))
    units = by_id(session, Unit, [t.unit_id for t in tasks] + [d.proposing_unit_id for d in dossiers.values()])
    users = by_id(session, User, (t.claimed_by_id for t in tasks))
    rows = []
    for task in tasks:
        dossier = dossiers.get(task.dossier_id) if task.dossier_id is not None else None
        due_on = task.due_at.astimezone(LOCAL_TZ).date() if task.due_at is not None else None
        rows.append(TaskRow(
            task, dossier, units.get(task.unit_id), units.get(dossier.proposing_unit_id) if dossier else None,
            Role(task.role).label,
            users.get(task.claimed_by_id) if task.claimed_by_id is not None else None,
            due_on, (today - due_on).days if due_on is not None and due_on < today else 0))
    return rows


def _actionable_task(ctx: Context, task_id: int) -> tuple[User, HumanTask]:
    """The task, if the caller may act on it (404 for those who cannot even see it)."""
    user = require_actor(ctx.actor)
    task = ctx.session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"Không tìm thấy nhiệm vụ số {task_id}.")
    if not can_act_on(ctx.session, user, task):
        get_task(ctx, task_id)
        raise Forbidden("Bạn không có vai trò để xử lý nhiệm vụ này tại đơn vị này.")
    return user, task


def _actionable_tasks(ctx: Context, task_ids: list[int]) -> list[tuple[User, HumanTask]]:
    """`_actionable_task` for many tasks: read in one query, the caller's role checked once per lane and
    unit; a task refused is refused as `_actionable_task` refuses it (404 or 403)."""
    user = require_actor(ctx.actor)
    rows = by_id(ctx.session, HumanTask, task_ids)
    lanes: dict[tuple[str, int], bool] = {}
    found = []
    for task_id in task_ids:
        task = rows.get(task_id)
        if task is not None and (task.role, task.unit_id) not in lanes:
            lanes[(task.role, task.unit_id)] = holds_role(ctx.session, user, task.role, task.unit_id)
        if task is None or not lanes[(task.role, task.unit_id)] or task.assignee_id not in (None, user.id):
            found.append(_actionable_task(ctx, task_id))  # raises NotFound or Forbidden, as alone
        else:
            found.append((user, task))
    return found


def _still_ready(ctx: Context, user: User, task: HumanTask) -> None:
    """Re-read under the instance's lock: READY, and not claimed by someone else."""
    ctx.session.refresh(task, ["state", "claimed_by_id", "claimed_at"])
    _ready_for(user, task)


def _ready_for(user: User, task: HumanTask) -> None:
    """The task as read under the instance's lock is READY and not claimed by someone else."""
    if task.state != HumanTaskState.READY:
        raise Conflict("Nhiệm vụ đã được xử lý hoặc không còn hiệu lực.")
    if task.claimed_by_id not in (None, user.id):
        raise Conflict("Nhiệm vụ đang do cán bộ khác nhận xử lý.")


def _locked_task(ctx: Context, task_id: int) -> tuple[User, HumanTask]:
    """The task, re-read under its instance's lock, that the caller may act on and is READY
    (claiming changes no workflow: the lock alone orders it against a completion)."""
    assert ctx.runtime is not None
    user, task = _actionable_task(ctx, task_id)
    ctx.runtime.lock(ctx.session, task.instance_id)
    _still_ready(ctx, user, task)
    return user, task


def _audit_task(ctx: Context, action: AuditAction, task: HumanTask, before: dict[str, Any],
                after: dict[str, Any]) -> None:
    audit.record(ctx, action, "human_task", task.id, before=before, after={"key": task.key, **after},
                 role=task.role, unit_id=task.unit_id, dossier_id=task.dossier_id, complaint_id=task.complaint_id)


def claim_task(ctx: Context, task_id: int) -> HumanTask:
    user, task = _locked_task(ctx, task_id)
    if task.claimed_by_id == user.id:
        return task
    task.claimed_by_id, task.claimed_at = user.id, ctx.clock.now()
    _audit_task(ctx, AuditAction.TASK_CLAIMED, task, {"claimed_by": None}, {"claimed_by": user.username})
    ctx.session.flush()
    return task


def unclaim_task(ctx: Context, task_id: int) -> HumanTask:
    user, task = _locked_task(ctx, task_id)
    if task.claimed_by_id is None:
        return task
    task.claimed_by_id, task.claimed_at = None, None
    _audit_task(ctx, AuditAction.TASK_UNCLAIMED, task, {"claimed_by": user.username}, {"claimed_by": None})
    ctx.session.flush()
    return task


def complete_task(ctx: Context, task_id: int, data: Any) -> Completion:
    """Validate, run, save and audit in the caller's transaction; 409 if someone got there first."""
    assert ctx.runtime is not None
    user = require_actor(ctx.actor)
    # One statement: the task, its instance locked (with its state), the task re-read under that lock,
    # whether the caller may act on it, and its unit's code and name (the answer names them). A caller who
    # may not act waits for the lock to be told 403/404.
    found = ctx.runtime.lock_task(ctx.session, task_id, MAY_ACT, _TASK_UNIT_CODE, _TASK_UNIT_NAME,
                                  params={ACTOR_ID: user.id})
    if found is None:
        raise NotFound(f"Không tìm thấy nhiệm vụ số {task_id}.")
    locked, task, (may_act, unit_code, unit_name) = found
    if not may_act:
        get_task(ctx, task_id)
        raise Forbidden("Bạn không có vai trò để xử lý nhiệm vụ này tại đơn vị này.")
    with checkout(ctx, task.instance_id, locked=locked) as live:
        instance = live.instance
        _ready_for(user, task)  # as read by lock_task's statement, under the lock
        outcome = _complete_in(ctx, user, task, live, data)
    result = saved(live)
    _audit_task(ctx, AuditAction.TASK_COMPLETED, task, {"state": HumanTaskState.READY.value},
                {"state": task.state.value, "data": outcome.data})
    record_if_completed(ctx, instance, result)
    ctx.session.flush()
    # The next tasks' units come with the save's own statement on PostgreSQL (engine/runtime/combined.py).
    units = {unit_id: UnitName(unit_id, code, name) for unit_id, (code, name) in result.units.items()}
    return Completion(task, list(result.opened), result.completed, outcome.reply,
                      units={**units, task.unit_id: UnitName(task.unit_id, unit_code, unit_name)})


def _complete_in(ctx: Context, user: User, task: HumanTask, live: LiveWorkflow, data: Any) -> Outcome:
    """The completion inside the instance's lock, the task known READY: the form checked, the hooks, the
    engine."""
    assert ctx.runtime is not None
    data = validate_form_data(ctx.runtime.form(ctx.session, live.instance, task.form_name), data)
    # Known before the engine runs: steps it triggers may need it, and read it from the database too (the
    # session writes it before their first query; else the save's UPDATE of the row's state carries it).
    task.completed_by_id = user.id
    outcome = run_before_complete(ctx, task, data)
    ctx.runtime.complete_user_task(live, task.task_uuid, outcome.data)
    return outcome


def complete_tasks(ctx: Context, completions: list[tuple[int, Any]]) -> list[Completion]:
    """`complete_task` for many tasks (task id, form data) of different instances in one transaction, in
    the order given: every instance locked in one statement, each task checked, its hooks run and its
    engine steps taken as when it is completed alone, its events recorded in the same order; the
    workflows saved together at the end (Runtime.checkout_many). Any refusal (a task no longer READY: 409;
    bad data: 422) raises with nothing saved: the caller's transaction rolls back whatever ran before."""
    assert ctx.runtime is not None
    found = _actionable_tasks(ctx, [task_id for task_id, _ in completions])
    done: list[tuple[HumanTask, Outcome, LiveWorkflow]] = []
    with audit.batched(ctx), checkout_many(ctx, [task.instance_id for _, task in found]) as lives:
        for (user, task), (_, data) in zip(found, completions, strict=True):
            live = lives[task.instance_id]
            _still_ready(ctx, user, task)
            outcome = _complete_in(ctx, user, task, live, data)
            # As the one-by-one path records it after its save: the row it leaves is COMPLETED.
            _audit_task(ctx, AuditAction.TASK_COMPLETED, task, {"state": HumanTaskState.READY.value},
                        {"state": HumanTaskState.COMPLETED.value, "data": outcome.data})
            if ctx.runtime.finished(live):
                record_if_completed(ctx, live.instance, SaveResult(completed=True))
            done.append((task, outcome, live))
    ctx.session.flush()
    return [Completion(task, list(saved(live).opened), saved(live).completed, outcome.reply)
            for task, outcome, live in done]


def with_units(ctx: Context, completion: Completion) -> Completion:
    """The units a completion's answer names (the task's, the next tasks'): those not already read with the
    task (`complete_task` reads its unit with the lock, and on PostgreSQL the next tasks' with the save) in
    one query, none when all are known, rather than one lazy load each while the answer is written."""
    ids = sorted({t.unit_id for t in (completion.task, *completion.next_tasks)} - completion.units.keys())
    if ids:
        completion.units = {**completion.units, **{
            row.id: UnitName(row.id, row.code, row.name)
            for row in run_core(ctx.session, _UNIT_NAMES, {"unit_ids": ids})}}
    return completion
