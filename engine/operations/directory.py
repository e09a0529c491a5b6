"""Reading the organisation: units with diacritic-insensitive search, the units within a user's
reach, a user by name, and the roles a user holds."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.models import Council, CouncilMember, Role, RoleGrant, Unit, UnitLevel, User
from engine.operations.access import require_actor, visible_units
from engine.operations.paging import Page, paginate
from engine.text import fold


def list_units(ctx: Context, *, parent_id: int | None = None, level: UnitLevel | str | None = None,
               q: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Units ordered by code. `q` matches code or name ignoring case and Vietnamese diacritics.

    The unit tree is small (thousands of rows at most) and SQLite has no unaccent, so a search
    folds in Python rather than in SQL.
    """
    require_actor(ctx.actor)
    stmt = select(Unit)
    if parent_id is not None:
        stmt = stmt.where(Unit.parent_id == parent_id)
    if level is not None:
        stmt = stmt.where(Unit.level == UnitLevel(level))
    stmt = stmt.order_by(Unit.code)
    needle = fold(q or "")
    if not needle:
        return paginate(ctx.session, stmt, page, per_page)
    found = [u for u in ctx.session.scalars(stmt) if needle in fold(u.code) or needle in fold(u.name)]
    return Page(found[(page - 1) * per_page: page * per_page], len(found), page, per_page)


def units_within_reach(ctx: Context) -> list[Unit]:
    """The units where the caller holds a role and all below them, by code (a list's unit filter)."""
    user = require_actor(ctx.actor)
    return list(ctx.session.scalars(select(Unit).where(Unit.id.in_(visible_units(user))).order_by(Unit.code)))


def user_named(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


@dataclass(frozen=True)
class HeldRole:
    role: Role
    unit: Unit


def roles_of(ctx: Context, user: User) -> list[HeldRole]:
    """Every role the user holds, council membership counted as the council role at its unit."""
    held: dict[tuple[Role, int], HeldRole] = {}
    for grant in ctx.session.scalars(select(RoleGrant).where(RoleGrant.user_id == user.id)):
        held[(grant.role, grant.unit_id)] = HeldRole(grant.role, grant.unit)
    councils = ctx.session.scalars(
        select(Council).join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.user_id == user.id)
    )
    for council in councils:
        held.setdefault((Role.COUNCIL, council.unit_id), HeldRole(Role.COUNCIL, council.unit))
    return sorted(held.values(), key=lambda h: (h.unit.code, list(Role).index(h.role)))
