"""Reading the audit trail and checking its chain; both for administrators only."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from engine import audit
from engine.context import Context
from engine.models import AuditEvent
from engine.operations.access import require_admin
from engine.operations.paging import Page, paginate


def list_events(ctx: Context, *, entity: str | None = None, actor: str | None = None,
                action: str | None = None, since: datetime | None = None, page: int = 1,
                per_page: int = 20) -> Page:
    """Events, newest first. `entity` is `type` or `type:id` (`human_task:12`), `actor` a username."""
    require_admin(ctx.session, ctx.actor)
    stmt = select(AuditEvent)
    if entity:
        entity_type, _, entity_id = entity.partition(":")
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
        if entity_id:
            stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor:
        stmt = stmt.where(AuditEvent.actor == actor)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if since is not None:
        stmt = stmt.where(AuditEvent.at >= since)
    return paginate(ctx.session, stmt.order_by(AuditEvent.seq.desc()), page, per_page)


def verify(ctx: Context) -> audit.ChainReport:
    """Walk the whole chain and report the first event that does not hold."""
    require_admin(ctx.session, ctx.actor)
    return audit.verify_chain(ctx)
