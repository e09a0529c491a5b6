"""The inbox (my tasks, grouped by due date, overdue first) and my notifications."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.web.common import PER_PAGE, Pager, arg_int, ctx, me, render
from engine.clock import local_today
from engine.operations import notifications as notes
from engine.operations import tasks
from engine.operations.award import queries as dossier_access
from engine.operations.complaints.queries import cases_of_tasks
from engine.operations.public.queries import comment_counts

bp = Blueprint("inbox", __name__)
SOON_DAYS = 7


@dataclass
class Group:
    key: str
    title: str
    rows: list[tasks.TaskRow] = field(default_factory=list)


def _group_of(row: tasks.TaskRow, today: date) -> str:
    if row.due_on is None:
        return "none"
    if row.due_on < today:
        return "overdue"
    if row.due_on == today:
        return "today"
    return "soon" if row.due_on <= today + timedelta(days=SOON_DAYS) else "later"


@bp.route("/inbox")
def inbox() -> tuple[str, int]:
    context = ctx()
    today = local_today(context.clock)
    mine = request.args.get("mine") == "1"
    page = tasks.list_tasks(context, mine=mine, page=arg_int("page") or 1, per_page=200)
    groups = {key: Group(key, title) for key, title in (
        ("overdue", "Quá hạn"), ("today", "Đến hạn hôm nay"), ("soon", f"Đến hạn trong {SOON_DAYS} ngày tới"),
        ("later", "Còn thời gian"), ("none", "Không có hạn"))}
    for row in tasks.task_rows(context, page.items):
        groups[_group_of(row, today)].rows.append(row)
    user = me()
    proposes = bool(dossier_access.proposer_units(context.session, user))
    drafts = dossier_access.drafts_waiting(context.session, user) if proposes else []
    return render("web/inbox.html", groups=[g for g in groups.values() if g.rows], total=page.total, mine=mine,
                  cases=cases_of_tasks(context, page.items), comments=comment_counts(context, page.items),
                  proposes=proposes, drafts=drafts,
                  pager=Pager.of(page), today=today)


@bp.route("/notifications")
def notifications() -> tuple[str, int]:
    unread = request.args.get("unread") == "1"
    page = notes.list_notifications(ctx(), unread_only=unread, page=arg_int("page") or 1, per_page=PER_PAGE)
    return render("web/notifications.html", items=page.items, pager=Pager.of(page), unread=unread)


@bp.route("/notifications/<id:notification_id>/read", methods=["POST"])
def mark_read(notification_id: int) -> Response:
    notes.mark_read(ctx(), notification_id)
    return redirect(request.referrer or url_for(".notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
def mark_all_read() -> Response:
    context = ctx()
    for notification in notes.list_notifications(context, unread_only=True, per_page=200).items:
        notes.mark_read(context, notification.id)
    flash("Đã đánh dấu tất cả thông báo là đã đọc.", "info")
    return redirect(url_for(".notifications"))
