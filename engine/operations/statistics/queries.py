"""The figures of a unit and its subtree for a period, each one SQL aggregation grouped by what the
tables a unit reports upward show; Python only names and sums the groups (tens of rows, never one per
nomination). Which rows count where is written in docs/statistics.md.

Scope: what the units of the subtree proposed (dossier.proposing_unit_id), whoever decided it (the
commune, the province, or a level above); complaints and revocations handled by a unit of the
subtree; tasks waiting at a unit of the subtree.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select, true
from sqlalchemy.sql import ColumnElement

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.errors import Forbidden, NotFound
from engine.models import (
    AwardTally,
    Complaint,
    Decision,
    Dossier,
    HumanTask,
    Nomination,
    Revocation,
    RoleGrant,
    Unit,
)
from engine.operations.access import is_admin, require_actor, visible_units
from engine.operations.statistics.inputs import Period, StatisticsQuery
from engine.rules import AwardKind, load_rewards, load_rules
from engine.rules.rewards import RewardTable
from engine.vocabulary import (
    AwardeeKind,
    ComplaintKind,
    ComplaintStatus,
    DossierStatus,
    HumanTaskState,
    NominationStatus,
    RevocationStatus,
    UnitLevel,
)

GRANTED = (NominationStatus.APPROVED, NominationStatus.REVOKED)
# Each kind of awardee in its own column of the tables and charts.
KIND_COLUMN = {AwardeeKind.INDIVIDUAL: 0, AwardeeKind.COLLECTIVE: 1, AwardeeKind.HOUSEHOLD: 2}
CLOSED_COMPLAINTS = (ComplaintStatus.RESOLVED, ComplaintStatus.REFUSED)
BEYOND = "beyond"  # a nomination whose competent level is above the tree the application serves
BEYOND_LABEL = "cấp trên (ngoài hệ thống)"
# What the data cannot split, said on every page and export so that nobody reads a gap as a zero.
CANNOT_SPLIT = (
    "Lãnh đạo, quản lý và người trực tiếp lao động, công tác (công nhân, nông dân, giáo viên, học sinh, "
    "người dân…): hồ sơ chỉ ghi chức vụ dạng chữ tự do, không có trường phân loại, nên chưa tách được.",
    "Tập thể nhỏ: không có trường ghi quy mô tập thể, nên chưa tách được.",
)


# ---- the read model -----------------------------------------------------------------------------

@dataclass(frozen=True)
class GrantRow:
    """Awards granted of one type, by the issuer's level, to one kind of awardee."""

    level: str  # UnitLevel value of the issuing unit
    level_label: str
    award_type: str
    award_name: str
    award_kind: str  # "title" (danh hiệu thi đua) or "commendation" (hình thức khen thưởng)
    nominee_kind: AwardeeKind
    granted: int  # by a decision signed in the period, revoked since or not
    revoked: int  # of those, revoked since


@dataclass(frozen=True)
class LevelRow:
    """Nominations submitted in the period, by the level competent to decide them."""

    level: str
    level_label: str
    proposed: int
    approved: int
    rejected: int
    in_progress: int  # pending, frozen or forwarded
    revoked: int


@dataclass(frozen=True)
class TimingRow:
    """From a dossier's submission to each decision on it signed in the period, by the issuer's level."""

    level: str
    level_label: str
    decisions: int
    average_days: float
    longest_days: float


@dataclass(frozen=True)
class MoneyRow:
    award_type: str
    award_name: str
    nominee_kind: AwardeeKind
    count: int
    amount_each: int  # đồng; differs across a change of the base salary: then one row per amount
    total: int
    revoked_total: int  # of the total, for awards revoked since (to be recovered)


@dataclass(frozen=True)
class ComplaintRow:
    kind: ComplaintKind
    filed: int
    open: int
    closed: int
    overdue: int


