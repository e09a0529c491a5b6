"""Extending the registry as nominations and decisions need: find or create the awardee, record an
award, mark an initiative used."""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select, update

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Awardee,
    AwardeeKind,
    DossierKind,
    GrantedAward,
    Initiative,
    Membership,
    Nomination,
    RegistryBar,
)
from engine.operations.access import require_actor
from engine.operations.registry import identity
from engine.operations.registry.inputs import BarInput, IdentityInput, LiftInput
from engine.operations.registry.queries import can_keep_awardee, can_see_awardee
from engine.rules import load_layers, load_rules
from engine.rules.eligibility import eligibility_for, initiative_relied_on
from engine.text import fold
from engine.vocabulary import AuditAction, Gender

# ---- extending -------------------------------------------------------------------------------------------

def find_or_create_awardee(ctx: Context, kind: AwardeeKind | str, name: str, unit_id: int | None,
                           position: str | None = None, person_id: int | None = None, *,
                           birth_date: date | None = None, national_id_hash: str | None = None,
                           gender: Gender | None = None, pool: identity.Pool | None = None) -> Awardee:
    """The registry entry a nomination names: the one given by `person_id`, else the one the identity
    rules find (engine/operations/registry/identity.py: name, birth date, national ID hash, the unit's
    members over time), else a new entry with a membership in the unit. Several namesakes that
    nothing tells apart: AmbiguousPerson with the candidates; the caller must choose. `pool`: the
    candidates loaded once for many names (`identity.Pool.load`); a new entry joins it."""
    kind = AwardeeKind(kind)
    if person_id is not None:
        awardee = ctx.session.get(Awardee, person_id)
        if awardee is None or (ctx.actor is not None and not can_see_awardee(ctx, ctx.actor, awardee)):
            raise NotFound(f"Không tìm thấy cá nhân, tập thể số {person_id}.")
        if awardee.merged_into_id is not None:
            raise InvalidInput(f"'{awardee.name}' (số {awardee.id}) đã được gộp vào hồ sơ số "
                               f"{awardee.merged_into_id}.", {"person_id": "Hãy chọn hồ sơ được giữ lại."})
        if awardee.kind != kind:
            raise InvalidInput(f"'{awardee.name}' trong sổ theo dõi là {awardee.kind.label}, "
                               f"không phải {kind.label}.", {"person_id": "Không đúng loại đối tượng."})
        return awardee
    name = " ".join(name.split())
    if not name:
        raise InvalidInput("Cần tên cá nhân hoặc tập thể được đề nghị.", {"name": "Bắt buộc nhập."})
    who = identity.Identity(kind, name, unit_id, birth_date, national_id_hash)
    found = pool.match(who) if pool is not None else identity.match(ctx.session, who)
    if found is not None:
        return found
    now = ctx.clock.now()
    awardee = Awardee(kind=kind, name=name, name_folded=fold(name), position=position, unit_id=unit_id,
                      birth_date=birth_date, gender=gender, national_id_hash=national_id_hash, created_at=now)
    ctx.session.add(awardee)
    ctx.session.flush()
    if unit_id is not None:
        ctx.session.add(Membership(awardee_id=awardee.id, unit_id=unit_id, position=position, created_at=now))
    if pool is not None:
        pool.add(awardee, {unit_id} if unit_id is not None else set())
    after: dict[str, object] = {"kind": kind.value, "name": name, "position": position, "unit_id": unit_id}
    if birth_date is not None:
        after["birth_date"] = birth_date.isoformat()
    if gender is not None:
        after["gender"] = gender.value
    if national_id_hash is not None:
        after["national_id_hash"] = national_id_hash
    audit.record(ctx, AuditAction.AWARDEE_CREATED, "awardee", awardee.id, unit_id=unit_id, after=after)
    return awardee


