"""E-mail, off unless an SMTP server is configured (settings.smtp_host): each in-app notification mailed
to its user, and a daily digest of the tasks due or overdue (to those who act on them; when overdue,
also to the head of the unit). Every mail carries a signed link to unsubscribe from its kind.

Mail is sent by the worker (or `khenthuong mail …`), never inside a request: a notification is a row
first, mailed later (`notification.mailed_at`), so a rolled-back request sends nothing. The digest is
sent once a day from settings.digest_hour, remembered by its audit event.
"""
from __future__ import annotations

import hashlib
import hmac
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid

from sqlalchemy import select

from engine import audit
from engine.clock import LOCAL_TZ, local_today
from engine.config import Settings
from engine.context import Context
from engine.errors import InvalidInput
from engine.models import AuditAction, AuditEvent, HumanTask, HumanTaskState, Notification, Role, User
from engine.operations.access import users_with_role
from engine.vocabulary import MailKind

log = logging.getLogger("khenthuong.mail")
FRESH = timedelta(days=1)  # notifications older than this when mail is first turned on are not mailed
SIGNATURE = "\n\n--\nHệ thống quản lý thi đua, khen thưởng\n"


def enabled(settings: Settings) -> bool:
    return bool(settings.smtp_host.strip())


# ---- the unsubscribe link ----------------------------------------------------------------------------

def _signature(settings: Settings, user_id: int, kind: str) -> str:
    message = f"unsubscribe:{user_id}:{kind}".encode()
    return hmac.new(settings.secret_key.encode(), message, hashlib.sha256).hexdigest()[:32]


def unsubscribe_token(settings: Settings, user_id: int, kind: MailKind) -> str:
    return f"{user_id}.{kind.value}.{_signature(settings, user_id, kind.value)}"


def unsubscribe_url(settings: Settings, user_id: int, kind: MailKind) -> str:
    return f"{settings.public_url.rstrip('/')}/thu/huy-nhan/{unsubscribe_token(settings, user_id, kind)}"


def read_token(ctx: Context, token: str) -> tuple[User, MailKind]:
    """The user and the kind a link names; InvalidInput when it was not signed here."""
    parts = token.split(".")
    refused = InvalidInput("Đường dẫn hủy nhận thư không hợp lệ.", {"token": "Sai hoặc không đầy đủ."})
    if len(parts) != 3 or not parts[0].isdigit() or len(parts[0]) > 12:
        raise refused
    user_id, kind, signature = int(parts[0]), parts[1], parts[2]
    if kind not in {k.value for k in MailKind} or not hmac.compare_digest(
            signature, _signature(ctx.settings, user_id, kind)):
        raise refused
    user = ctx.session.get(User, user_id)
    if user is None:
        raise refused
    return user, MailKind(kind)


def set_subscribed(ctx: Context, user: User, kind: MailKind, subscribed: bool) -> bool:
    """Unsubscribe from (or subscribe again to) one kind of mail; whether anything changed. Audited."""
    current = set(user.mail_unsubscribed or [])
    wanted = current - {kind.value} if subscribed else current | {kind.value}
    if wanted == current:
        return False
    user.mail_unsubscribed = sorted(wanted)
    audit.record(ctx.as_actor(user), AuditAction.MAIL_SUBSCRIBED if subscribed else AuditAction.MAIL_UNSUBSCRIBED,
                 "user", user.id, after={"kind": kind.value})
    return True


def wants(user: User, kind: MailKind) -> bool:
    return bool(user.active and user.email) and kind.value not in (user.mail_unsubscribed or [])


# ---- sending ---------------------------------------------------------------------------------------

def compose(settings: Settings, user: User, kind: MailKind, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = formataddr((user.full_name, user.email or ""))
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="khenthuong")
    link = unsubscribe_url(settings, user.id, kind)
    message["List-Unsubscribe"] = f"<{link}>"
    message.set_content(f"Kính gửi {user.full_name},\n\n{body}{SIGNATURE}"
                        f"Không muốn nhận {kind.label} qua thư điện tử nữa: {link}\n", charset="utf-8")
    return message


def deliver(settings: Settings, messages: list[EmailMessage]) -> None:
    """One SMTP connection for all; raises on a refusal (the caller's transaction then rolls back)."""
    if not messages:
        return
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password)
        for message in messages:
            smtp.send_message(message)


def mail_notifications(ctx: Context, limit: int = 500) -> int:
    """Mail the notifications not yet mailed (the recent ones); how many were sent. Those whose user has
    no address or unsubscribed are marked as handled without a mail."""
    if not enabled(ctx.settings):
        return 0
    now = ctx.clock.now()
    rows = ctx.session.execute(
        select(Notification, User).join(User, User.id == Notification.user_id)
        .where(Notification.mailed_at.is_(None)).order_by(Notification.id).limit(limit)).all()
    messages = []
    for notification, user in rows:
        notification.mailed_at = now
        if notification.created_at < now - FRESH or not wants(user, MailKind.NOTIFICATION):
            continue
        link = f"{ctx.settings.public_url.rstrip('/')}/notifications"
        messages.append(compose(ctx.settings, user, MailKind.NOTIFICATION, notification.title,
                                f"{notification.body}\n\nXem trên hệ thống: {link}"))
    deliver(ctx.settings, messages)
    ctx.session.flush()
    return len(messages)