@dataclass
class Statistics:
    unit: Unit
    period: Period
    units: int  # units in the subtree, the unit included
    grants: list[GrantRow]
    levels: list[LevelRow]
    timing: list[TimingRow]
    money: list[MoneyRow]
    complaints: list[ComplaintRow]
    revocations: dict[RevocationStatus, int]
    revoked_nominations: int  # revoked by a revocation opened in the period
    overdue_dossiers: int  # submitted in the period, escalated for a missed appraisal deadline
    overdue_tasks: int  # waiting now at a unit of the subtree past their due time
    withdrawn: int  # dossiers submitted in the period and withdrawn since
    cannot_split: tuple[str, ...] = CANNOT_SPLIT
    money_unpriced: list[str] = field(default_factory=list)  # award types granted that carry no amount

    # ---- totals the pages and exports print ----
    @property
    def granted(self) -> int:
        return sum(r.granted for r in self.grants)

    @property
    def revoked(self) -> int:
        return sum(r.revoked for r in self.grants)

    @property
    def granted_individuals(self) -> int:
        return self.granted_to(AwardeeKind.INDIVIDUAL)

    @property
    def granted_collectives(self) -> int:
        return self.granted_to(AwardeeKind.COLLECTIVE)

    @property
    def granted_households(self) -> int:
        return self.granted_to(AwardeeKind.HOUSEHOLD)

    def granted_to(self, kind: AwardeeKind) -> int:
        return sum(r.granted for r in self.grants if r.nominee_kind is kind)

    def granted_of_kind(self, award_kind: str) -> int:
        return sum(r.granted for r in self.grants if r.award_kind == award_kind)

    def by_level(self) -> list[tuple[str, int]]:
        totals: dict[str, int] = {}
        for row in self.grants:
            totals[row.level_label] = totals.get(row.level_label, 0) + row.granted
        return list(totals.items())

    def by_award(self) -> list[tuple[str, int, int, int]]:
        """(award name, to individuals, to collectives, to households), in the catalogue's order."""
        totals: dict[str, list[int]] = {}
        for row in self.grants:
            counts = totals.setdefault(row.award_name, [0, 0, 0])
            counts[KIND_COLUMN[row.nominee_kind]] += row.granted
        return [(name, *counts) for name, counts in totals.items()]  # type: ignore[misc]

    @property
    def proposed(self) -> int:
        return sum(r.proposed for r in self.levels)

    @property
    def approved(self) -> int:
        return sum(r.approved for r in self.levels)

    @property
    def money_total(self) -> int:
        return sum(r.total for r in self.money)

    @property
    def money_revoked(self) -> int:
        return sum(r.revoked_total for r in self.money)

    @property
    def complaints_filed(self) -> int:
        return sum(r.filed for r in self.complaints)

    @property
    def complaints_open(self) -> int:
        return sum(r.open for r in self.complaints)


# ---- scope and time -----------------------------------------------------------------------------

def subtree(unit_id: int) -> Select[tuple[int]]:
    """SQL: the unit and every unit below it."""
    tree = select(Unit.id).where(Unit.id == unit_id).cte("stat_tree", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def _moment(day: date) -> datetime:
    """The first instant of a local day, for comparing UTC timestamps with the period's dates."""
    return datetime.combine(day, time.min, tzinfo=LOCAL_TZ)


def _within(column: Any, period: Period) -> ColumnElement[bool]:
    return and_(column >= _moment(period.start), column < _moment(period.end + timedelta(days=1)))


def _days(ctx: Context, start: Any, end: Any) -> ColumnElement[Any]:
    """SQL: days (fractional) from one timestamp to another, on either database."""
    if ctx.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", end - start) / 86400.0
    return func.julianday(end) - func.julianday(start)


def _level_label(level: str | None) -> str:
    if level is None or level == BEYOND:
        return BEYOND_LABEL
    return UnitLevel(level).label


_LEVEL_ORDER = {level.value: index for index, level in enumerate(UnitLevel)}


def _level_key(level: str | None) -> int:
    return -1 if level in (None, BEYOND) else _LEVEL_ORDER.get(str(level), 99)


# ---- who may ask --------------------------------------------------------------------------------

def can_read_statistics(ctx: Context, unit_id: int) -> bool:
    """Anyone holding a role at the unit or above it (the same reach as dossiers), and the administrator."""
    user = require_actor(ctx.actor)
    if is_admin(ctx.session, user):
        return True
    return bool(ctx.session.scalar(select(exists().where(Unit.id == unit_id, Unit.id.in_(visible_units(user))))))


def home_unit(ctx: Context) -> Unit:
    """The highest unit the user holds a role at (what the statistics page opens on)."""
    user = require_actor(ctx.actor)
    units = ctx.session.scalars(select(Unit).join(RoleGrant, RoleGrant.unit_id == Unit.id)
                                .where(RoleGrant.user_id == user.id).order_by(Unit.id)).unique().all()
    if not units:
        if is_admin(ctx.session, user):
            top = ctx.session.scalars(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id)).first()
            if top is not None:
                return top
        raise Forbidden("Bạn chưa giữ vai trò nào tại đơn vị nào nên không có số liệu để xem.")
    return min(units, key=lambda unit: (_level_key(unit.level), unit.id))