def set_identity(ctx: Context, awardee_id: int, given: IdentityInput) -> Awardee:
    """Record what tells a person apart; a national ID number is kept only as its keyed hash (a blank
    leaves the one held). Another live record holding the same number: Conflict (merge them instead)."""
    user = require_actor(ctx.actor)
    awardee = ctx.session.get(Awardee, awardee_id)
    if awardee is None or awardee.merged_into_id is not None or not can_see_awardee(ctx, user, awardee):
        raise NotFound(f"Không tìm thấy cá nhân, tập thể số {awardee_id}.")
    if not can_keep_awardee(ctx, user, awardee):
        raise Forbidden("Chỉ cơ quan thường trực của đơn vị hoặc cấp trên được sửa thông tin trong sổ theo dõi.")
    birth_date, gender = given.birth_date, given.gender
    hashed = identity.hash_national_id(ctx.settings, given.national_id)
    if hashed is not None:
        other = ctx.session.scalar(select(Awardee).where(Awardee.national_id_hash == hashed, Awardee.id != awardee.id,
                                                         Awardee.merged_into_id.is_(None)))
        if other is not None:
            raise Conflict(f"Số CCCD này đã gắn với hồ sơ số {other.id} ({other.name}); nếu là một người, hãy gộp "
                           "hai hồ sơ.", {"national_id": "Đã gắn với một hồ sơ khác."})
    before = {"birth_date": awardee.birth_date.isoformat() if awardee.birth_date else None,
              "gender": awardee.gender.value if awardee.gender else None,
              "national_id_hash": awardee.national_id_hash}
    awardee.birth_date, awardee.gender = birth_date, gender
    awardee.national_id_hash = hashed or awardee.national_id_hash
    after = {"birth_date": birth_date.isoformat() if birth_date else None,
             "gender": gender.value if gender else None, "national_id_hash": awardee.national_id_hash}
    if after != before:
        ctx.session.flush()
        audit.record(ctx, AuditAction.AWARDEE_UPDATED, "awardee", awardee.id, unit_id=awardee.unit_id,
                     before=before, after=after)
    return awardee


def join_unit(ctx: Context, awardee: Awardee, unit_id: int, on: date | None,
              position: str | None = None) -> Membership | None:
    """`awardee` is a member of `unit_id` from `on` (None: since a date not known): the open membership
    elsewhere ends the day before, and the current unit follows. Nothing when already a member there."""
    current = ctx.session.scalars(select(Membership).where(Membership.awardee_id == awardee.id,
                                                           Membership.to_date.is_(None))).all()
    if any(m.unit_id == unit_id for m in current):
        return None
    for membership in current:
        membership.to_date = (on - timedelta(days=1)) if on is not None else local_today(ctx.clock)
    membership = Membership(awardee_id=awardee.id, unit_id=unit_id, from_date=on, position=position,
                            created_at=ctx.clock.now())
    ctx.session.add(membership)
    awardee.unit_id = unit_id
    ctx.session.flush()
    audit.record(ctx, AuditAction.MEMBERSHIP_RECORDED, "awardee", awardee.id, unit_id=unit_id,
                 before={"units": [m.unit_id for m in current]},
                 after={"unit_id": unit_id, "from": on.isoformat() if on else None})
    return membership


def record_award(ctx: Context, awardee: Awardee, award_type: str, year: int, dossier_kind: DossierKind | str,
                 decision_id: int | None, nomination_id: int | None) -> GrantedAward:
    """Write an award granted by a decision into the registry (at most once per nomination)."""
    nomination = ctx.session.get(Nomination, nomination_id) if nomination_id is not None else None
    return record_awards(ctx, [(awardee, award_type, year, dossier_kind, decision_id, nomination)])[0]


def record_awards(ctx: Context, awards: list[tuple[Awardee, str, int, DossierKind | str, int | None,
                                                   Nomination | None]]) -> list[GrantedAward]:
    """`record_award` for many at once (a round's decision): (awardee, award type, year, dossier kind,
    decision id, nomination) each; one check that no nomination has its award recorded already, one flush."""
    ids = [n.id for *_, n in awards if n is not None]
    for i in range(0, len(ids), 500):
        taken = ctx.session.scalar(select(GrantedAward.nomination_id).where(
            GrantedAward.nomination_id.in_(ids[i:i + 500]), GrantedAward.revoked_at.is_(None)).limit(1))
        if taken is not None:
            raise Conflict(f"Khen thưởng của đề nghị số {taken} đã được ghi vào sổ theo dõi.")
    now = ctx.clock.now()
    granted = [GrantedAward(awardee_id=awardee.id, award_type=award_type, year=year,
                            dossier_kind=DossierKind(dossier_kind), decision_id=decision_id,
                            nomination_id=nomination.id if nomination is not None else None, created_at=now)
               for awardee, award_type, year, dossier_kind, decision_id, nomination in awards]
    ctx.session.add_all(granted)
    ctx.session.flush()
    for award, (awardee, *_, nomination) in zip(granted, awards, strict=True):
        audit.record(ctx, AuditAction.AWARD_RECORDED, "granted_award", award.id, unit_id=awardee.unit_id,
                     dossier_id=nomination.dossier_id if nomination is not None else None,
                     after={"awardee_id": awardee.id, "award_type": award.award_type, "year": award.year,
                            "kind": award.dossier_kind, "decision_id": award.decision_id,
                            "nomination_id": award.nomination_id})
    return granted


