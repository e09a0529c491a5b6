"""Where a dossier goes: the reviewing units above the proposer and each nomination's deciding unit.

Routing is data: the deciding level of an award type comes from the catalogue in force for the
dossier; the unit at that level comes from the org tree.
"""
from __future__ import annotations

from sqlalchemy import select

from engine.context import Context
from engine.errors import InvalidInput, NotFound
from engine.models import Dossier, Nomination, NominationStatus, Unit, UnitLevel, User
from engine.models.org import RoleGrant

# The levels of the tree that decide each deciding level of the catalogue.
DECIDING_LEVELS: dict[str, set[UnitLevel] | None] = {
    "grassroots": None,  # the first reviewing unit above the proposer (unit head or commune)
    "province": {UnitLevel.PROVINCE, UnitLevel.MINISTRY},
    "prime_minister": {UnitLevel.CENTRAL},
    "president": {UnitLevel.STATE},
}


def reviewing_ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit` that review awards, nearest first."""
    return [u for u in unit.ancestors() if u.reviews_awards]


def deciding_unit(proposing_unit: Unit, deciding_level: str) -> Unit | None:
    """The unit competent for an award; None when it lies beyond this organisation tree."""
    reviewers = reviewing_ancestors(proposing_unit)
    wanted = DECIDING_LEVELS[deciding_level]
    if wanted is None:
        return reviewers[0] if reviewers else None
    return next((u for u in reviewers if u.level in wanted), None)


def next_reviewing_unit(dossier: Dossier, current: Unit | None) -> Unit | None:
    reviewers = reviewing_ancestors(unit_of(dossier.proposing_unit_id, dossier))
    if current is None:
        return reviewers[0] if reviewers else None
    ids = [u.id for u in reviewers]
    position = ids.index(current.id) if current.id in ids else -1
    return reviewers[position + 1] if 0 <= position < len(reviewers) - 1 else None


def unit_of(unit_id: int, anchor: object) -> Unit:
    from sqlalchemy.orm import object_session

    session = object_session(anchor)
    unit = session.get(Unit, unit_id) if session else None
    if unit is None:
        raise NotFound(f"Không có đơn vị số {unit_id}.")
    return unit


def load_dossier(ctx: Context, dossier_id: int) -> Dossier:
    dossier = ctx.session.get(Dossier, int(dossier_id))
    if dossier is None:
        raise NotFound(f"Không có hồ sơ số {dossier_id}.")
    return dossier


def open_nominations(dossier: Dossier) -> list[Nomination]:
    """Nominations under review at the current level (frozen ones included)."""
    return [n for n in dossier.nominations if n.status in (NominationStatus.PENDING, NominationStatus.FROZEN)]


def users_with_role(ctx: Context, role: str, unit_id: int) -> list[User]:
    return list(ctx.session.scalars(
        select(User).join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.role == role, RoleGrant.unit_id == unit_id, User.active.is_(True))
        .order_by(User.id)
    ))


def require_route(dossier: Dossier) -> Unit:
    first = next_reviewing_unit(dossier, None)
    if first is None:
        raise InvalidInput("Không có cấp xét duyệt khen thưởng phía trên đơn vị đề nghị.",
                           {"proposing_unit": "Đơn vị không có cấp trên xét duyệt khen thưởng."})
    return first
