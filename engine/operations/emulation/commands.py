"""Changing the emulation year: plans and their tasks, movements and the answers of the units below,
registrations (typed), clusters with their scoring sheet, self-scores and the head's adjustments,
yearly grades. Each checks the caller's right on the unit, audits and flushes; never commits."""
from __future__ import annotations

from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import select

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Awardee,
    Cluster,
    ClusterScore,
    ClusterYear,
    EmulationPlan,
    Movement,
    MovementResponse,
    Nomination,
    PlanTask,
    Registration,
    TaskGrade,
    Unit,
    YearlyGrade,
)
from engine.operations.access import require_actor
from engine.operations.emulation import queries
from engine.operations.emulation.inputs import (
    AdjustInput,
    ClusterInput,
    FollowInput,
    MovementInput,
    PlanInput,
    RegistrationLine,
    RegistrationsInput,
    ResponseInput,
    ScoreLine,
    TaskInput,
)
from engine.operations.registry.queries import can_keep_awardee
from engine.rules import load_rules
from engine.storage import attachment_store, clean_upload_name
from engine.text import fold
from engine.vocabulary import AuditAction

# ---- plans ----------------------------------------------------------------------------------------


def record_plan(ctx: Context, given: PlanInput) -> EmulationPlan:
    """The unit's plan for the year (one per unit and year: Conflict for a second)."""
    user = queries.require_keeper(ctx, given.unit_id)
    if ctx.session.scalar(select(EmulationPlan.id).where(EmulationPlan.unit_id == given.unit_id,
                                                         EmulationPlan.year == given.year)):
        raise Conflict(f"Đơn vị đã có kế hoạch thi đua năm {given.year}.", {"year": "Đã có kế hoạch của năm này."})
    plan = EmulationPlan(unit_id=given.unit_id, year=given.year, title=given.title,
                         document_number=given.document_number, document_date=given.document_date,
                         registration_due_on=given.registration_due_on, created_by_id=user.id,
                         created_at=ctx.clock.now())
    ctx.session.add(plan)
    ctx.session.flush()
    audit.record(ctx, AuditAction.PLAN_RECORDED, "emulation_plan", plan.id, unit_id=plan.unit_id,
                 after={"year": plan.year, "title": plan.title, "number": plan.document_number,
                        "registration_due_on": plan.registration_due_on.isoformat()
                        if plan.registration_due_on else None})
    return plan


def attach_plan_file(ctx: Context, plan_id: int, filename: str | None, stream: BinaryIO) -> EmulationPlan:
    """The plan as issued (PDF, DOCX…), kept in the attachment store; a new file replaces the old."""
    plan = queries.load_plan(ctx, plan_id)
    queries.require_keeper(ctx, plan.unit_id)
    stored = attachment_store(ctx.settings).put_upload(stream, ctx.settings.max_upload_bytes)
    before = {"sha256": plan.file_sha256}
    plan.file_sha256, plan.file_type = stored.sha256, stored.content_type
    plan.file_name = clean_upload_name(filename, stored.content_type, "ke-hoach-thi-dua")
    ctx.session.flush()
    audit.record(ctx, AuditAction.PLAN_FILE_ATTACHED, "emulation_plan", plan.id, unit_id=plan.unit_id,
                 before=before, after={"sha256": stored.sha256, "filename": plan.file_name, "size": stored.size})
    return plan


def add_task(ctx: Context, plan_id: int, given: TaskInput) -> PlanTask:
    plan = queries.load_plan(ctx, plan_id)
    queries.require_keeper(ctx, plan.unit_id)
    if ctx.session.get(Unit, given.owner_unit_id) is None:
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"owner_unit": f"Không có đơn vị số {given.owner_unit_id}."})
    task = PlanTask(plan_id=plan.id, title=given.title, owner_unit_id=given.owner_unit_id, due_on=given.due_on,
                    created_at=ctx.clock.now())
    ctx.session.add(task)
    ctx.session.flush()
    audit.record(ctx, AuditAction.PLAN_TASK_ADDED, "emulation_plan_task", task.id, unit_id=plan.unit_id,
                 after={"plan_id": plan.id, "title": task.title, "owner_unit_id": task.owner_unit_id,
                        "due_on": task.due_on.isoformat()})
    return task


