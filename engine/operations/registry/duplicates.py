"""Likely duplicates in the registry (same kind, same folded name, same birth date, two live records)
and their merge: every row of the duplicate's history moves to the record kept, and the merge keeps the
list of what it moved, so that undoing it restores both records and their histories exactly."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import aliased, selectinload

from engine import audit
from engine.context import Context
from engine.errors import Conflict, Forbidden, NotFound
from engine.models import (
    Awardee,
    AwardeeMerge,
    Gender,
    GrantedAward,
    Initiative,
    Membership,
    Nomination,
    Unit,
    YearlyGrade,
)
from engine.operations.access import is_admin
from engine.operations.registry.queries import can_keep_awardee, office_units, require_registry_office
from engine.vocabulary import AuditAction

MAX_PAIRS = 500
# What a merge moves: the model and its column naming the awardee.
_HISTORY: dict[str, Any] = {"granted_award": GrantedAward, "initiative": Initiative, "yearly_grade": YearlyGrade,
                            "awardee_membership": Membership, "nomination": Nomination}
_IDENTITY = ("birth_date", "gender", "national_id_hash")


@dataclass(frozen=True)
class DuplicatePair:
    first: Awardee
    second: Awardee


def likely_duplicates(ctx: Context) -> list[DuplicatePair]:
    """Pairs of live records of the same kind, folded name and birth date, within the caller's units."""
    user = require_registry_office(ctx)
    a, b = aliased(Awardee), aliased(Awardee)
    stmt = (select(a.id, b.id).join(b, (a.name_folded == b.name_folded) & (a.birth_date == b.birth_date)
                                    & (a.kind == b.kind) & (a.id < b.id))
            .where(a.birth_date.is_not(None), a.merged_into_id.is_(None), b.merged_into_id.is_(None)))
    if not is_admin(ctx.session, user):
        scope = select(Unit.id).where(Unit.id.in_(office_units(user)))
        stmt = stmt.where(a.unit_id.in_(scope), b.unit_id.in_(scope))
    pairs = ctx.session.execute(stmt.order_by(a.name_folded, a.id, b.id).limit(MAX_PAIRS)).all()
    ids = {i for pair in pairs for i in pair}
    loaded = {x.id: x for x in ctx.session.scalars(select(Awardee).where(Awardee.id.in_(ids))
                                                   .options(selectinload(Awardee.unit)))}
    return [DuplicatePair(loaded[first], loaded[second]) for first, second in pairs]


def _kept(ctx: Context, awardee_id: int) -> Awardee:
    user = require_registry_office(ctx)
    awardee = ctx.session.get(Awardee, awardee_id, with_for_update=True)
    if awardee is None or not can_keep_awardee(ctx, user, awardee):
        raise NotFound(f"Không tìm thấy cá nhân, tập thể số {awardee_id} trong phạm vi của tôi.")
    if awardee.merged_into_id is not None:
        raise Conflict(f"Hồ sơ số {awardee_id} đã được gộp vào hồ sơ số {awardee.merged_into_id}.")
    return awardee


