"""Reads of review rounds: who may see a round, the rounds a caller may see, one round with its
dossiers and nominations (their state, what is still missing) and the countdown to its cut-off.

A round is seen by anyone holding a role at its unit, at a unit below it (the units that send it
dossiers) or above it (the levels that see what comes from below), and by administrators; to
everybody else it does not exist (NotFound). Only the unit's standing office opens and closes it
(`can_manage`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from engine.clock import local_today
from engine.context import Context
from engine.errors import NotFound
from engine.models import (
    Dossier,
    DossierStatus,
    NominationStatus,
    ReviewRound,
    Role,
    RoundEntry,
    RoundKind,
    RoundStatus,
    Unit,
    User,
)
from engine.operations.access import holds_role, is_admin, require_actor, visible_units
from engine.operations.award.queries import award_names, layered_rules, missing_documents, role_units, rules_of
from engine.operations.readmodels import Extended, by_id


def _seen_units(session: Session, user: User) -> set[int] | None:
    """Ids of the units whose rounds the user sees (their units, every unit below and every unit above);
    None: all."""
    if is_admin(session, user):
        return None
    own = role_units(session, user)
    seen = set(session.scalars(select(Unit.id).where(Unit.id.in_(visible_units(user)))))  # theirs and below
    for unit in by_id(session, Unit, own).values():
        seen.update(u.id for u in unit.ancestors())
    return seen


def can_see(session: Session, user: User, rnd: ReviewRound) -> bool:
    seen = _seen_units(session, user)
    return seen is None or rnd.unit_id in seen


def can_manage(session: Session, user: User | None, rnd: ReviewRound) -> bool:
    """Close the round: the standing office of its unit."""
    return user is not None and rnd.status is RoundStatus.OPEN and holds_role(session, user, Role.OFFICE, rnd.unit_id)


def office_units(ctx: Context) -> list[Unit]:
    """The units where the caller is the standing office (where they may open a round), by name."""
    user = require_actor(ctx.actor)
    units = by_id(ctx.session, Unit, role_units(ctx.session, user)).values()
    return sorted((u for u in units if holds_role(ctx.session, user, Role.OFFICE, u.id)), key=lambda u: u.name)


def province_cutoffs(ctx: Context, units: list[Unit]) -> list[str]:
    """For the form, per unit whose province (or sector) layer sets cut-off days today: "UBND xã Bình Minh:
    tổng kết năm 15/01/2027 (theo …)", the day a round of each kind opened today would take."""
    today = local_today(ctx.clock)
    lines = []
    for unit in units:
        rules = layered_rules(ctx, unit, today)
        days = [f"{RoundKind(kind).label} {rules.cutoff_on(kind, today):%d/%m/%Y} "
                f"(theo {rules.source_of(f'deadlines.cutoffs.{kind}')})" for kind, _ in rules.cutoffs]
        if days:
            lines.append(f"{unit.name}: {'; '.join(days)}")
    return lines


def get_round(ctx: Context, round_id: int) -> ReviewRound:
    user = require_actor(ctx.actor)
    rnd = ctx.session.get(ReviewRound, round_id)
    if rnd is None or not can_see(ctx.session, user, rnd):
        raise NotFound(f"Không tìm thấy đợt xét số {round_id}.")
    return rnd


def list_rounds(ctx: Context, *, unit: int | None = None,
                status: RoundStatus | str | None = None) -> list[RoundSummary]:
    """The rounds the caller sees, open ones first, then the latest cut-off first."""
    user = require_actor(ctx.actor)
    query = select(ReviewRound).options(selectinload(ReviewRound.unit))
    seen = _seen_units(ctx.session, user)
    if seen is not None:
        query = query.where(ReviewRound.unit_id.in_(seen))
    if unit is not None:
        query = query.where(ReviewRound.unit_id == unit)
    if status:
        query = query.where(ReviewRound.status == RoundStatus(status))
    rounds = list(ctx.session.scalars(query.order_by(ReviewRound.cutoff_on.desc(), ReviewRound.id.desc())))
    counts: dict[int, int] = {}
    if rounds:
        counts = {round_id: n for round_id, n in ctx.session.execute(
            select(RoundEntry.round_id, func.count()).where(RoundEntry.round_id.in_([r.id for r in rounds]))
            .group_by(RoundEntry.round_id)) if round_id is not None}
    today = local_today(ctx.clock)
    summaries = [RoundSummary(r, counts.get(r.id, 0), days_left(r, today)) for r in rounds]
    return sorted(summaries, key=lambda s: s.status is not RoundStatus.OPEN)