def follow_task(ctx: Context, task_id: int, given: FollowInput) -> PlanTask:
    """Mark a task done (or not yet) with notes: the owner unit or the plan's office."""
    user = require_actor(ctx.actor)
    task = ctx.session.get(PlanTask, task_id)
    if task is None:
        raise NotFound(f"Không tìm thấy nhiệm vụ số {task_id}.")
    plan = queries.load_plan(ctx, task.plan_id)
    if not (queries.can_keep(ctx, user, plan.unit_id) or queries.can_speak_for(ctx, user, task.owner_unit_id)):
        raise Forbidden("Chỉ đơn vị được giao nhiệm vụ hoặc cơ quan thường trực được cập nhật tiến độ.")
    if given.done_on is not None and given.done_on > local_today(ctx.clock):
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"done_on": "Ngày hoàn thành không được sau hôm nay."})
    before = {"done_on": task.done_on.isoformat() if task.done_on else None, "note": task.note}
    task.done_on, task.note = given.done_on, given.note
    ctx.session.flush()
    audit.record(ctx, AuditAction.PLAN_TASK_FOLLOWED, "emulation_plan_task", task.id, unit_id=plan.unit_id,
                 before=before, after={"done_on": task.done_on.isoformat() if task.done_on else None,
                                       "note": task.note})
    return task


# ---- movements ------------------------------------------------------------------------------------

def launch_movement(ctx: Context, given: MovementInput) -> Movement:
    """A movement launched by a unit; answering one launched by a unit above it, when `parent_id`."""
    user = queries.require_keeper(ctx, given.unit_id)
    if given.parent_id is not None:
        parent = ctx.session.get(Movement, given.parent_id)
        if parent is None or parent.unit_id not in queries.ancestors(ctx, given.unit_id):
            raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                               {"parent": "Phải là một phong trào do cấp trên của đơn vị phát động."})
    movement = Movement(unit_id=given.unit_id, kind=given.kind, theme=given.theme, content=given.content,
                        criteria=given.criteria, starts_on=given.starts_on, ends_on=given.ends_on,
                        parent_id=given.parent_id, created_by_id=user.id, created_at=ctx.clock.now())
    ctx.session.add(movement)
    ctx.session.flush()
    audit.record(ctx, AuditAction.MOVEMENT_LAUNCHED, "movement", movement.id, unit_id=movement.unit_id,
                 after={"kind": movement.kind, "theme": movement.theme, "parent_id": movement.parent_id,
                        "starts_on": movement.starts_on.isoformat(),
                        "ends_on": movement.ends_on.isoformat() if movement.ends_on else None})
    return movement


def respond(ctx: Context, movement_id: int, given: ResponseInput) -> MovementResponse:
    """A unit below the launching one registers for the movement (its commitment), then reports on it:
    the first call registers, later ones report."""
    movement = queries.load_movement(ctx, movement_id)
    queries.require_speaker(ctx, given.unit_id)
    if movement.unit_id not in queries.ancestors(ctx, given.unit_id):
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"unit": "Chỉ các đơn vị cấp dưới của đơn vị phát động được tham gia phong trào."})
    answer = ctx.session.scalar(select(MovementResponse).where(MovementResponse.movement_id == movement.id,
                                                               MovementResponse.unit_id == given.unit_id))
    now = ctx.clock.now()
    if answer is None:
        answer = MovementResponse(movement_id=movement.id, unit_id=given.unit_id, commitment=given.commitment,
                                  registered_at=now)
        ctx.session.add(answer)
        ctx.session.flush()
        audit.record(ctx, AuditAction.MOVEMENT_JOINED, "movement", movement.id, unit_id=given.unit_id,
                     after={"unit_id": given.unit_id, "commitment": given.commitment})
    elif given.commitment is not None:
        answer.commitment = given.commitment
    if given.report is not None:
        answer.report, answer.reported_at = given.report, now
        ctx.session.flush()
        audit.record(ctx, AuditAction.MOVEMENT_REPORTED, "movement", movement.id, unit_id=given.unit_id,
                     after={"unit_id": given.unit_id, "report": given.report})
    return answer


