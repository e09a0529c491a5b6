"""Reading the emulation year within the caller's part of the tree: plans and who is behind, movements
(those launched at or above the caller's units, and below), a movement's page, consolidated
registrations, a cluster's year with its scores and ranking; and the `can_*` questions."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from engine.clock import local_today
from engine.context import Context
from engine.errors import Forbidden, NotFound
from engine.models import (
    Cluster,
    ClusterScore,
    ClusterYear,
    Dossier,
    EmulationPlan,
    GrantedAward,
    Movement,
    MovementResponse,
    Nomination,
    PlanTask,
    Registration,
    Role,
    RoleGrant,
    Unit,
    User,
)
from engine.operations.access import is_admin, require_actor, visible_units
from engine.operations.registry.queries import office_units
from engine.storage import EXTENSIONS, NamedFile, attachment_store

# ---- who may do what -------------------------------------------------------------------------------

def _in(ctx: Context, unit_id: int, units: Select[tuple[int]]) -> bool:
    return bool(ctx.session.scalar(select(func.count()).where(Unit.id == unit_id, Unit.id.in_(units))))


def can_keep(ctx: Context, user: User, unit_id: int) -> bool:
    """The standing office of the unit or of one above it, or an administrator: plans, movements,
    clusters of that unit."""
    return is_admin(ctx.session, user) or _in(ctx, unit_id, office_units(user))


def can_see_unit(ctx: Context, user: User, unit_id: int) -> bool:
    return is_admin(ctx.session, user) or _in(ctx, unit_id, visible_units(user))


def can_speak_for(ctx: Context, user: User, unit_id: int) -> bool:
    """The unit's own people (proposer, head, office) or the office above: registrations and answers."""
    if can_keep(ctx, user, unit_id):
        return True
    return bool(ctx.session.scalar(select(func.count()).where(
        RoleGrant.user_id == user.id, RoleGrant.unit_id == unit_id,
        RoleGrant.role.in_((Role.PROPOSER, Role.HEAD, Role.DEPUTY, Role.OFFICE)))))


def require_keeper(ctx: Context, unit_id: int) -> User:
    user = require_actor(ctx.actor)
    if ctx.session.get(Unit, unit_id) is None:
        raise NotFound(f"Không tìm thấy đơn vị số {unit_id}.")
    if not can_keep(ctx, user, unit_id):
        raise Forbidden("Chỉ cơ quan thường trực của đơn vị hoặc cấp trên được làm việc này.")
    return user


def require_speaker(ctx: Context, unit_id: int) -> User:
    user = require_actor(ctx.actor)
    if ctx.session.get(Unit, unit_id) is None:
        raise NotFound(f"Không tìm thấy đơn vị số {unit_id}.")
    if not can_speak_for(ctx, user, unit_id):
        raise Forbidden("Chỉ đơn vị đó hoặc cơ quan thường trực cấp trên được đăng ký, báo cáo thay đơn vị.")
    return user


def my_units(ctx: Context) -> list[Unit]:
    """The units the caller holds a role at (all units for an administrator): whom it may speak for."""
    user = require_actor(ctx.actor)
    stmt = select(Unit)
    if not is_admin(ctx.session, user):
        stmt = stmt.where(Unit.id.in_(select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id)))
    return list(ctx.session.scalars(stmt.order_by(Unit.name)))


def kept_units(ctx: Context) -> list[Unit]:
    """The units whose plans, movements and clusters the caller keeps (its offices and all below)."""
    user = require_actor(ctx.actor)
    stmt = select(Unit)
    if not is_admin(ctx.session, user):
        stmt = stmt.where(Unit.id.in_(office_units(user)))
    return list(ctx.session.scalars(stmt.order_by(Unit.name)))


def ancestors(ctx: Context, unit_id: int) -> list[int]:
    """The unit's ancestors, nearest first."""
    chain: list[int] = []
    unit = ctx.session.get(Unit, unit_id)
    while unit is not None and unit.parent_id is not None and unit.parent_id not in chain:
        chain.append(unit.parent_id)
        unit = ctx.session.get(Unit, unit.parent_id)
    return chain


