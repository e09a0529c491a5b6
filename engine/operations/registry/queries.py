"""Reading the registry within the caller's part of the tree: search people and collectives, read one
with its awards and initiatives."""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from engine.context import Context
from engine.errors import NotFound
from engine.models import Awardee, AwardeeKind, GrantedAward, Unit, User
from engine.operations.access import is_admin, require_actor, visible_units
from engine.operations.paging import Page, paginate
from engine.text import fold


def can_see_awardee(ctx: Context, user: User, awardee: Awardee) -> bool:
    if is_admin(ctx.session, user):
        return True
    if awardee.unit_id is None:
        return False
    return bool(ctx.session.scalar(
        select(func.count()).where(Unit.id == awardee.unit_id, Unit.id.in_(visible_units(user)))
    ))


def _units_below(unit_id: int) -> Select[tuple[int]]:
    tree = select(Unit.id).where(Unit.id == unit_id).cte("unit_below", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def list_awardees(ctx: Context, *, q: str | None = None, unit: int | None = None,
                  kind: AwardeeKind | str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """People and collectives the caller may see, by name. `q` matches the name ignoring case and
    Vietnamese diacritics (or the code); `unit` keeps those of that unit and the units below it."""
    user = require_actor(ctx.actor)
    stmt = select(Awardee)
    if not is_admin(ctx.session, user):
        stmt = stmt.where(Awardee.unit_id.in_(visible_units(user)))
    if unit is not None:
        stmt = stmt.where(Awardee.unit_id.in_(_units_below(unit)))
    if kind is not None:
        stmt = stmt.where(Awardee.kind == AwardeeKind(kind))
    needle = fold(q or "")
    if needle:
        stmt = stmt.where(Awardee.name_folded.contains(needle, autoescape=True)
                          | func.lower(Awardee.code).contains(needle, autoescape=True))
    stmt = stmt.order_by(Awardee.name_folded, Awardee.id).options(selectinload(Awardee.unit))
    return paginate(ctx.session, stmt, page, per_page)


def get_awardee(ctx: Context, awardee_id: int) -> Awardee:
    """One person or collective with awards and initiatives; NotFound also when the caller may not see it."""
    user = require_actor(ctx.actor)
    awardee = ctx.session.scalars(
        select(Awardee).where(Awardee.id == awardee_id)
        .options(selectinload(Awardee.awards).selectinload(GrantedAward.decision), selectinload(Awardee.initiatives),
                 selectinload(Awardee.unit))
    ).one_or_none()
    if awardee is None or not can_see_awardee(ctx, user, awardee):
        raise NotFound(f"Không tìm thấy cá nhân, tập thể số {awardee_id}.")
    return awardee