def link_nomination(ctx: Context, movement_id: int, nomination_id: int) -> Nomination:
    """The nomination rewards achievements in the movement (the proposing unit's office or above)."""
    movement = queries.load_movement(ctx, movement_id)
    nomination = ctx.session.get(Nomination, nomination_id)
    if nomination is None:
        raise NotFound(f"Không tìm thấy đề nghị số {nomination_id}.")
    user = require_actor(ctx.actor)
    if not queries.can_speak_for(ctx, user, nomination.dossier.proposing_unit_id):
        raise NotFound(f"Không tìm thấy đề nghị số {nomination_id}.")
    before = {"movement_id": nomination.movement_id}
    nomination.movement_id = movement.id
    ctx.session.flush()
    audit.record(ctx, AuditAction.MOVEMENT_NOMINATION_LINKED, "nomination", nomination.id,
                 unit_id=nomination.dossier.proposing_unit_id, dossier_id=nomination.dossier_id,
                 before=before, after={"movement_id": movement.id})
    return nomination


# ---- registrations --------------------------------------------------------------------------------

def award_codes(ctx: Context) -> dict[str, str]:
    """Every code and name an award type is known by (folded) → its code."""
    catalogue, _calendar = load_rules(ctx.settings.rules_dir)
    known: dict[str, str] = {}
    for version in catalogue.versions:
        for award_type in version.award_types:
            known.setdefault(fold(award_type.code), award_type.code)
            known.setdefault(fold(award_type.name), award_type.code)
    return known


def check_lines(ctx: Context, lines: list[RegistrationLine], path: str = "registrations") -> dict[str, str]:
    """Faults of content of the lines (unknown award type, movement, awardee), by field path."""
    known = award_codes(ctx)
    errors: dict[str, str] = {}
    for index, line in enumerate(lines):
        if fold(line.award_type) not in known:
            errors[f"{path}[{index}].award_type"] = f"Không có danh hiệu '{line.award_type}' trong danh mục."
        if line.movement_id is not None and ctx.session.get(Movement, line.movement_id) is None:
            errors[f"{path}[{index}].movement"] = f"Không có phong trào số {line.movement_id}."
        if line.awardee_id is not None:
            awardee = ctx.session.get(Awardee, line.awardee_id)
            user = require_actor(ctx.actor)
            if awardee is None or not can_keep_awardee(ctx, user, awardee):
                errors[f"{path}[{index}].awardee"] = f"Không có cá nhân, tập thể số {line.awardee_id}."
    return errors


def register(ctx: Context, given: RegistrationsInput, *, lines_checked: bool = False) -> list[Registration]:
    """The unit's registrations for the year, added to those it has (a line already registered is kept
    once). Refused after the deadline the level above set in its plan for the year."""
    user = queries.require_speaker(ctx, given.unit_id)
    due = queries.registration_due(ctx, given.unit_id, given.year)
    above = queries.ancestors(ctx, given.unit_id)
    if due is not None and local_today(ctx.clock) > due and not (above and queries.can_keep(ctx, user, above[0])):
        raise Conflict(f"Đã hết hạn đăng ký thi đua năm {given.year} (hạn {due:%d/%m/%Y}, do cấp trên đặt); "
                       "liên hệ cơ quan thường trực cấp trên.")
    if not lines_checked and (errors := check_lines(ctx, given.lines)):
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.", errors)
    known = award_codes(ctx)
    existing = {(r.nominee_kind, r.nominee_name_folded, r.award_type) for r in ctx.session.scalars(
        select(Registration).where(Registration.unit_id == given.unit_id, Registration.year == given.year))}
    added = []
    now = ctx.clock.now()
    for line in given.lines:
        code = known[fold(line.award_type)]
        key = (line.kind, fold(line.name), code)
        if key in existing:
            continue
        existing.add(key)
        row = Registration(unit_id=given.unit_id, year=given.year, nominee_kind=line.kind, nominee_name=line.name,
                           nominee_name_folded=fold(line.name), position=line.position, awardee_id=line.awardee_id,
                           award_type=code, movement_id=line.movement_id, created_by_id=user.id, created_at=now)
        ctx.session.add(row)
        added.append(row)
    ctx.session.flush()
    if added:
        audit.record(ctx, AuditAction.REGISTRATIONS_RECORDED, "unit", given.unit_id, unit_id=given.unit_id,
                     after={"year": given.year, "registrations": [r.id for r in added]})
    return added