# ---- the daily digest -------------------------------------------------------------------------------

@dataclass
class Digest:
    user: User
    due: list[HumanTask] = field(default_factory=list)
    overdue: list[HumanTask] = field(default_factory=list)
    heads_of: list[HumanTask] = field(default_factory=list)  # overdue at a unit the user heads


def _line(ctx: Context, task: HumanTask) -> str:
    due = task.due_at.astimezone(LOCAL_TZ).strftime("%d/%m/%Y") if task.due_at else ""
    what = f" — hồ sơ số {task.dossier_id}" if task.dossier_id else (
        f" — đơn số {task.complaint_id}" if task.complaint_id else "")
    url = f"{ctx.settings.public_url.rstrip('/')}/tasks/{task.id}"
    return f"- {task.name}{what} ({task.unit.name}), hạn {due}: {url}"


def digests(ctx: Context) -> list[Digest]:
    """Who gets what today: tasks due today or tomorrow, and overdue ones (also to the unit's head)."""
    today = local_today(ctx.clock)
    horizon = datetime.combine(today + timedelta(days=2), time(0), LOCAL_TZ)
    start_of_today = datetime.combine(today, time(0), LOCAL_TZ)
    tasks = ctx.session.scalars(select(HumanTask).where(
        HumanTask.state == HumanTaskState.READY, HumanTask.due_at.is_not(None), HumanTask.due_at < horizon)
        .order_by(HumanTask.due_at, HumanTask.id)).all()
    by_user: dict[int, Digest] = {}

    def of(user: User) -> Digest:
        return by_user.setdefault(user.id, Digest(user))

    people: dict[tuple[str, int], list[User]] = defaultdict(list)
    for task in tasks:
        assert task.due_at is not None
        overdue = task.due_at < start_of_today
        holder = task.claimed_by_id or task.assignee_id
        if holder is not None:
            actors = [u for u in [ctx.session.get(User, holder)] if u is not None]
        else:
            key = (task.role.value, task.unit_id)
            if key not in people:
                people[key] = users_with_role(ctx, task.role, task.unit_id)
            actors = people[key]
        for user in actors:
            (of(user).overdue if overdue else of(user).due).append(task)
        if overdue:
            for head in users_with_role(ctx, Role.HEAD, task.unit_id):
                if head not in actors:
                    of(head).heads_of.append(task)
    return [d for d in by_user.values() if wants(d.user, MailKind.DIGEST)]


def digest_text(ctx: Context, digest: Digest) -> str:
    parts = []
    if digest.overdue:
        parts.append("Việc đã quá hạn:\n" + "\n".join(_line(ctx, t) for t in digest.overdue))
    if digest.due:
        parts.append("Việc đến hạn hôm nay hoặc ngày mai:\n" + "\n".join(_line(ctx, t) for t in digest.due))
    if digest.heads_of:
        parts.append("Việc quá hạn tại đơn vị do đồng chí phụ trách:\n"
                     + "\n".join(_line(ctx, t) for t in digest.heads_of))
    return "\n\n".join(parts)


def sent_today(ctx: Context) -> bool:
    today = local_today(ctx.clock)
    since = datetime.combine(today, time(0), LOCAL_TZ)
    return ctx.session.scalar(select(AuditEvent.seq).where(
        AuditEvent.action == AuditAction.DIGEST_SENT, AuditEvent.at >= since).limit(1)) is not None


def send_digest(ctx: Context, *, force: bool = False) -> int:
    """The day's digest, once a day (unless `force`); how many mails were sent. Audited (who got one)."""
    if not enabled(ctx.settings) or (not force and sent_today(ctx)):
        return 0
    day = local_today(ctx.clock).strftime("%d/%m/%Y")
    found = [d for d in digests(ctx) if d.due or d.overdue or d.heads_of]
    messages = []
    for digest in found:
        late = len(digest.overdue) + len(digest.heads_of)
        subject = (f"Việc đến hạn, quá hạn ngày {day}: {late} việc quá hạn, {len(digest.due)} việc đến hạn"
                   if late else f"Việc đến hạn ngày {day}: {len(digest.due)} việc")
        messages.append(compose(ctx.settings, digest.user, MailKind.DIGEST, subject, digest_text(ctx, digest)))
    deliver(ctx.settings, messages)
    audit.record(ctx, AuditAction.DIGEST_SENT, "mail", None,
                 after={"day": day, "recipients": sorted(d.user.username for d in found)})
    return len(messages)


def digest_due(ctx: Context) -> bool:
    """Whether the worker should send the digest now: from settings.digest_hour, once a day."""
    local_hour = ctx.clock.now().astimezone(LOCAL_TZ).hour
    return enabled(ctx.settings) and local_hour >= ctx.settings.digest_hour and not sent_today(ctx)