def unit_for(ctx: Context, unit_id: int | None) -> Unit:
    unit = home_unit(ctx) if unit_id is None else ctx.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy đơn vị.")
    if not can_read_statistics(ctx, unit.id):
        raise Forbidden("Bạn chỉ xem được số liệu của đơn vị mình và các đơn vị trực thuộc.")
    return unit


def reachable_units(ctx: Context) -> list[Unit]:
    """The units whose statistics the user may read (for the page's choice of unit)."""
    user = require_actor(ctx.actor)
    query = select(Unit).order_by(Unit.name)
    if not is_admin(ctx.session, user):
        query = query.where(Unit.id.in_(visible_units(user)))
    return [unit for unit in ctx.session.scalars(query) if unit.reviews_awards or unit.parent_id is None]


# ---- the figures --------------------------------------------------------------------------------

def statistics(ctx: Context, query: StatisticsQuery) -> Statistics:
    unit = unit_for(ctx, query.unit_id)
    return compute(ctx, unit, query.period)


@dataclass(frozen=True)
class Scope:
    """The units a figure counts: a subtree, or None when the subtree is every unit there is (the
    province of a one-province installation), so that the biggest question filters nothing."""

    tree: Select[tuple[int]] | None
    units: int

    def holds(self, column: Any) -> ColumnElement[bool]:
        return true() if self.tree is None else column.in_(self.tree)


def scope_of(ctx: Context, unit: Unit) -> Scope:
    tree = subtree(unit.id)
    inside = ctx.session.scalar(select(func.count()).select_from(tree.subquery())) or 0
    everything = ctx.session.scalar(select(func.count()).select_from(Unit)) or 0
    return Scope(None if inside == everything else tree, inside)