def units_below(unit_id: int) -> Select[tuple[int]]:
    tree = select(Unit.id).where(Unit.id == unit_id).cte("emulation_below", recursive=True)
    tree = tree.union_all(select(Unit.id).join(tree, Unit.parent_id == tree.c.id))
    return select(tree.c.id)


def _reach(ctx: Context, user: User) -> Any:
    """SQL condition on a unit id: the units the caller sees, and the ancestors of the units it holds a
    role at (a movement launched above is visible to the units below)."""
    held = ctx.session.scalars(select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id)).all()
    above = {a for unit_id in held for a in ancestors(ctx, unit_id)}
    return lambda column: or_(column.in_(visible_units(user)), column.in_(above))


def _reaches(ctx: Context, user: User, unit_id: int) -> bool:
    """Whether the caller may read a record of that unit (see `_reach`); administrators read all."""
    return is_admin(ctx.session, user) or bool(ctx.session.scalar(
        select(func.count()).where(Unit.id == unit_id, _reach(ctx, user)(Unit.id))))


# ---- plans ----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class TaskView:
    task: PlanTask
    state: str  # done | late | open | done_late

    @property
    def state_label(self) -> str:
        return {"done": "đã hoàn thành", "done_late": "hoàn thành muộn", "late": "chậm tiến độ",
                "open": "đang thực hiện"}[self.state]


def task_state(task: PlanTask, today: date) -> str:
    if task.done_on is not None:
        return "done_late" if task.done_on > task.due_on else "done"
    return "late" if task.due_on < today else "open"


@dataclass
class PlanView:
    plan: EmulationPlan
    tasks: list[TaskView]
    behind: dict[str, int]  # owner unit name → tasks late

    @property
    def late(self) -> int:
        return sum(1 for t in self.tasks if t.state == "late")


def list_plans(ctx: Context, year: int | None = None) -> list[EmulationPlan]:
    user = require_actor(ctx.actor)
    stmt = select(EmulationPlan).options(selectinload(EmulationPlan.unit))
    if not is_admin(ctx.session, user):
        stmt = stmt.where(_reach(ctx, user)(EmulationPlan.unit_id))
    if year is not None:
        stmt = stmt.where(EmulationPlan.year == year)
    return list(ctx.session.scalars(stmt.order_by(EmulationPlan.year.desc(), EmulationPlan.id)))


def load_plan(ctx: Context, plan_id: int) -> EmulationPlan:
    user = require_actor(ctx.actor)
    plan = ctx.session.get(EmulationPlan, plan_id)
    if plan is None or not _reaches(ctx, user, plan.unit_id):
        raise NotFound(f"Không tìm thấy kế hoạch thi đua số {plan_id}.")
    return plan


def get_plan(ctx: Context, plan_id: int) -> PlanView:
    """A plan with its tasks and their state today, and who is behind (late tasks by owner unit)."""
    return _plan_view(ctx, load_plan(ctx, plan_id), local_today(ctx.clock))


def _plan_view(ctx: Context, plan: EmulationPlan, today: date) -> PlanView:
    tasks = ctx.session.scalars(select(PlanTask).where(PlanTask.plan_id == plan.id)
                                .options(selectinload(PlanTask.owner_unit))
                                .order_by(PlanTask.due_on, PlanTask.id)).all()
    views = [TaskView(t, task_state(t, today)) for t in tasks]
    behind: dict[str, int] = defaultdict(int)
    for view in views:
        if view.state == "late":
            behind[view.task.owner_unit.name] += 1
    return PlanView(plan, views, dict(sorted(behind.items(), key=lambda kv: (-kv[1], kv[0]))))


def plan_file(ctx: Context, plan_id: int) -> NamedFile:
    """The plan as issued, named by what it is and whose."""
    plan = load_plan(ctx, plan_id)
    if plan.file_sha256 is None or plan.file_type is None:
        raise NotFound("Kế hoạch chưa có văn bản đính kèm.")
    name = f"Kế hoạch thi đua năm {plan.year} - {plan.unit.name}.{EXTENSIONS.get(plan.file_type, 'bin')}"
    return NamedFile(attachment_store(ctx.settings).open(plan.file_sha256), name, plan.file_type)


# ---- movements ------------------------------------------------------------------------------------