def use_initiative_relied_on(ctx: Context, nomination: Nomination, year: int) -> None:
    """When the award is granted: the initiative the title rests on is used, once and for all."""
    rules = eligibility_for(nomination.dossier, load_rules(ctx.settings.rules_dir)[0],
                            load_layers(ctx.settings.rules_dir))
    initiative_id = initiative_relied_on(ctx.session, nomination, year=year, rules=rules)
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


def _kept_awardee(ctx: Context, awardee_id: int) -> tuple[Awardee, int]:
    user = require_actor(ctx.actor)
    awardee = ctx.session.get(Awardee, awardee_id)
    if awardee is None or awardee.merged_into_id is not None or not can_see_awardee(ctx, user, awardee):
        raise NotFound(f"Không tìm thấy cá nhân, tập thể số {awardee_id}.")
    if not can_keep_awardee(ctx, user, awardee):
        raise Forbidden("Chỉ cơ quan thường trực của đơn vị hoặc cấp trên được ghi trường hợp chưa được đề nghị "
                        "khen thưởng.")
    return awardee, user.id


def _bar_record(bar: RegistryBar) -> dict[str, object]:
    return {"reason": bar.reason.value, "from_date": bar.from_date.isoformat(), "note": bar.note,
            "lifted_on": bar.lifted_on.isoformat() if bar.lifted_on else None, "lift_note": bar.lift_note}


def set_bar(ctx: Context, awardee_id: int, given: BarInput) -> RegistryBar:
    """Flag a person or collective as not to be proposed from `from_date` (NĐ 98/2023 Art. 4(4)): the
    pre-check reads it. Audited."""
    awardee, user_id = _kept_awardee(ctx, awardee_id)
    bar = RegistryBar(awardee_id=awardee.id, reason=given.reason, from_date=given.from_date, note=given.note,
                      set_by_id=user_id, set_at=ctx.clock.now())
    ctx.session.add(bar)
    ctx.session.flush()
    audit.record(ctx, AuditAction.AWARDEE_BARRED, "registry_bar", bar.id, unit_id=awardee.unit_id,
                 after={"awardee_id": awardee.id, **_bar_record(bar)})
    return bar


def lift_bar(ctx: Context, awardee_id: int, bar_id: int, given: LiftInput) -> RegistryBar:
    """Lift a flag from `lifted_on`, with the reason; 409 when already lifted, 422 before it was set."""
    awardee, user_id = _kept_awardee(ctx, awardee_id)
    bar = ctx.session.get(RegistryBar, bar_id)
    if bar is None or bar.awardee_id != awardee.id:
        raise NotFound(f"Không có trường hợp số {bar_id} của {awardee.name}.")
    if bar.lifted_on is not None:
        raise Conflict(f"Trường hợp này đã được bỏ ghi từ ngày {bar.lifted_on:%d/%m/%Y}.")
    if given.lifted_on < bar.from_date:
        raise InvalidInput("Ngày bỏ ghi trước ngày ghi.", {
            "lifted_on": f"Không được trước ngày {bar.from_date:%d/%m/%Y}."})
    before = _bar_record(bar)
    bar.lifted_on, bar.lift_note = given.lifted_on, given.note
    bar.lifted_by_id, bar.lifted_at = user_id, ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.AWARDEE_BAR_LIFTED, "registry_bar", bar.id, unit_id=awardee.unit_id,
                 before=before, after=_bar_record(bar))
    return bar