def compute(ctx: Context, unit: Unit, period: Period) -> Statistics:
    """Every figure of `unit`'s subtree for `period` (no permission check: the caller made it)."""
    scope = scope_of(ctx, unit)
    catalogue, _ = load_rules(ctx.settings.rules_dir)
    names = {t.code: t.name for version in catalogue.versions for t in version.award_types}
    kinds = {t.code: t.kind.value for version in catalogue.versions for t in version.award_types}
    order = {code: index for index, code in enumerate(names)}
    rewards = load_rewards(ctx.settings.rules_dir)
    grants, money, unpriced = _grants_and_money(ctx, scope, period, rewards, names, kinds, order)
    revocations = dict.fromkeys(RevocationStatus, 0)
    for status, count in ctx.session.execute(
            select(Revocation.status, func.count()).where(scope.holds(Revocation.granting_unit_id),
                                                          _within(Revocation.created_at, period))
            .group_by(Revocation.status)):
        revocations[RevocationStatus(status)] = count
    revoked = ctx.session.scalar(
        select(func.count()).select_from(Nomination).join(Decision, Decision.id == Nomination.decision_id)
        .where(Nomination.status == NominationStatus.REVOKED, scope.holds(Decision.issuer_unit_id),
               Decision.id.in_(select(Revocation.decision_id).where(_within(Revocation.created_at, period)))))
    submitted = and_(scope.holds(Dossier.proposing_unit_id), _within(Dossier.submitted_at, period))
    overdue_dossiers, withdrawn = ctx.session.execute(
        select(func.sum(case((Dossier.overdue.is_(True), 1), else_=0)),
               func.sum(case((Dossier.status == DossierStatus.WITHDRAWN, 1), else_=0))).where(submitted)).one()
    overdue_tasks = ctx.session.scalar(
        select(func.count()).select_from(HumanTask)
        .where(HumanTask.state == HumanTaskState.READY, scope.holds(HumanTask.unit_id),
               HumanTask.due_at < ctx.clock.now()))
    return Statistics(
        unit=unit, period=period, units=scope.units, grants=grants, levels=_levels(ctx, scope, period),
        timing=_timing(ctx, scope, period), money=money, complaints=_complaints(ctx, scope, period),
        revocations=revocations, revoked_nominations=revoked or 0, overdue_dossiers=int(overdue_dossiers or 0),
        overdue_tasks=overdue_tasks or 0, withdrawn=int(withdrawn or 0), money_unpriced=unpriced)


def _granted(query: Select[Any], scope: Scope, days: list[tuple[date, date]]) -> Select[Any]:
    """`query` over nominations joined to their decision, narrowed to those granted on `days` (stretches
    of days, first and last included) to the scope (through the dossier only when the scope is not
    everything)."""
    query = query.where(Nomination.status.in_(GRANTED),
                        or_(*[and_(Decision.signed_on >= start, Decision.signed_on <= end) for start, end in days]))
    if scope.tree is not None:
        query = query.join(Dossier, Dossier.id == Nomination.dossier_id).where(
            Dossier.proposing_unit_id.in_(scope.tree))
    return query


def _boundaries(rewards: RewardTable, period: Period) -> list[date]:
    """The days within the period where the base salary or the table of multiples changes."""
    days = {s.effective_from for s in rewards.base_salaries} | {t.effective_from for t in rewards.tables}
    days |= {s.effective_to + timedelta(days=1) for s in rewards.base_salaries if s.effective_to}
    days |= {t.effective_to + timedelta(days=1) for t in rewards.tables if t.effective_to}
    return sorted(day for day in days if period.start < day <= period.end)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Split:
    """A period cut into the whole months the summary (`award_tally`) answers, `months` (first and last
    month's first day) or None, and the stretches of days at its edges the nominations answer."""

    months: tuple[date, date] | None
    days: list[tuple[date, date]]


def split(period: Period, cuts: list[date]) -> Split:
    """Whole months of the period go to the summary, unless an amount changes inside one of them (then
    the nominations answer the whole period, so that every award is priced on its own day)."""
    first = period.start if period.start.day == 1 else _next_month(period.start)
    after = _next_month(period.end)  # the first day after the period's last whole month
    if after - timedelta(days=1) != period.end:
        after = period.end.replace(day=1)
    if first >= after or any(cut.day != 1 for cut in cuts if first < cut < after):
        return Split(None, [(period.start, period.end)])
    days = [(period.start, first - timedelta(days=1))] if period.start < first else []
    if after <= period.end:
        days.append((after, period.end))
    last = (after - timedelta(days=1)).replace(day=1)
    return Split((first, last), days)


def _stretch(column: Any, cuts: list[date]) -> Any:
    """SQL: which stretch between the amount changes a day (or a month's first day) falls in."""
    if not cuts:
        return literal(0)
    return case(*[(column < cut, index) for index, cut in enumerate(cuts)], else_=len(cuts))


