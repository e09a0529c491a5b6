"""A save's writes on PostgreSQL in one statement: the usual save of one instance (its completed task's row
closed, the rows of the tasks now open inserted, its timers dropped or added, its own row updated) as one
statement whose parts are data-modifying CTEs, rather than four or five statements one after the other.

PostgreSQL runs every part of such a statement once, to completion, on one snapshot, whether or not the
final SELECT reads it: the UPDATE closing READY rows does not see the rows the INSERT adds, exactly as when
the UPDATE ran first. The final SELECT returns the inserted rows' ids with their task uuids (the order of
a multi-row INSERT's RETURNING is not promised), and their units' code and name, which the completion's
answer names (engine/operations/tasks.py: with_units then reads none). Each shape of statement is built
once.

Any other save (several instances, rows closed under several states, a cycle timer moved on, path steps
pruned, many rows, SQLite) is written apart (`tables.write_apart`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import Insert, Select, Table, bindparam, insert, select, union_all, update
from sqlalchemy.orm import Session

from engine.db import run_core
from engine.models import HumanTask, ProcessInstance, Timer, Unit
from engine.runtime.tables import DELETE_TIMERS_OF_ONE, SideChanges, close_statement

MAX_ROWS = 16  # opened tasks, or new timers, in one statement; a larger save is written apart
_HUMAN_TASKS = cast(Table, HumanTask.__table__)
_TIMERS = cast(Table, Timer.__table__)
_INSTANCES = cast(Table, ProcessInstance.__table__)
_UNITS = cast(Table, Unit.__table__)
SAVED_COLUMNS = ("state", "serializer_version", "version", "revision", "updated_at", "status", "completed_at")


@dataclass(frozen=True)
class _Shape:
    close: Any  # the closing UPDATE close_statement chose (one of tables._CLOSE_OF_ONE, built once), or None
    tasks: int  # rows inserted into human_task
    task_columns: tuple[str, ...]  # as the gathered rows name them
    timers_gone: bool
    timers: int  # rows inserted into timer
    timer_columns: tuple[str, ...]


def fits(changes: SideChanges, instances: int, steps: int) -> bool:
    """The save can be written in one statement."""
    return (instances == 1 and steps == 0 and len(changes.closing) <= 1 and not changes.timers_moved
            and len(changes.timers_gone) <= 1 and len(changes.opening) <= MAX_ROWS
            and len(changes.timers_new) <= MAX_ROWS)


def write_together(session: Session, changes: SideChanges, instance_id: int, columns: dict[str, Any],
                   now: datetime) -> list[int]:
    """The side tables' changes and the instance's new `columns` in one statement (`fits` said so); the
    opened rows' ids, in the order of `changes.opening`, their units' code and name in `changes.units`."""
    params: dict[str, Any] = {"instance_row": instance_id, **{f"instance_{k}": v for k, v in columns.items()}}
    close = None
    if changes.closing:
        [((state, completer), keys)] = changes.closing.items()
        close, close_params = close_statement(state, completer, keys, now)
        assert close_params is not None  # one instance: a statement built once
        params.update(close_params)
    task_columns = tuple(changes.opening[0]) if changes.opening else ()
    for i, row in enumerate(changes.opening):
        params.update({f"task{i}_{name}": value for name, value in row.items()})
    if changes.timers_gone:
        [(gone_instance, uuids)] = changes.timers_gone.items()
        params.update(timers_instance=gone_instance, timer_uuids=uuids)
    timer_columns = tuple(changes.timers_new[0]) if changes.timers_new else ()
    for i, row in enumerate(changes.timers_new):
        params.update({f"timer{i}_{name}": value for name, value in row.items()})
    shape = _Shape(close, len(changes.opening), task_columns, bool(changes.timers_gone), len(changes.timers_new),
                   timer_columns)
    rows = run_core(session, _statement(shape), params).all()
    changes.closing = {}
    if not changes.opening:
        return []
    ids = {row.task_uuid: row.id for row in rows}
    changes.units.update({row.unit_id: (row.code, row.name) for row in rows if row.code is not None})
    return [ids[row["task_uuid"]] for row in changes.opening]


def _insert(table: Table, columns: tuple[str, ...], prefix: str, n: int) -> Insert:
    """An INSERT of `n` rows from a SELECT of typed parameters (UNION ALL): unlike a many-row VALUES, it is
    a statement SQLAlchemy caches compiled."""
    rows = [select(*[bindparam(f"{prefix}{i}_{name}", type_=table.c[name].type) for name in columns])
            for i in range(n)]
    return insert(table).from_select(list(columns), rows[0] if n == 1 else union_all(*rows))


@lru_cache(maxsize=64)
def _statement(shape: _Shape) -> Select[Any]:
    parts = []
    if shape.close is not None:
        parts.append(shape.close.cte("closed"))
    if shape.timers_gone:
        parts.append(DELETE_TIMERS_OF_ONE.cte("timers_gone"))
    if shape.timers:
        parts.append(_insert(_TIMERS, shape.timer_columns, "timer", shape.timers).cte("timers_new"))
    saved = (update(_INSTANCES).where(_INSTANCES.c.id == bindparam("instance_row"))
             .values({name: bindparam(f"instance_{name}", type_=_INSTANCES.c[name].type) for name in SAVED_COLUMNS})
             .returning(_INSTANCES.c.id).cte("saved"))
    if not shape.tasks:
        return select(saved.c.id).add_cte(*parts)
    opened = (_insert(_HUMAN_TASKS, shape.task_columns, "task", shape.tasks)
              .returning(_HUMAN_TASKS.c.id, _HUMAN_TASKS.c.task_uuid, _HUMAN_TASKS.c.unit_id).cte("opened"))
    return (select(opened.c.id, opened.c.task_uuid, opened.c.unit_id, _UNITS.c.code, _UNITS.c.name)
            .select_from(opened.outerjoin(_UNITS, _UNITS.c.id == opened.c.unit_id)).add_cte(saved, *parts))