# ---- clusters -------------------------------------------------------------------------------------

def set_cluster_year(ctx: Context, given: ClusterInput) -> ClusterYear:
    """A cluster (found by name at its organiser, else created) in a year: members, head and deputy,
    the pact, the scoring sheet. Setting a year again replaces it; a changed sheet is a new version."""
    queries.require_keeper(ctx, given.organiser_unit_id)
    below = set(ctx.session.scalars(queries.units_below(given.organiser_unit_id)))
    if outside := [u for u in given.members if u not in below or u == given.organiser_unit_id]:
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"members": "Không phải đơn vị cấp dưới của đơn vị tổ chức: "
                            + ", ".join(map(str, outside)) + "."})
    cluster = ctx.session.scalar(select(Cluster).where(Cluster.organiser_unit_id == given.organiser_unit_id,
                                                       Cluster.name == given.name))
    if cluster is None:
        cluster = Cluster(name=given.name, kind=given.kind, organiser_unit_id=given.organiser_unit_id,
                          created_at=ctx.clock.now())
        ctx.session.add(cluster)
        ctx.session.flush()
    sheet = {"criteria": [c.as_dict() for c in given.sheet]}
    row = ctx.session.scalar(select(ClusterYear).where(ClusterYear.cluster_id == cluster.id,
                                                       ClusterYear.year == given.year))
    before = None
    if row is None:
        row = ClusterYear(cluster_id=cluster.id, year=given.year, sheet=sheet, sheet_version=1,
                          created_at=ctx.clock.now(), members=[], head_unit_id=given.head_unit_id)
        ctx.session.add(row)
    else:
        before = {"members": row.members, "head": row.head_unit_id, "deputy": row.deputy_unit_id,
                  "sheet_version": row.sheet_version}
        if row.sheet != sheet:
            row.sheet, row.sheet_version = sheet, row.sheet_version + 1
    row.members, row.head_unit_id, row.deputy_unit_id = list(given.members), given.head_unit_id, given.deputy_unit_id
    row.pact_number, row.pact_signed_on = given.pact_number, given.pact_signed_on
    ctx.session.flush()
    audit.record(ctx, AuditAction.CLUSTER_YEAR_SET, "emulation_cluster_year", row.id,
                 unit_id=given.organiser_unit_id, before=before,
                 after={"cluster": cluster.name, "year": row.year, "members": row.members, "head": row.head_unit_id,
                        "deputy": row.deputy_unit_id, "sheet_version": row.sheet_version})
    return row


def _shown(points: object) -> str:
    """Points as a Vietnamese reads them: 40, 7,5."""
    return f"{Decimal(str(points)).normalize():f}".replace(".", ",")


def _criteria(row: ClusterYear) -> dict[str, dict[str, object]]:
    return {str(c["code"]): c for c in row.sheet.get("criteria", [])}


def self_score(ctx: Context, cluster_year_id: int, unit_id: int, lines: list[ScoreLine]) -> list[ClusterScore]:
    """A member scores itself on criteria of the sheet, with evidence where the sheet requires it.
    A criterion the head has adjusted keeps the head's points until the head adjusts again."""
    row = queries.load_cluster_year(ctx, cluster_year_id)
    queries.require_speaker(ctx, unit_id)
    if unit_id not in row.members:
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"unit": "Đơn vị không phải thành viên của cụm, khối năm này."})
    criteria = _criteria(row)
    errors: dict[str, str] = {}
    for index, line in enumerate(lines):
        criterion = criteria.get(line.criterion)
        if criterion is None:
            errors[f"scores[{index}].criterion"] = f"Không có tiêu chí '{line.criterion}' trong bảng chấm điểm."
        elif line.points > Decimal(str(criterion["max_points"])):
            errors[f"scores[{index}].points"] = f"Tối đa {_shown(criterion['max_points'])} điểm."
        elif criterion.get("evidence_required") and line.points > 0 and not line.evidence:
            errors[f"scores[{index}].evidence"] = "Tiêu chí này cần minh chứng."
    if errors:
        raise InvalidInput("Điểm tự chấm chưa hợp lệ; xem lỗi từng trường.", errors)
    existing = {s.criterion: s for s in ctx.session.scalars(select(ClusterScore).where(
        ClusterScore.cluster_year_id == row.id, ClusterScore.unit_id == unit_id))}
    now, saved = ctx.clock.now(), []
    for line in lines:
        score = existing.get(line.criterion)
        if score is None:
            score = ClusterScore(cluster_year_id=row.id, unit_id=unit_id, criterion=line.criterion,
                                 self_points=line.points, evidence=line.evidence, sheet_version=row.sheet_version,
                                 scored_at=now)
            ctx.session.add(score)
        else:
            score.self_points, score.evidence, score.scored_at = line.points, line.evidence, now
            score.sheet_version = row.sheet_version
        saved.append(score)
    ctx.session.flush()
    audit.record(ctx, AuditAction.CLUSTER_SELF_SCORED, "emulation_cluster_year", row.id, unit_id=unit_id,
                 after={"unit_id": unit_id, "scores": {line.criterion: str(line.points) for line in lines}})
    return saved