def _granted_rows(ctx: Context, scope: Scope, period: Period, cuts: list[date]) -> list[Any]:
    """(issuer, award type, kind of awardee, stretch, granted, revoked since) of the awards decisions
    signed in the period granted to the scope: the summary's whole months, the nominations' edge days."""
    parts = split(period, cuts)
    rows: list[Any] = []
    if parts.months is not None:
        stretch = _stretch(AwardTally.month, cuts)
        columns = (AwardTally.issuer_unit_id, AwardTally.award_type, AwardTally.nominee_kind, stretch)
        rows += ctx.session.execute(
            select(*columns, func.sum(AwardTally.granted), func.sum(AwardTally.revoked))
            .where(AwardTally.month >= parts.months[0], AwardTally.month <= parts.months[1],
                   scope.holds(AwardTally.proposing_unit_id))
            .group_by(*columns)).all()
    if parts.days:
        stretch = _stretch(Decision.signed_on, cuts)
        revoked = func.sum(case((Nomination.status == NominationStatus.REVOKED, 1), else_=0))
        issuer = Decision.issuer_unit_id  # named by its level below: one join fewer over every granted row
        query = (select(issuer, Nomination.award_type, Nomination.nominee_kind, stretch, func.count(), revoked)
                 .select_from(Nomination).join(Decision, Decision.id == Nomination.decision_id))
        rows += ctx.session.execute(_granted(query, scope, parts.days)
                                    .group_by(issuer, Nomination.award_type, Nomination.nominee_kind, stretch)).all()
    return rows


def _grants_and_money(ctx: Context, scope: Scope, period: Period, rewards: RewardTable, names: dict[str, str],
                      kinds: dict[str, str], order: dict[str, int]
                      ) -> tuple[list[GrantRow], list[MoneyRow], list[str]]:
    """The granted awards by the issuer's level, award type, kind of awardee and stretch of time within
    which a reward's amount is one (split where the base salary or the multiples change); the grants add
    up the stretches, the money the levels (count × the amount a decision states)."""
    cuts = _boundaries(rewards, period)
    starts = [period.start, *cuts]
    rows = _granted_rows(ctx, scope, period, cuts)
    levels = _levels_of(ctx, {row[0] for row in rows})
    granted: dict[tuple[str, str, str], list[int]] = {}
    money: dict[tuple[str, str, int], list[int]] = {}
    unpriced: set[str] = set()
    for issuer_id, code, kind, index, count, gone in rows:
        kind = AwardeeKind(kind).value
        pair = granted.setdefault((levels[issuer_id], code, kind), [0, 0])
        pair[0] += int(count)
        pair[1] += int(gone or 0)
        reward = rewards.reward(code, AwardeeKind(kind), starts[int(index)])
        if reward is None:
            unpriced.add(names.get(code, code))
            continue
        pair = money.setdefault((code, kind, reward.amount), [0, 0])
        pair[0] += int(count)
        pair[1] += int(gone or 0)
    grants = [GrantRow(level, _level_label(level), code, names.get(code, code),
                       kinds.get(code, AwardKind.COMMENDATION.value), AwardeeKind(kind), count, gone)
              for (level, code, kind), (count, gone) in granted.items()]
    grants.sort(key=lambda r: (_level_key(r.level), order.get(r.award_type, 999), r.award_type, r.nominee_kind.value))
    amounts = [MoneyRow(code, names.get(code, code), AwardeeKind(kind), count, amount, count * amount, gone * amount)
               for (code, kind, amount), (count, gone) in money.items()]
    amounts.sort(key=lambda r: (order.get(r.award_type, 999), r.nominee_kind.value, r.amount_each))
    return grants, amounts, sorted(unpriced)


def _levels_of(ctx: Context, unit_ids: set[int]) -> dict[int, str]:
    """The level of each of these units (tens or hundreds of issuers, read in one query)."""
    if not unit_ids:
        return {}
    return {unit_id: str(level) for unit_id, level in
            ctx.session.execute(select(Unit.id, Unit.level).where(Unit.id.in_(sorted(unit_ids))))}


