"""Reading the audit trail and checking its chain (both for administrators only), and the rows the
events of a trail already shown refer to."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import anchor
from engine.context import Context
from engine.models import AuditEvent, Decision, HumanTask, Nomination, Unit, User
from engine.operations.access import require_admin
from engine.operations.paging import Page, paginate
from engine.operations.readmodels import by_id

# The entity types whose rows a reader names (a task's name, a nominee, a decision's number).
ENTITY_MODELS: dict[str, type[Any]] = {"human_task": HumanTask, "nomination": Nomination, "decision": Decision}
UNIT_FIELDS = ("reviewing_unit",)  # fields of `after` that name a unit by its code


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


def verify(ctx: Context) -> anchor.AnchorReport:
    """The check a request may run: the chain against its signed checkpoints, then the events after the
    last one (never the whole chain: `khenthuong audit verify` walks it, and its last result is shown)."""
    require_admin(ctx.session, ctx.actor)
    return anchor.verify_ctx(ctx)


@dataclass(frozen=True)
class Referents:
    """The rows a list of events refers to: entities by (model, id), actors by id, units by code."""

    entities: dict[tuple[type[Any], int], Any]
    users: dict[int, User]
    units: dict[str, Unit]


def referents(session: Session, events: Sequence[AuditEvent]) -> Referents:
    """What `events` (already read by someone allowed to) refer to, in one query per kind of row."""
    entities: dict[tuple[type[Any], int], Any] = {}
    for entity_type, model in ENTITY_MODELS.items():
        ids = {int(e.entity_id) for e in events
               if e.entity_type == entity_type and e.entity_id is not None and e.entity_id.isdigit()}
        entities.update(((model, key), row) for key, row in by_id(session, model, ids).items())
    codes = {str(e.after[f]) for e in events if isinstance(e.after, dict) for f in UNIT_FIELDS if e.after.get(f)}
    units = {u.code: u for u in session.scalars(select(Unit).where(Unit.code.in_(codes)))} if codes else {}
    return Referents(entities, by_id(session, User, (e.actor_id for e in events)), units)
