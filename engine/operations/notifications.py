"""In-app notifications: the proposer told each outcome; offices and heads told what is overdue."""
from __future__ import annotations

from engine.context import Context
from engine.models import Dossier, Notification, Role, User
from engine.operations.award_routing import users_with_role


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