def list_movements(ctx: Context, year: int | None = None) -> list[Movement]:
    """Movements launched by the units the caller sees and by the units above its own."""
    user = require_actor(ctx.actor)
    stmt = select(Movement).options(selectinload(Movement.unit), selectinload(Movement.parent))
    if not is_admin(ctx.session, user):
        stmt = stmt.where(_reach(ctx, user)(Movement.unit_id))
    if year is not None:
        stmt = stmt.where(Movement.starts_on <= date(year, 12, 31),
                          or_(Movement.ends_on.is_(None), Movement.ends_on >= date(year, 1, 1)))
    return list(ctx.session.scalars(stmt.order_by(Movement.starts_on.desc(), Movement.id)))


def load_movement(ctx: Context, movement_id: int) -> Movement:
    user = require_actor(ctx.actor)
    movement = ctx.session.get(Movement, movement_id)
    if movement is None or not _reaches(ctx, user, movement.unit_id):
        raise NotFound(f"Không tìm thấy phong trào thi đua số {movement_id}.")
    return movement


@dataclass
class MovementView:
    movement: Movement
    answers: list[Movement]  # movements launched below in answer to this one
    responses: list[MovementResponse]
    registrations: list[Registration]
    nominations: list[Nomination]
    awards: list[GrantedAward]
    can_respond: list[Unit] = field(default_factory=list)  # units the caller may register for it


def get_movement(ctx: Context, movement_id: int) -> MovementView:
    """A movement's page: the movements answering it, who registered and reported, the registrations
    naming it, the nominations (dossiers) and awards it produced."""
    movement = load_movement(ctx, movement_id)
    user = require_actor(ctx.actor)
    answers = list(ctx.session.scalars(select(Movement).where(Movement.parent_id == movement.id)
                                       .options(selectinload(Movement.unit)).order_by(Movement.id)))
    responses = list(ctx.session.scalars(select(MovementResponse).where(MovementResponse.movement_id == movement.id)
                                         .options(selectinload(MovementResponse.unit))
                                         .order_by(MovementResponse.registered_at, MovementResponse.id)))
    registrations = list(ctx.session.scalars(select(Registration).where(Registration.movement_id == movement.id)
                                             .options(selectinload(Registration.unit)).order_by(Registration.id)))
    nominations = list(ctx.session.scalars(select(Nomination).where(Nomination.movement_id == movement.id)
                                           .options(selectinload(Nomination.dossier)).order_by(Nomination.id)))
    awards = list(ctx.session.scalars(select(GrantedAward).where(
        GrantedAward.nomination_id.in_([n.id for n in nominations]), GrantedAward.revoked_at.is_(None))
        .options(selectinload(GrantedAward.awardee)).order_by(GrantedAward.id))) if nominations else []
    answered = {r.unit_id for r in responses}
    held = ctx.session.scalars(select(Unit).where(Unit.id.in_(
        select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id))).order_by(Unit.name)).all()
    can_respond = [u for u in held if u.id not in answered and movement.unit_id in ancestors(ctx, u.id)]
    return MovementView(movement, answers, responses, registrations, nominations, awards, can_respond)


@dataclass(frozen=True)
class MovementSummary:
    """What a movement produced, in figures: for a report."""

    movement: Movement
    units_registered: int  # units below that registered for it
    units_reported: int
    registrations: int  # titles registered naming it
    nominations: int
    awards: int  # granted and not revoked


@dataclass
class UnitYear:
    """A unit's emulation year as its periodic report reads it: its plans with their tasks, the
    movements it launched and those launched above that it answered."""

    plans: list[PlanView]
    launched: list[MovementSummary]
    answered: list[MovementSummary]