def days_left(rnd: ReviewRound, today: date) -> int | None:
    """Days until the cut-off (0: today is the last day; negative: passed); None once the round is closed."""
    return None if rnd.status is RoundStatus.CLOSED else (rnd.cutoff_on - today).days


@dataclass(frozen=True)
class RoundSummary(Extended[ReviewRound]):
    """A round as a list shows it: how many dossiers joined, the days left to the cut-off."""

    dossier_count: int
    days_left: int | None


@dataclass(frozen=True)
class NominationLine:
    id: int
    nominee: str
    award_type: str
    award_name: str
    status: NominationStatus


@dataclass(frozen=True)
class RoundDossier:
    """A dossier of the round (or waiting at its unit for the next round) with its nominations and what
    is still missing: the documents the rules require, and what the office asked to supplement."""

    dossier_id: int
    title: str
    proposing_unit: str
    status: DossierStatus
    late: bool
    entered_at: datetime
    joined_at: datetime | None
    nominations: list[NominationLine]
    missing: list[str]


@dataclass(frozen=True)
class RoundDetail(Extended[ReviewRound]):
    """A round with its dossiers, the dossiers waiting at its unit for a next round, and the countdown."""

    dossiers: list[RoundDossier]
    waiting: list[RoundDossier]
    days_left: int | None
    nomination_count: int
    award_type_names: list[str]
    manageable: bool


def _entries(ctx: Context, condition: object) -> list[RoundDossier]:
    entries = list(ctx.session.scalars(select(RoundEntry).where(condition).order_by(RoundEntry.id)))  # type: ignore[arg-type]
    dossiers = by_id(ctx.session, Dossier, (e.dossier_id for e in entries), selectinload(Dossier.nominations),
                     selectinload(Dossier.attachments), selectinload(Dossier.proposing_unit))
    names = award_names(ctx)
    today = local_today(ctx.clock)
    lines = []
    versions: dict[str | None, Any] = {}  # the rules each dossier was submitted under, read once per version
    for entry in entries:
        dossier = dossiers[entry.dossier_id]
        missing: list[str] = []
        if dossier.status is DossierStatus.SUPPLEMENT_REQUESTED and dossier.supplement_request:
            missing.append(f"Yêu cầu bổ sung: {dossier.supplement_request}")
        if dossier.rules_version not in versions:
            versions[dossier.rules_version] = rules_of(ctx, dossier)[0]
        rules = versions[dossier.rules_version]
        missing.extend(missing_documents(ctx, dossier, rules, today).values())
        lines.append(RoundDossier(
            dossier.id, dossier.title, dossier.proposing_unit.name, dossier.status, entry.late, entry.entered_at,
            entry.joined_at,
            [NominationLine(n.id, n.nominee_name, n.award_type, names.get(n.award_type, n.award_type), n.status)
             for n in dossier.nominations], missing))
    return lines


def round_dossiers(ctx: Context, round_id: int) -> list[RoundDossier]:
    rnd = get_round(ctx, round_id)
    return _entries(ctx, RoundEntry.round_id == rnd.id)


def round_detail(ctx: Context, round_id: int) -> RoundDetail:
    rnd = get_round(ctx, round_id)
    dossiers = _entries(ctx, RoundEntry.round_id == rnd.id)
    waiting = (_entries(ctx, (RoundEntry.unit_id == rnd.unit_id) & RoundEntry.round_id.is_(None))
               if rnd.status is RoundStatus.OPEN else [])
    names = award_names(ctx)
    return RoundDetail(rnd, dossiers, waiting, days_left(rnd, local_today(ctx.clock)),
                       sum(len(d.nominations) for d in dossiers),
                       [names.get(code, code) for code in rnd.award_types], can_manage(ctx.session, ctx.actor, rnd))