def merge_awardees(ctx: Context, kept_id: int, merged_id: int) -> AwardeeMerge:
    """Move the history of `merged_id` onto `kept_id` and hide `merged_id`. The kept record takes the
    birth date, gender and national ID hash it lacks. Refused when the two differ on those, or hold
    different yearly grades for one year (they are two people then)."""
    if kept_id == merged_id:
        raise Conflict("Không gộp một hồ sơ với chính nó.", {"merged": "Chọn một hồ sơ khác."})
    kept, merged = _kept(ctx, kept_id), _kept(ctx, merged_id)
    if kept.kind != merged.kind:
        raise Conflict("Không gộp cá nhân với tập thể.", {"merged": "Khác loại đối tượng."})
    for name in _IDENTITY:
        ours, theirs = getattr(kept, name), getattr(merged, name)
        if ours is not None and theirs is not None and ours != theirs:
            raise Conflict("Hai hồ sơ khác ngày sinh, giới tính hoặc số CCCD: là hai người khác nhau.",
                           {"merged": "Không gộp được."})
    grades = {g.year: g for g in ctx.session.scalars(select(YearlyGrade).where(YearlyGrade.awardee_id == kept.id))}
    moved: dict[str, list[int]] = {}
    for table, model in _HISTORY.items():
        rows = list(ctx.session.scalars(select(model).where(model.awardee_id == merged.id).order_by(model.id)))
        if model is YearlyGrade:
            clash = [g.year for g in rows if g.year in grades and grades[g.year].grade != g.grade]
            if clash:
                raise Conflict(f"Hai hồ sơ có xếp loại khác nhau năm {', '.join(map(str, clash))}: là hai người "
                               "khác nhau.", {"merged": "Không gộp được."})
            rows = [g for g in rows if g.year not in grades]  # the same grade twice: the kept one stands
        moved[table] = [row.id for row in rows]
        if rows:
            ctx.session.execute(update(model).where(model.id.in_(moved[table])).values(awardee_id=kept.id)
                                .execution_options(synchronize_session=False))
    before = {name: _plain(getattr(kept, name)) for name in _IDENTITY}
    for name in _IDENTITY:
        if getattr(kept, name) is None:
            setattr(kept, name, getattr(merged, name))
    merged.merged_into_id = kept.id
    user = ctx.actor
    record = AwardeeMerge(kept_id=kept.id, merged_id=merged.id, moved=moved, before=before,
                          merged_by_id=user.id if user is not None else None, merged_at=ctx.clock.now())
    ctx.session.add(record)
    ctx.session.flush()
    ctx.session.expire_all()
    audit.record(ctx, AuditAction.AWARDEES_MERGED, "awardee", kept_id, unit_id=kept.unit_id,
                 before={"kept": before}, after={"merge_id": record.id, "merged": merged_id,
                                                 "moved": {t: len(ids) for t, ids in moved.items()}})
    return record


def undo_merge(ctx: Context, merge_id: int) -> AwardeeMerge:
    """Both records as they were before the merge: the rows moved go back, the kept record's identity
    fields are restored, the duplicate is live again. What was added to the kept record since stays."""
    user = require_registry_office(ctx)
    record = ctx.session.get(AwardeeMerge, merge_id, with_for_update=True)
    if record is None:
        raise NotFound(f"Không tìm thấy lần gộp số {merge_id}.")
    if record.undone_at is not None:
        raise Conflict(f"Lần gộp số {merge_id} đã được hoàn tác.")
    kept = _kept(ctx, record.kept_id)
    merged = ctx.session.get(Awardee, record.merged_id)
    if merged is None or not can_keep_awardee(ctx, user, merged):
        raise Forbidden("Hồ sơ đã gộp không thuộc phạm vi của tôi.")
    for table, ids in record.moved.items():
        model = _HISTORY[table]
        if ids:
            ctx.session.execute(update(model).where(model.id.in_(ids), model.awardee_id == kept.id)
                                .values(awardee_id=merged.id).execution_options(synchronize_session=False))
    for name in _IDENTITY:
        value = record.before.get(name)
        setattr(kept, name, _typed(name, value))
    merged.merged_into_id = None
    record.undone_at = ctx.clock.now()
    ctx.session.flush()
    ctx.session.expire_all()
    audit.record(ctx, AuditAction.AWARDEES_UNMERGED, "awardee", record.kept_id, unit_id=kept.unit_id,
                 after={"merge_id": record.id, "merged": record.merged_id})
    return record


def _plain(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, date):
        return value.isoformat()
    return str(value.value) if isinstance(value, Gender) else str(value)


def _typed(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "birth_date":
        return date.fromisoformat(value)
    return Gender(value) if name == "gender" else value


@dataclass(frozen=True)
class MergeView:
    record: AwardeeMerge
    kept: Awardee
    merged: Awardee


def recent_merges(ctx: Context, limit: int = 50) -> list[MergeView]:
    """The latest merges of records within the caller's units (undone ones included), newest first."""
    user = require_registry_office(ctx)
    stmt = select(AwardeeMerge).order_by(AwardeeMerge.merged_at.desc(), AwardeeMerge.id.desc())
    if not is_admin(ctx.session, user):
        kept = select(Awardee.id).where(Awardee.unit_id.in_(select(Unit.id).where(Unit.id.in_(office_units(user)))))
        stmt = stmt.where(AwardeeMerge.kept_id.in_(kept))
    records = list(ctx.session.scalars(stmt.limit(limit)))
    ids = {i for r in records for i in (r.kept_id, r.merged_id)}
    loaded = {x.id: x for x in ctx.session.scalars(select(Awardee).where(Awardee.id.in_(ids))
                                                   .options(selectinload(Awardee.unit)))}
    return [MergeView(r, loaded[r.kept_id], loaded[r.merged_id]) for r in records]