def _levels(ctx: Context, scope: Scope, period: Period) -> list[LevelRow]:
    competent = Nomination.deciding_unit_id  # None: competence beyond the tree
    status = Nomination.status
    rows = ctx.session.execute(
        select(competent, func.count(),
               func.sum(case((status == NominationStatus.APPROVED, 1), else_=0)),
               func.sum(case((status == NominationStatus.REJECTED, 1), else_=0)),
               func.sum(case((status == NominationStatus.REVOKED, 1), else_=0)))
        .select_from(Nomination)
        .join(Dossier, Dossier.id == Nomination.dossier_id)
        .where(scope.holds(Dossier.proposing_unit_id), _within(Dossier.submitted_at, period),
               Dossier.status != DossierStatus.WITHDRAWN)
        .group_by(competent)).all()
    levels = _levels_of(ctx, {row[0] for row in rows if row[0] is not None})
    totals: dict[str, list[int]] = {}
    for unit_id, total, ok, no, gone in rows:
        sums = totals.setdefault(BEYOND if unit_id is None else levels[unit_id], [0, 0, 0, 0])
        for index, value in enumerate((total, ok, no, gone)):
            sums[index] += int(value or 0)
    result = [LevelRow(code, _level_label(code), total, ok, no, total - ok - no - gone, gone)
              for code, (total, ok, no, gone) in totals.items()]
    return sorted(result, key=lambda r: _level_key(r.level))


def _timing(ctx: Context, scope: Scope, period: Period) -> list[TimingRow]:
    """Grouped by the issuer's id (its level named afterwards: no join to the unit per decision), from the
    decision's covering index (signing day, issuer, dossier, time) and the dossier's row."""
    days = _days(ctx, Dossier.submitted_at, Decision.created_at)
    # An award decision: not a cancellation decision (the only decisions without nominations), a short list.
    award_decision = Decision.id.not_in(select(Revocation.cancellation_decision_id)
                                        .where(Revocation.cancellation_decision_id.is_not(None)))
    rows = ctx.session.execute(
        select(Decision.issuer_unit_id, func.count(), func.sum(days), func.max(days))
        .select_from(Decision)
        .join(Dossier, Dossier.id == Decision.dossier_id)
        .where(scope.holds(Dossier.proposing_unit_id), Dossier.submitted_at.is_not(None), award_decision,
               Decision.signed_on >= period.start, Decision.signed_on <= period.end)
        .group_by(Decision.issuer_unit_id)).all()
    levels = _levels_of(ctx, {row[0] for row in rows})
    totals: dict[str, list[float]] = {}
    for issuer_id, count, total, top in rows:
        sums = totals.setdefault(levels[issuer_id], [0, 0.0, 0.0])
        sums[0] += count
        sums[1] += float(total or 0)
        sums[2] = max(sums[2], float(top or 0))
    result = [TimingRow(level, _level_label(level), int(count), round(total / count, 1) if count else 0.0,
                        round(top, 1)) for level, (count, total, top) in totals.items()]
    return sorted(result, key=lambda r: _level_key(r.level))


def _complaints(ctx: Context, scope: Scope, period: Period) -> list[ComplaintRow]:
    closed = Complaint.status.in_(CLOSED_COMPLAINTS)
    rows = ctx.session.execute(
        select(Complaint.kind, func.count(), func.sum(case((closed, 0), else_=1)),
               func.sum(case((closed, 1), else_=0)),
               func.sum(case((Complaint.overdue.is_(True) | Complaint.acceptance_overdue.is_(True), 1), else_=0)))
        .where(scope.holds(Complaint.handling_unit_id), _within(Complaint.filed_at, period))
        .group_by(Complaint.kind)).all()
    found = {ComplaintKind(kind): ComplaintRow(ComplaintKind(kind), count, int(o or 0), int(c or 0), int(late or 0))
             for kind, count, o, c, late in rows}
    return [found.get(kind, ComplaintRow(kind, 0, 0, 0, 0)) for kind in ComplaintKind]



