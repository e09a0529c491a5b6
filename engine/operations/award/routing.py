"""Where a dossier goes: the reviewing units above the proposer and each nomination's deciding unit.

Routing is data: the deciding level of an award type comes from the catalogue in force for the
dossier; the unit at that level comes from the org tree.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import object_session

from engine import audit
from engine.context import Context
from engine.errors import InvalidInput, NotFound
from engine.models import Dossier, DossierStatus, Unit, UnitLevel
from engine.operations.award.queries import open_nominations, reviewing_ancestors
from engine.rules import DecidingLevel
from engine.vocabulary import AuditAction

# The levels of the tree that decide each deciding level of the catalogue.
DECIDING_LEVELS: dict[DecidingLevel, set[UnitLevel] | None] = {
    DecidingLevel.GRASSROOTS: None,  # the first reviewing unit above the proposer (unit head or commune)
    DecidingLevel.PROVINCE: {UnitLevel.PROVINCE, UnitLevel.MINISTRY},
    DecidingLevel.PRIME_MINISTER: {UnitLevel.CENTRAL},
    DecidingLevel.PRESIDENT: {UnitLevel.STATE},
}



def deciding_unit(proposing_unit: Unit, deciding_level: DecidingLevel,
                  may_decide: Callable[[Unit], bool] = lambda _unit: True) -> Unit | None:
    """The unit competent for an award; None when it lies beyond this organisation tree. A grassroots
    award goes to the first reviewing unit above the proposer that `may_decide` it (the rules version's
    authority: from 01/01/2024 to 30/06/2025 a commune decided only LDTT, Giấy khen and Gia đình văn hóa)."""
    reviewers = reviewing_ancestors(proposing_unit)
    wanted = DECIDING_LEVELS[deciding_level]
    if wanted is None:
        return next((u for u in reviewers if may_decide(u)), None)
    return next((u for u in reviewers if u.level in wanted and may_decide(u)), None)


def next_reviewing_unit(dossier: Dossier, current: Unit | None) -> Unit | None:
    reviewers = reviewing_ancestors(unit_of(dossier.proposing_unit_id, dossier))
    if current is None:
        return reviewers[0] if reviewers else None
    ids = [u.id for u in reviewers]
    position = ids.index(current.id) if current.id in ids else -1
    return reviewers[position + 1] if 0 <= position < len(reviewers) - 1 else None


def unit_of(unit_id: int, anchor: object) -> Unit:
    session = object_session(anchor)
    unit = session.get(Unit, unit_id) if session else None
    if unit is None:
        raise NotFound(f"Không có đơn vị số {unit_id}.")
    return unit




def require_route(dossier: Dossier) -> Unit:
    first = next_reviewing_unit(dossier, None)
    if first is None:
        raise InvalidInput("Không có cấp xét duyệt khen thưởng phía trên đơn vị đề nghị.",
                           {"proposing_unit": "Đơn vị không có cấp trên xét duyệt khen thưởng."})
    return first


def dossier_event(ctx: Context, action: AuditAction, dossier: Dossier, after: dict[str, Any],
                  unit_id: int | None = None, reason: str | None = None) -> None:
    audit.record(ctx, action, "dossier", dossier.id, after=after, reason=reason, unit_id=unit_id,
                 dossier_id=dossier.id)


def enter_level(ctx: Context, dossier: Dossier, unit: Unit) -> None:
    dossier.reviewing_unit_id = unit.id
    dossier.status = DossierStatus.IN_REVIEW
    dossier.received_on = dossier.result_due_on = None
    dossier.overdue = False
    dossier.updated_at = ctx.clock.now()
    dossier_event(ctx, AuditAction.DOSSIER_ROUTED, dossier, {"reviewing_unit": unit.code,
                                                   "nominations": [n.id for n in open_nominations(dossier)]},
                  unit_id=unit.id)
