"""Permissions as named questions: who holds which role where, and who may act on a task."""
from __future__ import annotations

from typing import Any

from sqlalchemy import CompoundSelect, Integer, Select, bindparam, exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.context import Context
from engine.errors import Forbidden, Unauthenticated
from engine.models import Council, CouncilMember, HumanTask, Role, RoleGrant, Unit, User


def require_actor(user: User | None) -> User:
    if user is None or not user.active:
        raise Unauthenticated("Cần đăng nhập.")
    return user


def holds_role(session: Session, user: User, role: Role | str, unit_id: int) -> bool:
    """A role held at exactly this unit; council membership counts as the council role, and the
    head's deputy (Role.DEPUTY) holds the head's role."""
    roles = [Role(role), Role.DEPUTY] if Role(role) is Role.HEAD else [Role(role)]
    granted = session.scalar(
        select(exists().where(RoleGrant.user_id == user.id, RoleGrant.role.in_(roles),
                              RoleGrant.unit_id == unit_id))
    )
    if granted or Role(role) not in (Role.COUNCIL, Role.COUNCIL_CHAIR):
        return bool(granted)
    if Role(role) is Role.COUNCIL_CHAIR:
        return bool(session.scalar(select(exists().where(
            Council.unit_id == unit_id, or_(Council.chair_id == user.id, Council.secretary_id == user.id)))))
    return bool(session.scalar(
        select(exists().where(Council.unit_id == unit_id, CouncilMember.council_id == Council.id,
                              CouncilMember.user_id == user.id))
    ))


def is_admin(session: Session, user: User) -> bool:
    return bool(session.scalar(select(exists().where(RoleGrant.user_id == user.id, RoleGrant.role == Role.ADMIN))))


def require_admin(session: Session, user: User | None) -> User:
    user = require_actor(user)
    if not is_admin(session, user):
        raise Forbidden("Chỉ quản trị hệ thống được làm việc này.")
    return user


def can_act_on(session: Session, user: User, task: HumanTask) -> bool:
    """Holds the lane's role at the lane's unit and, for a personal task, is its assignee."""
    if task.assignee_id is not None and task.assignee_id != user.id:
        return False
    return holds_role(session, user, task.role, task.unit_id)


def can_see(session: Session, user: User, task: HumanTask) -> bool:
    """Colleagues at the task's unit may see it (and are told 403 if they try to act)."""
    if can_act_on(session, user, task):
        return True
    return bool(session.scalar(
        select(exists().where(RoleGrant.user_id == user.id, RoleGrant.unit_id == task.unit_id))
    ))


def actionable_by(user: User) -> ColumnElement[bool]:
    """SQL filter: human tasks this user may act on (mirrors can_act_on)."""
    return _actionable(user.id)


def _actionable(user_id: Any) -> ColumnElement[bool]:
    by_grant = exists().where(RoleGrant.user_id == user_id, RoleGrant.role == HumanTask.role,
                              RoleGrant.unit_id == HumanTask.unit_id)
    by_council = exists().where(HumanTask.role == Role.COUNCIL.value, Council.unit_id == HumanTask.unit_id,
                                CouncilMember.council_id == Council.id, CouncilMember.user_id == user_id)
    by_deputy = exists().where(HumanTask.role == Role.HEAD.value, RoleGrant.user_id == user_id,
                               RoleGrant.role == Role.DEPUTY, RoleGrant.unit_id == HumanTask.unit_id)
    by_chair = exists().where(HumanTask.role == Role.COUNCIL_CHAIR.value, Council.unit_id == HumanTask.unit_id,
                              or_(Council.chair_id == user_id, Council.secretary_id == user_id))
    return (or_(HumanTask.assignee_id.is_(None), HumanTask.assignee_id == user_id)) & or_(by_grant, by_council,
                                                                                          by_deputy, by_chair)


# `actionable_by` built once, the user's id a bound parameter named ACTOR_ID: what a hot path (a task's
# completion) executes with `{ACTOR_ID: user.id}` rather than building four EXISTS per request.
ACTOR_ID = "actionable_actor_id"
MAY_ACT: ColumnElement[bool] = _actionable(bindparam(ACTOR_ID, type_=Integer))


def users_with_role(ctx: Context, role: str, unit_id: int) -> list[User]:
    return list(ctx.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, RoleGrant.unit_id == unit_id, User.active.is_(True))
        .order_by(User.id)
    ))


def council_readers(user: User) -> CompoundSelect[int]:
    """SQL: ids of the units whose council's participation (who voted, when) this user may read: where
    the user sits on the council or holds the standing office's role."""
    return select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id, RoleGrant.role == Role.OFFICE).union(
        select(Council.unit_id).join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.user_id == user.id))


def visible_units(user: User) -> Select[tuple[int]]:
    """SQL: ids of the units where the user holds any role (council seats included), and all below them."""
    held = select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id).union(
        select(Council.unit_id).join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.user_id == user.id)
    )
    tree = select(Unit.id).where(Unit.id.in_(held)).cte("visible_unit", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)
