"""Engine objects as the plain dicts the response schemas dump."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from engine.context import Context
from engine.models import HumanTask, Unit, User
from engine.operations.directory import roles_of
from engine.operations.paging import Page


def unit_ref(unit: Unit | None) -> dict[str, Any] | None:
    return None if unit is None else {"id": unit.id, "code": unit.code, "name": unit.name}


def user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "username": user.username, "full_name": user.full_name}


def page_view(page: Page, item: Callable[[Any], Any] = lambda x: x) -> dict[str, Any]:
    return {"items": [item(x) for x in page.items], "total": page.total, "page": page.page,
            "per_page": page.per_page}


def task_view(session: Session, task: HumanTask) -> dict[str, Any]:
    claimer = session.get(User, task.claimed_by_id) if task.claimed_by_id is not None else None
    return {
        "id": task.id, "key": task.key, "name": task.name, "state": task.state.value,
        "dossier_id": task.dossier_id, "complaint_id": task.complaint_id,
        "unit": unit_ref(session.get(Unit, task.unit_id)), "role": task.role, "assignee_id": task.assignee_id,
        "due_at": task.due_at, "claimed_by": user_ref(claimer), "created_at": task.created_at,
        "completed_at": task.completed_at,
    }


def me_view(ctx: Context, user: User, csrf_token: str | None) -> dict[str, Any]:
    roles = [{"role": held.role.value, "role_label": held.role.label, "unit": unit_ref(held.unit)}
             for held in roles_of(ctx, user)]
    return {"id": user.id, "username": user.username, "full_name": user.full_name, "roles": roles,
            "csrf_token": csrf_token}
