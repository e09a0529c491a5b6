"""Changing review rounds: the standing office opens and closes a round of its unit; a dossier
reaching a unit joins the open round it fits (`admit_to_round`, an admission listener).

A round fits a dossier when it takes one of the award types still open in it (a round naming no
type takes every type) and is of its kind: an ad-hoc dossier (đột xuất) joins only an ad-hoc round,
any other dossier only a round that is not ad hoc. Among the fitting open rounds the dossier joins
the one whose cut-off comes first and has not passed. When every fitting round's cut-off has passed,
the round that closed to dossiers last decides: `refuse` turns the proposer's submission away with
the date (422), `next_round` keeps the dossier waiting at the level until the office opens the next
round, which it joins then. A dossier forwarded from the level below is never refused (the level
below has decided): it waits for the next round. A unit with no fitting open round: nothing happens,
the dossier goes on one by one as before. Nominations on the simplified procedure of the dossier's rules
version (an ad-hoc Giấy khen, Bằng khen: no council) count for no round: a dossier of only those joins none,
even an open ad-hoc round, and is never refused for a passed cut-off.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Dossier,
    DossierKind,
    LatePolicy,
    ReviewRound,
    Role,
    RoundEntry,
    RoundKind,
    RoundStatus,
    Unit,
)
from engine.operations.access import holds_role, require_actor
from engine.operations.admission import on_admission
from engine.operations.award.queries import layered_rules, open_nominations, rules_of, rules_on
from engine.operations.rounds.inputs import RoundInput
from engine.operations.rounds.review_round import end_intake, start_round_process
from engine.vocabulary import AuditAction


def _office_unit(ctx: Context, unit_id: int, field: str | None = None) -> Unit:
    user = require_actor(ctx.actor)
    unit = ctx.session.get(Unit, unit_id)
    if unit is None:
        if field:
            raise InvalidInput(f"Không có đơn vị số {unit_id}.", {field: "Không có đơn vị này."})
        raise NotFound(f"Không có đơn vị số {unit_id}.")
    if not holds_role(ctx.session, user, Role.OFFICE, unit.id):
        raise Forbidden(f"Chỉ Cơ quan thường trực của {unit.name} được mở, đóng đợt xét khen thưởng của đơn vị.")
    return unit


def _snapshot(rnd: ReviewRound) -> dict[str, object]:
    return {"title": rnd.title, "kind": rnd.kind.value, "movement": rnd.movement, "award_types": rnd.award_types,
            "cutoff_on": str(rnd.cutoff_on), "council_on": str(rnd.council_on) if rnd.council_on else None,
            "late_policy": rnd.late_policy.value, "status": rnd.status.value}


def create_round(ctx: Context, data: RoundInput) -> ReviewRound:
    """Open a round at the unit; dossiers waiting there for a next round that fit it join it."""
    user = require_actor(ctx.actor)
    unit = _office_unit(ctx, data.unit_id, "unit_id")
    today = local_today(ctx.clock)
    errors: dict[str, str] = {}
    rules = rules_on(ctx, today)
    for index, code in enumerate(data.award_types):
        try:
            rules.award_type(code)
        except InvalidInput:
            errors[f"award_types[{index}]"] = f"Không có loại khen thưởng '{code}' áp dụng ngày {today:%d/%m/%Y}."
    cutoff_on, cutoff_source = _cutoff(ctx, unit, data, today, errors)
    if cutoff_on is not None and data.council_on is not None and data.council_on < cutoff_on:
        errors["council_on"] = f"Ngày họp Hội đồng không được trước hạn nhận hồ sơ ({cutoff_on:%d/%m/%Y})."
    if errors:
        raise InvalidInput("Thông tin đợt xét không hợp lệ.", errors)
    assert cutoff_on is not None
    now = ctx.clock.now()
    rnd = ReviewRound(unit_id=unit.id, title=data.title, kind=data.kind, movement=data.movement,
                      award_types=list(data.award_types), cutoff_on=cutoff_on, council_on=data.council_on,
                      late_policy=data.late_policy, status=RoundStatus.OPEN, created_by_id=user.id, created_at=now)
    ctx.session.add(rnd)
    ctx.session.flush()
    after = {**_snapshot(rnd), **({"cutoff_source": cutoff_source} if cutoff_source else {})}
    audit.record(ctx, AuditAction.ROUND_CREATED, "review_round", rnd.id, after=after, role=Role.OFFICE,
                 unit_id=unit.id)
    start_round_process(ctx, rnd)
    waiting = ctx.session.scalars(select(RoundEntry).where(RoundEntry.unit_id == unit.id,
                                                           RoundEntry.round_id.is_(None)).order_by(RoundEntry.id))
    for entry in waiting:
        if _fits(rnd, entry.dossier, _round_types(ctx, entry.dossier)):
            _join(ctx, entry, rnd)
    return rnd


def _cutoff(ctx: Context, unit: Unit, data: RoundInput, today: date,
            errors: dict[str, str]) -> tuple[date | None, str | None]:
    """The round's cut-off, and the layer's source when the province sets one for the kind (its layer in
    force today for the unit): the one given, else the province's; one later than the province's is
    refused, naming its source."""
    rules = layered_rules(ctx, unit, today)
    limit = rules.cutoff_on(data.kind.value, today)
    source = rules.source_of(f"deadlines.cutoffs.{data.kind.value}") if limit else None
    cutoff = data.cutoff_on or limit
    if cutoff is None:
        errors["cutoff_on"] = "Bắt buộc nhập hạn nhận hồ sơ."
    elif cutoff < today:
        errors["cutoff_on"] = f"Hạn nhận hồ sơ không được trước hôm nay ({today:%d/%m/%Y})."
    elif limit is not None and cutoff > limit:
        errors["cutoff_on"] = (f"Quy chế thi đua, khen thưởng ban hành kèm theo {source} quy định hạn nhận hồ sơ "
                               f"đợt {data.kind.label} là ngày {limit:%d/%m/%Y}: hạn của đợt xét không được sau "
                               "ngày đó.")
    return cutoff, source


def close_round(ctx: Context, round_id: int) -> ReviewRound:
    """The office closes the round: no dossier joins it any more, and its process ends the intake."""
    rnd = ctx.session.get(ReviewRound, round_id)
    if rnd is None:
        raise NotFound(f"Không có đợt xét số {round_id}.")
    _office_unit(ctx, rnd.unit_id)
    if rnd.status is RoundStatus.CLOSED:
        raise Conflict(f"Đợt xét «{rnd.title}» đã đóng.")
    user = require_actor(ctx.actor)
    rnd.status, rnd.closed_at, rnd.closed_by_id = RoundStatus.CLOSED, ctx.clock.now(), user.id
    ctx.session.flush()
    audit.record(ctx, AuditAction.ROUND_CLOSED, "review_round", rnd.id, before={"status": RoundStatus.OPEN.value},
                 after={"status": rnd.status.value}, role=Role.OFFICE, unit_id=rnd.unit_id)
    end_intake(ctx, rnd)  # the round's process stops waiting for the cut-off day
    return rnd


# ---- joining ------------------------------------------------------------------------------------

def _round_types(ctx: Context, dossier: Dossier) -> set[str]:
    """The award types still open in the dossier that a round reviews: not those on the simplified
    procedure of its rules version (thủ tục đơn giản, no council), which never wait for a round."""
    rules, _ = rules_of(ctx, dossier)
    return {n.award_type for n in open_nominations(dossier) if not rules.is_simplified(dossier.kind, n.award_type)}


def _fits(rnd: ReviewRound, dossier: Dossier, types: set[str]) -> bool:
    if (dossier.kind is DossierKind.AD_HOC) != (rnd.kind is RoundKind.AD_HOC):
        return False
    return bool(types) and (not rnd.award_types or bool(types & set(rnd.award_types)))


def _join(ctx: Context, entry: RoundEntry, rnd: ReviewRound) -> None:
    entry.round_id, entry.joined_at = rnd.id, ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.ROUND_JOINED, "dossier", entry.dossier_id, unit_id=rnd.unit_id,
                 dossier_id=entry.dossier_id, after={"round": rnd.id, "title": rnd.title, "late": entry.late})


@on_admission
def admit_to_round(ctx: Context, dossier: Dossier, unit: Unit, submitting: bool) -> None:
    """The dossier reaches `unit`: join the open round it fits there, be refused or wait (module doc)."""
    if ctx.session.scalar(select(RoundEntry.id).where(RoundEntry.dossier_id == dossier.id,
                                                      RoundEntry.unit_id == unit.id)) is not None:
        return
    types = _round_types(ctx, dossier)
    rounds = [r for r in ctx.session.scalars(
        select(ReviewRound).where(ReviewRound.unit_id == unit.id, ReviewRound.status == RoundStatus.OPEN)
        .order_by(ReviewRound.cutoff_on, ReviewRound.id)) if _fits(r, dossier, types)]
    if not rounds:
        return
    today = local_today(ctx.clock)
    in_time = [r for r in rounds if r.cutoff_on >= today]
    last_closed = rounds[-1] if not in_time else None
    if last_closed is not None and submitting and last_closed.late_policy is LatePolicy.REFUSE:
        raise InvalidInput(
            f"Đợt xét «{last_closed.title}» của {unit.name} đã hết hạn nhận hồ sơ ngày "
            f"{last_closed.cutoff_on:%d/%m/%Y}.",
            {"round": f"Hết hạn nhận hồ sơ ngày {last_closed.cutoff_on:%d/%m/%Y}."})
    late = any(r.cutoff_on < today for r in rounds)  # an earlier round of the level closed to it
    entry = RoundEntry(unit_id=unit.id, dossier_id=dossier.id, late=late, entered_at=ctx.clock.now())
    ctx.session.add(entry)
    ctx.session.flush()
    if in_time:
        _join(ctx, entry, in_time[0])
    else:
        audit.record(ctx, AuditAction.ROUND_WAITING, "dossier", dossier.id, unit_id=unit.id, dossier_id=dossier.id,
                     after={"after_round": last_closed.id if last_closed else None})
