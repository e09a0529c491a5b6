"""What every page module shares: the request's Context and user, rendering with a status, the
counts shown in the navigation, paging links, and reading a few typed values from a query."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from flask import render_template, request

from api.unit_of_work import current_ctx, current_uow
from engine.context import Context
from engine.models import User
from engine.operations import notifications, tasks
from engine.operations.access import is_admin, require_actor
from engine.operations.paging import Page

PER_PAGE = 20


def ctx() -> Context:
    return current_ctx()


def me() -> User:
    return require_actor(current_uow().actor)


def render(template: str, status: int = 200, **values: Any) -> tuple[str, int]:
    """A page; a status of 400 or more also rolls the request's writes back (api/unit_of_work.py)."""
    return render_template(template, **values), status


def discard_changes() -> None:
    """Forget this request's writes now, for answers that are not errors (a redirect to the login)."""
    current_uow().session.rollback()


def nav_counts(user: User | None) -> dict[str, Any]:
    """Open tasks and unread notifications for the navigation; nothing before login."""
    if user is None:
        return {}
    context = current_uow().ctx
    return {"tasks": tasks.count_actionable(context, user), "unread": notifications.count_unread(context, user),
            "admin": is_admin(context.session, user)}


def arg_int(name: str, low: int = 1, high: int = 100_000) -> int | None:
    """An integer query argument within bounds, or None (a bad value is ignored, not an error page)."""
    raw = request.args.get(name, "").strip()
    if not raw.isdigit():
        return None
    value = int(raw)
    return value if low <= value <= high else None


def arg_text(name: str, limit: int = 200) -> str:
    return request.args.get(name, "").strip()[:limit]


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    total: int
    capped: bool = False  # more than `total` rows: the count stopped (Page.capped)

    @classmethod
    def of(cls, page: Page) -> Pager:
        return cls(page.page, max(1, -(-page.total // page.per_page)), page.total, page.capped)

    def url(self, number: int) -> str:
        args = request.args.to_dict()
        args["page"] = str(number)
        return request.path + "?" + "&".join(f"{k}={_quote(v)}" for k, v in args.items())


def _quote(value: str) -> str:

    return quote(value, safe="")