def adjust_score(ctx: Context, cluster_year_id: int, given: AdjustInput) -> ClusterScore:
    """The cluster head (its office) or the organiser's office sets a member's points on a criterion,
    with the reason; the member's own points stay beside."""
    row = queries.load_cluster_year(ctx, cluster_year_id)
    user = require_actor(ctx.actor)
    if not (queries.can_keep(ctx, user, row.cluster.organiser_unit_id)
            or queries.can_speak_for(ctx, user, row.head_unit_id)):
        raise Forbidden("Chỉ cụm trưởng, khối trưởng hoặc đơn vị tổ chức cụm, khối được điều chỉnh điểm.")
    criterion = _criteria(row).get(given.criterion)
    if criterion is None:
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"criterion": f"Không có tiêu chí '{given.criterion}' trong bảng chấm điểm."})
    if given.points > Decimal(str(criterion["max_points"])):
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"points": f"Tối đa {_shown(criterion['max_points'])} điểm."})
    score = ctx.session.scalar(select(ClusterScore).where(
        ClusterScore.cluster_year_id == row.id, ClusterScore.unit_id == given.unit_id,
        ClusterScore.criterion == given.criterion))
    if score is None:
        raise NotFound("Đơn vị chưa tự chấm tiêu chí này; chỉ điều chỉnh được điểm đã tự chấm.")
    before = {"points": str(score.points), "self_points": str(score.self_points)}
    score.adjusted_points, score.adjust_reason, score.adjusted_at = given.points, given.reason, ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.CLUSTER_SCORE_ADJUSTED, "emulation_cluster_year", row.id, unit_id=given.unit_id,
                 before=before, after={"unit_id": given.unit_id, "criterion": given.criterion,
                                       "points": str(given.points)}, reason=given.reason)
    return score


# ---- yearly grades --------------------------------------------------------------------------------

def record_grade(ctx: Context, awardee_id: int, year: int, grade: TaskGrade) -> YearlyGrade:
    """A person's or collective's yearly grade, entered by the office keeping its record (replaces the
    grade of that year)."""
    user = require_actor(ctx.actor)
    awardee = ctx.session.get(Awardee, awardee_id)
    if awardee is None or awardee.merged_into_id is not None or not can_keep_awardee(ctx, user, awardee):
        raise NotFound(f"Không tìm thấy cá nhân, tập thể số {awardee_id}.")
    if not 2000 <= year <= local_today(ctx.clock).year:
        raise InvalidInput("Thông tin không hợp lệ; xem lỗi từng trường.",
                           {"year": f"Phải từ 2000 đến {local_today(ctx.clock).year}."})
    row = ctx.session.scalar(select(YearlyGrade).where(YearlyGrade.awardee_id == awardee.id, YearlyGrade.year == year))
    before = {"grade": row.grade.value} if row is not None else None
    if row is None:
        row = YearlyGrade(awardee_id=awardee.id, year=year, grade=grade, created_at=ctx.clock.now())
        ctx.session.add(row)
    else:
        row.grade = grade
    ctx.session.flush()
    audit.record(ctx, AuditAction.GRADE_RECORDED, "awardee", awardee.id, unit_id=awardee.unit_id,
                 before=before, after={"year": year, "grade": grade.value})
    return row