def unit_year(ctx: Context, unit_id: int, year: int, start: date, end: date) -> UnitYear:
    """For the report of `unit_id` over `start`–`end` (the caller has checked its right on the unit): its
    plans of `year` with their tasks as they stand on `end` (or today, if sooner), the movements running
    in the period it launched or answered; one query per kind."""
    as_of = min(end, local_today(ctx.clock))
    plans = [_plan_view(ctx, plan, as_of) for plan in ctx.session.scalars(
        select(EmulationPlan).where(EmulationPlan.unit_id == unit_id, EmulationPlan.year == year)
        .order_by(EmulationPlan.id))]
    running = (Movement.starts_on <= end) & or_(Movement.ends_on.is_(None), Movement.ends_on >= start)
    launched = list(ctx.session.scalars(select(Movement).where(Movement.unit_id == unit_id, running)
                                        .order_by(Movement.starts_on, Movement.id)))
    answered = list(ctx.session.scalars(select(Movement).where(running, Movement.id.in_(
        select(MovementResponse.movement_id).where(MovementResponse.unit_id == unit_id)))
        .options(selectinload(Movement.unit)).order_by(Movement.starts_on, Movement.id)))
    summaries = _summaries(ctx, [m.id for m in launched + answered])
    return UnitYear(plans, [summaries(m) for m in launched], [summaries(m) for m in answered])


def _summaries(ctx: Context, ids: list[int]) -> Any:
    def counted(stmt: Any) -> dict[int, int]:
        return {movement_id: n for movement_id, n in ctx.session.execute(stmt)} if ids else {}

    responses = counted(select(MovementResponse.movement_id, func.count()).where(
        MovementResponse.movement_id.in_(ids)).group_by(MovementResponse.movement_id))
    reported = counted(select(MovementResponse.movement_id, func.count()).where(
        MovementResponse.movement_id.in_(ids), MovementResponse.reported_at.is_not(None))
        .group_by(MovementResponse.movement_id))
    registrations = counted(select(Registration.movement_id, func.count()).where(
        Registration.movement_id.in_(ids)).group_by(Registration.movement_id))
    nominations = counted(select(Nomination.movement_id, func.count()).where(
        Nomination.movement_id.in_(ids)).group_by(Nomination.movement_id))
    awards = counted(select(Nomination.movement_id, func.count()).join(
        GrantedAward, GrantedAward.nomination_id == Nomination.id).where(
        Nomination.movement_id.in_(ids), GrantedAward.revoked_at.is_(None)).group_by(Nomination.movement_id))
    return lambda m: MovementSummary(m, responses.get(m.id, 0), reported.get(m.id, 0), registrations.get(m.id, 0),
                                     nominations.get(m.id, 0), awards.get(m.id, 0))


# ---- registrations --------------------------------------------------------------------------------

@dataclass
class RegistrationList:
    unit: Unit
    year: int
    due_on: date | None  # set by the unit in its plan for those below, else by the nearest level above
    registrations: list[Registration]
    by_award: dict[str, int]  # award type → how many registered
    units: dict[str, int]  # unit name → how many registered


def registration_due(ctx: Context, unit_id: int, year: int) -> date | None:
    """The deadline the nearest unit above with a plan for `year` set for the registrations below it."""
    for above in ancestors(ctx, unit_id):
        due = ctx.session.scalar(select(EmulationPlan.registration_due_on).where(
            EmulationPlan.unit_id == above, EmulationPlan.year == year))
        if due is not None:
            return due
    return None


def consolidated(ctx: Context, unit_id: int, year: int) -> RegistrationList:
    """The registrations of the unit and of every unit below it, for the level above to read."""
    user = require_actor(ctx.actor)
    unit = ctx.session.get(Unit, unit_id)
    if unit is None or not can_see_unit(ctx, user, unit_id):
        raise NotFound(f"Không tìm thấy đơn vị số {unit_id}.")
    rows = list(ctx.session.scalars(
        select(Registration).where(Registration.year == year, Registration.unit_id.in_(units_below(unit_id)))
        .options(selectinload(Registration.unit))
        .order_by(Registration.unit_id, Registration.nominee_kind, Registration.nominee_name_folded,
                  Registration.id)))
    by_award: dict[str, int] = defaultdict(int)
    units: dict[str, int] = defaultdict(int)
    for row in rows:
        by_award[row.award_type] += 1
        units[row.unit.name] += 1
    own = ctx.session.scalar(select(EmulationPlan.registration_due_on).where(
        EmulationPlan.unit_id == unit_id, EmulationPlan.year == year))
    return RegistrationList(unit, year, own or registration_due(ctx, unit_id, year), rows,
                            dict(sorted(by_award.items())), dict(sorted(units.items())))


