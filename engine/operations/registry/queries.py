"""Reading the registry within the caller's part of the tree: search people and collectives, read one
with its awards and initiatives."""
from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import selectinload

from engine.context import Context
from engine.errors import AmbiguousPerson, Forbidden, NotFound
from engine.models import Awardee, AwardeeKind, GrantedAward, Membership, Role, RoleGrant, Unit, User
from engine.operations.access import is_admin, require_actor, visible_units
from engine.operations.paging import Page, paginate
from engine.operations.registry import identity
from engine.text import fold


def office_units(user: User) -> Select[tuple[int]]:
    """SQL: ids of the units where the user is the standing office (cơ quan thường trực), and all below."""
    held = select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id, RoleGrant.role == Role.OFFICE)
    tree = select(Unit.id).where(Unit.id.in_(held)).cte("office_unit", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def require_registry_office(ctx: Context) -> User:
    """The caller keeps the registry: a standing office somewhere, or an administrator."""
    user = require_actor(ctx.actor)
    if is_admin(ctx.session, user) or ctx.session.scalar(
            select(func.count()).where(RoleGrant.user_id == user.id, RoleGrant.role == Role.OFFICE)):
        return user
    raise Forbidden("Chỉ cơ quan thường trực (văn phòng) hoặc quản trị hệ thống được quản lý sổ theo dõi.")


def can_keep_awardee(ctx: Context, user: User, awardee: Awardee) -> bool:
    """The caller may change this record: an administrator, or the office of its unit or one above."""
    if is_admin(ctx.session, user):
        return True
    return awardee.unit_id is not None and bool(ctx.session.scalar(
        select(func.count()).where(Unit.id == awardee.unit_id, Unit.id.in_(office_units(user)))))


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
    stmt = select(Awardee).where(Awardee.merged_into_id.is_(None))
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
        .options(selectinload(Awardee.awards).selectinload(GrantedAward.decision),
                 selectinload(Awardee.awards).selectinload(GrantedAward.registry_decision),
                 selectinload(Awardee.initiatives), selectinload(Awardee.unit),
                 selectinload(Awardee.memberships).selectinload(Membership.unit), selectinload(Awardee.grades),
                 selectinload(Awardee.bars))
    ).one_or_none()
    if awardee is None or not can_see_awardee(ctx, user, awardee):
        raise NotFound(f"Không tìm thấy cá nhân, tập thể số {awardee_id}.")
    return awardee


def can_keep_registry(ctx: Context, user: User) -> bool:
    """Whether the user may import history (a standing office somewhere, or an administrator)."""
    try:
        require_registry_office(ctx.as_actor(user))
    except Forbidden:
        return False
    return True


def match_person(ctx: Context, who: identity.Identity) -> Awardee | None:
    """The nominee picker: the record `who` is, among those the caller may see (None: a new person);
    AmbiguousPerson with the candidates when several fit."""
    user = require_actor(ctx.actor)
    try:
        found = identity.match(ctx.session, who)
    except AmbiguousPerson as exc:
        seen = [c for c in exc.candidates
                if can_see_awardee(ctx, user, ctx.session.get_one(Awardee, c["id"]))]
        if len(seen) > 1:
            raise AmbiguousPerson(exc.detail, exc.errors, seen) from None
        return ctx.session.get(Awardee, seen[0]["id"]) if seen else None
    if found is not None and not can_see_awardee(ctx, user, found):
        return None
    return found
