"""Reading the database from API tests."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import AuditEvent, HumanTask, ProcessInstance

Read = Callable[[Callable[[Session], Any]], Any]


def task_row(db: Read, task_id: int) -> HumanTask:
    return db(lambda s: s.get(HumanTask, task_id))


def instance_version(db: Read, task_id: int) -> int:
    return db(lambda s: s.get(ProcessInstance, s.get(HumanTask, task_id).instance_id).version)


def audit_count(db: Read) -> int:
    return db(lambda s: s.scalar(select(func.count()).select_from(AuditEvent)))