# ---- the tables a unit reports upward (the page, the XLSX, the DOCX and the periodic report) --------

Cell = str | int | float


@dataclass(frozen=True)
class ReportTable:
    key: str  # the sheet's name (≤ 31 characters)
    title: str
    headings: tuple[str, ...]
    rows: list[tuple[Cell, ...]]
    total: tuple[Cell, ...] | None  # the last row, "Tổng cộng"
    widths_mm: tuple[float, ...]


def _award_kind_label(kind: str) -> str:
    return "Danh hiệu thi đua" if kind == "title" else "Hình thức khen thưởng"


def tables(stats: Statistics) -> list[ReportTable]:
    grants: dict[tuple[str, str], list[int]] = {}
    kinds: dict[tuple[str, str], str] = {}
    for row in stats.grants:
        key = (row.level_label, row.award_name)
        counts = grants.setdefault(key, [0, 0, 0, 0, 0])  # individuals, collectives, households, total, revoked
        kinds[key] = _award_kind_label(row.award_kind)
        counts[KIND_COLUMN[row.nominee_kind]] += row.granted
        counts[3] += row.granted
        counts[4] += row.revoked
    granted_rows: list[tuple[Cell, ...]] = [(level, name, kinds[(level, name)], *counts)
                                            for (level, name), counts in grants.items()]
    revocations = [(status.label, count) for status, count in stats.revocations.items()]
    return [
        ReportTable("Khen thưởng", "Kết quả khen thưởng theo cấp quyết định, danh hiệu và hình thức",
                    ("Cấp quyết định", "Danh hiệu, hình thức", "Loại", "Cá nhân", "Tập thể", "Hộ gia đình", "Tổng",
                     "Đã thu hồi"),
                    granted_rows,
                    ("Tổng cộng", "", "", stats.granted_individuals, stats.granted_collectives,
                     stats.granted_households, stats.granted, stats.revoked),
                    (28, 46, 24, 15, 15, 15, 15, 15)),
        ReportTable("Đề nghị và kết quả", "Đề nghị và kết quả theo cấp có thẩm quyền quyết định",
                    ("Cấp có thẩm quyền", "Số đề nghị", "Được khen thưởng", "Không được khen thưởng",
                     "Đang xét", "Đã thu hồi"),
                    [(r.level_label, r.proposed, r.approved, r.rejected, r.in_progress, r.revoked)
                     for r in stats.levels],
                    ("Tổng cộng", stats.proposed, stats.approved, sum(r.rejected for r in stats.levels),
                     sum(r.in_progress for r in stats.levels), sum(r.revoked for r in stats.levels)),
                    (45, 25, 25, 25, 25, 25)),
        ReportTable("Thời gian giải quyết", "Thời gian từ khi nộp hồ sơ đến khi có quyết định",
                    ("Cấp quyết định", "Số quyết định", "Bình quân (ngày)", "Dài nhất (ngày)"),
                    [(r.level_label, r.decisions, r.average_days, r.longest_days) for r in stats.timing],
                    None, (60, 35, 35, 35)),
        ReportTable("Tiền thưởng", "Tiền thưởng theo quyết định (đồng)",
                    ("Danh hiệu, hình thức", "Đối tượng", "Số lượng", "Mức thưởng", "Thành tiền",
                     "Trong đó đã thu hồi"),
                    [(r.award_name, r.nominee_kind.label, r.count, r.amount_each, r.total, r.revoked_total)
                     for r in stats.money],
                    ("Tổng cộng", "", sum(r.count for r in stats.money), "", stats.money_total, stats.money_revoked),
                    (50, 22, 20, 25, 28, 25)),
        ReportTable("Khiếu nại, tố cáo", "Khiếu nại, tố cáo về thi đua, khen thưởng",
                    ("Loại đơn", "Tiếp nhận", "Đang giải quyết", "Đã giải quyết hoặc không thụ lý", "Quá hạn"),
                    [(r.kind.label.capitalize(), r.filed, r.open, r.closed, r.overdue) for r in stats.complaints],
                    ("Tổng cộng", stats.complaints_filed, stats.complaints_open,
                     sum(r.closed for r in stats.complaints), sum(r.overdue for r in stats.complaints)),
                    (45, 30, 30, 40, 25)),
        ReportTable("Thu hồi", "Hủy bỏ quyết định, thu hồi khen thưởng",
                    ("Tình trạng", "Số hồ sơ hủy bỏ"),
                    [(label.capitalize(), count) for label, count in revocations],
                    ("Tổng cộng", sum(stats.revocations.values())), (120, 50)),
        ReportTable("Trễ hạn", "Trễ hạn và hồ sơ rút",
                    ("Nội dung", "Số lượng"),
                    [("Hồ sơ quá hạn thẩm định (đã báo thủ trưởng)", stats.overdue_dossiers),
                     ("Việc đang chờ quá hạn xử lý (hiện tại)", stats.overdue_tasks),
                     ("Hồ sơ đã rút", stats.withdrawn),
                     ("Khen thưởng bị hủy bỏ theo hồ sơ thu hồi lập trong kỳ", stats.revoked_nominations)],
                    None, (120, 50)),
    ]


