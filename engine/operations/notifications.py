"""In-app notifications: the proposer told each outcome; offices and heads told what is overdue."""
from __future__ import annotations

from sqlalchemy import func, select

from engine.context import Context
from engine.errors import NotFound
from engine.models import Dossier, Notification, Role, User
from engine.operations.access import require_actor, users_with_role
from engine.operations.paging import Page, paginate


def notify(ctx: Context, users: list[User], dossier: Dossier | None, title: str, body: str) -> None:
    seen: set[int] = set()
    for user in users:
        if user.id in seen:
            continue
        seen.add(user.id)
        ctx.session.add(Notification(user_id=user.id, dossier_id=dossier.id if dossier else None, title=title,
                                     body=body, created_at=ctx.clock.now()))


def notify_proposers(ctx: Context, dossier: Dossier, title: str, body: str) -> None:
    creator = ctx.session.get(User, dossier.created_by_id)
    users = users_with_role(ctx, Role.PROPOSER, dossier.proposing_unit_id) + ([creator] if creator else [])
    notify(ctx, users, dossier, title, body)


def notify_office(ctx: Context, dossier: Dossier, unit_id: int, title: str, body: str) -> None:
    notify(ctx, users_with_role(ctx, Role.OFFICE, unit_id), dossier, title, body)


def notify_heads(ctx: Context, dossier: Dossier, unit_id: int, title: str, body: str) -> None:
    notify(ctx, users_with_role(ctx, Role.HEAD, unit_id), dossier, title, body)


def list_notifications(ctx: Context, *, unread_only: bool = False, page: int = 1, per_page: int = 20) -> Page:
    """The caller's own notifications, newest first."""
    user = require_actor(ctx.actor)
    stmt = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        stmt = stmt.where(Notification.read_at.is_(None))
    return paginate(ctx.session, stmt.order_by(Notification.created_at.desc(), Notification.id.desc()), page, per_page)


def count_unread(ctx: Context, user: User) -> int:
    return ctx.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_read(ctx: Context, notification_id: int) -> Notification:
    """Mark one of the caller's notifications read (again is harmless); others' are not found."""
    user = require_actor(ctx.actor)
    notification = ctx.session.get(Notification, notification_id)
    if notification is None or notification.user_id != user.id:
        raise NotFound(f"Không tìm thấy thông báo số {notification_id}.")
    if notification.read_at is None:
        notification.read_at = ctx.clock.now()
        ctx.session.flush()
    return notification
