"""Extending the registry as nominations and decisions need: find or create the awardee, record an
award, mark an initiative used."""
from __future__ import annotations

import unicodedata

from sqlalchemy import exists, select, update

from engine import audit
from engine.context import Context
from engine.errors import Conflict, InvalidInput, NotFound
from engine.models import (
    Awardee,
    AwardeeKind,
    DossierKind,
    GrantedAward,
    Initiative,
    Nomination,
)
from engine.operations.registry.queries import can_see_awardee
from engine.rules.eligibility import initiative_relied_on
from engine.text import fold
from engine.vocabulary import AuditAction

# ---- who sees whom ------------------------------------------------------------------------------------



# ---- reading ---------------------------------------------------------------------------------------------


# ---- extending -------------------------------------------------------------------------------------------

def _same_name(name: str) -> str:
    """Names compared exactly but for case, spacing and Unicode form: `Tươi` and `Tuổi` stay different."""
    return " ".join(unicodedata.normalize("NFC", name).split()).casefold()


def find_or_create_awardee(ctx: Context, kind: AwardeeKind | str, name: str, unit_id: int | None,
                           position: str | None = None, person_id: int | None = None) -> Awardee:
    """The registry entry a nomination names: the one given by `person_id`, else the only one of that
    kind and name in that unit, else a new entry. Several namesakes in the unit: the caller must choose."""
    kind = AwardeeKind(kind)
    if person_id is not None:
        awardee = ctx.session.get(Awardee, person_id)
        if awardee is None or (ctx.actor is not None and not can_see_awardee(ctx, ctx.actor, awardee)):
            raise NotFound(f"Không tìm thấy cá nhân, tập thể số {person_id}.")
        if awardee.kind != kind:
            raise InvalidInput(f"'{awardee.name}' trong sổ theo dõi là {awardee.kind.label}, "
                               f"không phải {kind.label}.", {"person_id": "Không đúng loại đối tượng."})
        return awardee
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Cần tên cá nhân hoặc tập thể được đề nghị.", {"name": "Bắt buộc nhập."})
    candidates = ctx.session.scalars(
        select(Awardee).where(Awardee.kind == kind, Awardee.name_folded == fold(name),
                              Awardee.unit_id.is_(None) if unit_id is None else Awardee.unit_id == unit_id)
        .order_by(Awardee.id)
    ).all()
    namesakes = [a for a in candidates if _same_name(a.name) == _same_name(name)]
    if len(namesakes) == 1:
        return namesakes[0]
    if namesakes:
        codes = ", ".join(a.code or f"số {a.id}" for a in namesakes)
        raise InvalidInput(f"Đơn vị có {len(namesakes)} {kind.label} tên '{name}' ({codes}); "
                           "hãy chọn đúng người trong sổ theo dõi (person_id).",
                           {"person_id": "Cần chọn một người trong sổ theo dõi."})
    awardee = Awardee(kind=kind, name=name, name_folded=fold(name), position=position, unit_id=unit_id,
                      created_at=ctx.clock.now())
    ctx.session.add(awardee)
    ctx.session.flush()
    audit.record(ctx, AuditAction.AWARDEE_CREATED, "awardee", awardee.id, unit_id=unit_id,
                 after={"kind": kind.value, "name": name, "position": position, "unit_id": unit_id})
    return awardee


def record_award(ctx: Context, awardee: Awardee, award_type: str, year: int, dossier_kind: DossierKind | str,
                 decision_id: int | None, nomination_id: int | None) -> GrantedAward:
    """Write an award granted by a decision into the registry (at most once per nomination)."""
    if nomination_id is not None and ctx.session.scalar(select(exists().where(
            GrantedAward.nomination_id == nomination_id, GrantedAward.revoked_at.is_(None)))):
        raise Conflict(f"Khen thưởng của đề nghị số {nomination_id} đã được ghi vào sổ theo dõi.")
    nomination = ctx.session.get(Nomination, nomination_id) if nomination_id is not None else None
    award = GrantedAward(awardee_id=awardee.id, award_type=award_type, year=year,
                         dossier_kind=DossierKind(dossier_kind), decision_id=decision_id,
                         nomination_id=nomination_id, created_at=ctx.clock.now())
    ctx.session.add(award)
    ctx.session.flush()
    audit.record(ctx, AuditAction.AWARD_RECORDED, "granted_award", award.id, unit_id=awardee.unit_id,
                 dossier_id=nomination.dossier_id if nomination is not None else None,
                 after={"awardee_id": awardee.id, "award_type": award_type, "year": year,
                        "kind": award.dossier_kind, "decision_id": decision_id, "nomination_id": nomination_id})
    return award


def use_initiative_relied_on(ctx: Context, nomination: Nomination, year: int) -> None:
    """When the award is granted: the initiative the title rests on is used, once and for all."""
    initiative_id = initiative_relied_on(ctx.session, nomination, year=year)
    initiative = ctx.session.get(Initiative, initiative_id) if initiative_id is not None else None
    if initiative is not None:
        mark_initiative_used(ctx, initiative, nomination.id)


def mark_initiative_used(ctx: Context, initiative: Initiative, nomination_id: int) -> None:
    """Tie an initiative to the one nomination it serves. Conflict when another already uses it; marking
    it again for the same nomination changes nothing. Safe under concurrency (a conditional update)."""
    if initiative.used_by_nomination_id == nomination_id:
        return
    taken = ctx.session.execute(
        update(Initiative).where(Initiative.id == initiative.id, Initiative.used_by_nomination_id.is_(None))
        .values(used_by_nomination_id=nomination_id).execution_options(synchronize_session=False)
    )
    ctx.session.refresh(initiative)
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(f"Sáng kiến '{initiative.title}' đã được dùng cho đề nghị số "
                       f"{initiative.used_by_nomination_id}; mỗi sáng kiến chỉ được dùng một lần.")
    nomination = ctx.session.get(Nomination, nomination_id)
    awardee = ctx.session.get(Awardee, initiative.awardee_id)
    audit.record(ctx, AuditAction.INITIATIVE_USED, "initiative", initiative.id,
                 unit_id=awardee.unit_id if awardee is not None else None,
                 dossier_id=nomination.dossier_id if nomination is not None else None,
                 before={"used_by_nomination_id": None}, after={"used_by_nomination_id": nomination_id})