# ---- clusters -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Standing:
    rank: int
    unit_id: int
    unit_name: str
    self_total: Decimal
    total: Decimal
    disputed: int  # criteria whose points the head adjusted
    scored: int  # criteria scored of the sheet


@dataclass
class ClusterView:
    year: ClusterYear
    members: list[Unit]
    scores: list[ClusterScore]
    ranking: list[Standing]

    @property
    def sheet(self) -> list[dict[str, Any]]:
        return list(self.year.sheet.get("criteria", []))


def _signed(criteria: dict[str, dict[str, Any]], score: ClusterScore, value: Decimal) -> Decimal:
    return -value if criteria.get(score.criterion, {}).get("kind") == "penalty" else value


def ranking(members: list[Unit], sheet: list[dict[str, Any]], scores: list[ClusterScore]) -> list[Standing]:
    """Members by total points (penalties subtract), best first; equal totals share a rank."""
    criteria = {c["code"]: c for c in sheet}
    totals: dict[int, list[Any]] = {m.id: [m.name, Decimal(0), Decimal(0), 0, 0] for m in members}
    for score in scores:
        if score.unit_id not in totals:
            continue
        entry = totals[score.unit_id]
        entry[1] += _signed(criteria, score, score.self_points)
        entry[2] += _signed(criteria, score, score.points)
        entry[3] += score.adjusted_points is not None and score.adjusted_points != score.self_points
        entry[4] += 1
    ordered = sorted(totals.items(), key=lambda kv: (-kv[1][2], kv[1][0]))
    standings: list[Standing] = []
    for position, (unit_id, (name, self_total, total, disputed, scored)) in enumerate(ordered, start=1):
        rank = standings[-1].rank if standings and standings[-1].total == total else position
        standings.append(Standing(rank, unit_id, name, self_total, total, disputed, scored))
    return standings


def list_clusters(ctx: Context, year: int | None = None) -> list[ClusterYear]:
    user = require_actor(ctx.actor)
    stmt = select(ClusterYear).join(Cluster).options(
        selectinload(ClusterYear.cluster).selectinload(Cluster.organiser_unit), selectinload(ClusterYear.head_unit))
    if year is not None:
        stmt = stmt.where(ClusterYear.year == year)
    rows = list(ctx.session.scalars(stmt.order_by(ClusterYear.year.desc(), ClusterYear.id)))
    if is_admin(ctx.session, user):
        return rows
    seen = set(ctx.session.scalars(select(Unit.id).where(_reach(ctx, user)(Unit.id))))
    return [row for row in rows if row.cluster.organiser_unit_id in seen or seen & set(row.members)]


def load_cluster_year(ctx: Context, cluster_year_id: int) -> ClusterYear:
    user = require_actor(ctx.actor)
    row = ctx.session.get(ClusterYear, cluster_year_id)
    if row is None:
        raise NotFound(f"Không tìm thấy cụm, khối thi đua số {cluster_year_id}.")
    if not is_admin(ctx.session, user):
        seen = set(ctx.session.scalars(select(Unit.id).where(_reach(ctx, user)(Unit.id))))
        if row.cluster.organiser_unit_id not in seen and not seen & set(row.members):
            raise NotFound(f"Không tìm thấy cụm, khối thi đua số {cluster_year_id}.")
    return row


def get_cluster_year(ctx: Context, cluster_year_id: int) -> ClusterView:
    """A cluster's year: members, the scoring sheet, every score and the ranking."""
    row = load_cluster_year(ctx, cluster_year_id)
    members = list(ctx.session.scalars(select(Unit).where(Unit.id.in_(row.members)).order_by(Unit.name)))
    scores = list(ctx.session.scalars(select(ClusterScore).where(ClusterScore.cluster_year_id == row.id)
                                      .order_by(ClusterScore.unit_id, ClusterScore.id)))
    return ClusterView(row, members, scores, ranking(members, list(row.sheet.get("criteria", [])), scores))


def nominations_of_movement(ctx: Context, movement_id: int) -> list[Dossier]:
    """The dossiers holding nominations that name the movement."""
    load_movement(ctx, movement_id)
    return list(ctx.session.scalars(select(Dossier).where(Dossier.id.in_(
        select(Nomination.dossier_id).where(Nomination.movement_id == movement_id))).order_by(Dossier.id)))