# ---- the dashboard ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Panel:
    """A block of the dashboard another domain adds (review rounds and their cut-offs, the reward fund's
    balance): a title and its figures, already worded."""

    title: str
    lines: tuple[tuple[str, str], ...]


PanelSource = Callable[[Context, Unit, int], Panel | None]
_PANELS: list[PanelSource] = []


def dashboard_panel(source: PanelSource) -> PanelSource:
    """Register a block of the dashboard: `@statistics.queries.dashboard_panel` on a function of
    (ctx, unit, year) giving a Panel, or None when it has nothing for that unit. The seam for the
    review rounds and the reward fund (docs/statistics.md)."""
    _PANELS.append(source)
    return source


@dataclass
class Dashboard:
    unit: Unit
    year: int
    dossiers: list[tuple[DossierStatus, int]]  # dossiers of the year proposed in the subtree, by stage
    tasks_waiting: int  # user tasks waiting at units of the subtree
    tasks_overdue: int  # of those, past their due time
    complaints_open: int  # complaints and denunciations handled in the subtree, not yet closed
    complaints_overdue: int
    granted: int  # awards granted this year to the subtree
    panels: list[Panel]


def dashboard(ctx: Context, unit_id: int | None, year: int) -> Dashboard:
    unit = unit_for(ctx, unit_id)
    scope = scope_of(ctx, unit)
    by_status = dict(ctx.session.execute(
        select(Dossier.status, func.count()).where(scope.holds(Dossier.proposing_unit_id), Dossier.year == year)
        .group_by(Dossier.status)).all())
    dossiers = [(status, int(by_status.get(status, 0))) for status in DossierStatus]
    waiting, late = ctx.session.execute(
        select(func.count(), func.sum(case((HumanTask.due_at < ctx.clock.now(), 1), else_=0)))
        .where(HumanTask.state == HumanTaskState.READY, scope.holds(HumanTask.unit_id))).one()
    open_complaints, late_complaints = ctx.session.execute(
        select(func.count(), func.sum(case((Complaint.overdue.is_(True) | Complaint.acceptance_overdue.is_(True), 1),
                                           else_=0)))
        .where(scope.holds(Complaint.handling_unit_id), Complaint.status.not_in(CLOSED_COMPLAINTS))).one()
    granted = ctx.session.scalar(select(func.sum(AwardTally.granted)).where(
        AwardTally.month >= date(year, 1, 1), AwardTally.month <= date(year, 12, 1),
        scope.holds(AwardTally.proposing_unit_id)))
    panels = [panel for source in _PANELS if (panel := source(ctx, unit, year)) is not None]
    return Dashboard(unit, year, dossiers, int(waiting or 0), int(late or 0), int(open_complaints or 0),
                     int(late_complaints or 0), int(granted or 0), panels)
