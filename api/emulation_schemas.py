"""Request and response schemas of the emulation year: plans, movements, registrations, clusters,
grades. Requests are read by engine/operations/emulation/inputs.py; the request schemas here describe
them for the OpenAPI document, with that module's limits. Responses dump the models and read models
of engine/operations/emulation/queries.py."""
from __future__ import annotations

from marshmallow import fields

from api.fields import (
    BaseSchema,
    Bool,
    DateTime,
    Dict,
    Id,
    Int,
    List,
    Nested,
    Raw,
    Str,
    between,
    derived,
    length,
    one_of,
)
from api.schemas import UnitRefSchema
from engine.models import AwardeeKind, ClusterKind, MovementKind, TaskGrade
from engine.operations.emulation import inputs

MOVEMENT_KINDS = [k.value for k in MovementKind]


class Date(fields.Date):
    default_error_messages = {"required": "Bắt buộc nhập.", "null": "Không được để trống.",
                              "invalid": "Cần ngày dạng YYYY-MM-DD.", "format": "Không biểu diễn được ngày."}


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


# ---- requests -------------------------------------------------------------------------------------

class PlanCreateSchema(BaseSchema):
    unit = Id(required=True, metadata=_doc("Đơn vị ban hành kế hoạch."))
    year = Int(required=True)
    title = Str(required=True, validate=length(1, inputs.MAX_TITLE))
    document_number = Str(validate=length(1, inputs.MAX_NUMBER), metadata=_doc("Số văn bản, ví dụ 15/KH-UBND."))
    document_date = Date(metadata=_doc("Ngày ban hành."))
    registration_due_on = Date(metadata=_doc("Hạn đăng ký thi đua của các đơn vị cấp dưới."))


class TaskCreateSchema(BaseSchema):
    title = Str(required=True, validate=length(1, inputs.MAX_TITLE))
    owner_unit = Id(required=True, metadata=_doc("Đơn vị chủ trì."))
    due_on = Date(required=True)


class TaskFollowSchema(BaseSchema):
    done_on = Date(allow_none=True, metadata=_doc("Ngày hoàn thành; bỏ trống: chưa hoàn thành."))
    note = Str(validate=length(1, inputs.MAX_TEXT))


class MovementCreateSchema(BaseSchema):
    unit = Id(required=True, metadata=_doc("Đơn vị phát động."))
    kind = Str(required=True, validate=one_of(MOVEMENT_KINDS))
    theme = Str(required=True, validate=length(1, inputs.MAX_TITLE))
    content = Str(validate=length(1, inputs.MAX_TEXT))
    criteria = Str(validate=length(1, inputs.MAX_TEXT))
    starts_on = Date(required=True)
    ends_on = Date()
    parent = Id(metadata=_doc("Phong trào của cấp trên mà phong trào này hưởng ứng."))


class ResponseSchema(BaseSchema):
    unit = Id(required=True, metadata=_doc("Đơn vị cấp dưới tham gia."))
    commitment = Str(validate=length(1, inputs.MAX_TEXT), metadata=_doc("Nội dung đăng ký, cam kết."))
    report = Str(validate=length(1, inputs.MAX_TEXT), metadata=_doc("Báo cáo kết quả."))


class LinkNominationSchema(BaseSchema):
    nomination = Id(required=True)


class RegistrationLineSchema(BaseSchema):
    kind = Str(validate=one_of([k.value for k in AwardeeKind]), metadata=_doc("Mặc định: cá nhân."))
    name = Str(required=True, validate=length(1, inputs.MAX_NAME))
    position = Str(validate=length(1, inputs.MAX_POSITION))
    award_type = Str(required=True, metadata=_doc("Mã hoặc tên danh hiệu trong danh mục (LDTT, CSTD_CS…)."))
    awardee = Id(metadata=_doc("Người, tập thể trong sổ theo dõi (nếu đã có)."))
    movement = Id(metadata=_doc("Phong trào gắn với đăng ký (nếu có)."))


class RegistrationsCreateSchema(BaseSchema):
    unit = Id(required=True)
    year = Int(required=True)
    registrations = List(Nested(RegistrationLineSchema), required=True)


class ScoringCriterionSchema(BaseSchema):
    code = Str(required=True)
    group = Str(required=True, metadata=_doc("Nhóm tiêu chí."))
    title = Str(required=True)
    max_points = Str(required=True, metadata=_doc("Điểm tối đa (số, tối đa hai chữ số thập phân)."))
    kind = Str(validate=one_of(list(inputs.CRITERION_KINDS)), metadata=_doc("score | bonus (cộng) | penalty (trừ)."))
    evidence_required = Bool(metadata=_doc("Tự chấm trên 0 điểm phải kèm minh chứng."))


class ClusterCreateSchema(BaseSchema):
    name = Str(required=True)
    kind = Str(validate=one_of([k.value for k in ClusterKind]))
    organiser_unit = Id(required=True)
    year = Int(required=True)
    members = List(Id(), required=True)
    head_unit = Id(required=True)
    deputy_unit = Id()
    pact_number = Str()
    pact_signed_on = Date()
    sheet = List(Nested(ScoringCriterionSchema), required=True)


class ScoreLineSchema(BaseSchema):
    criterion = Str(required=True)
    points = Str(required=True)
    evidence = Str()


class SelfScoreSchema(BaseSchema):
    scores = List(Nested(ScoreLineSchema), required=True)


class AdjustSchema(BaseSchema):
    unit = Id(required=True)
    criterion = Str(required=True)
    points = Str(required=True)
    reason = Str(required=True)


class GradeSchema(BaseSchema):
    awardee = Id(required=True, metadata=_doc("Người, tập thể trong sổ theo dõi."))
    year = Int(required=True)
    grade = Str(required=True, validate=one_of([g.value for g in TaskGrade]))


class YearArgsSchema(BaseSchema):
    year = Int(validate=between(inputs.MIN_YEAR, inputs.MAX_YEAR), metadata=_doc("Lọc theo năm."))


class ConsolidatedArgsSchema(BaseSchema):
    unit = Id(required=True)
    year = Int(required=True, validate=between(inputs.MIN_YEAR, inputs.MAX_YEAR))


# ---- responses ------------------------------------------------------------------------------------

class PlanTaskViewSchema(BaseSchema):
    id = Int(required=True, attribute="task.id")
    title = Str(required=True, attribute="task.title")
    owner_unit = Nested(UnitRefSchema, required=True, attribute="task.owner_unit")
    due_on = Date(required=True, attribute="task.due_on")
    done_on = Date(allow_none=True, attribute="task.done_on")
    note = Str(allow_none=True, attribute="task.note")
    state = Str(required=True, metadata=_doc("done | done_late | late | open."))
    state_label = Str(required=True)


class PlanSchema(BaseSchema):
    id = Int(required=True)
    unit = Nested(UnitRefSchema, required=True)
    year = Int(required=True)
    title = Str(required=True)
    document_number = Str(allow_none=True)
    document_date = Date(allow_none=True)
    registration_due_on = Date(allow_none=True)
    has_file = derived(Bool, lambda p: p.file_sha256 is not None, required=True)
    created_at = DateTime(required=True)


class PlanViewSchema(BaseSchema):
    plan = Nested(PlanSchema, required=True)
    tasks = List(Nested(PlanTaskViewSchema), required=True)
    behind = Dict(keys=Str(), values=Int(), required=True, metadata=_doc("Đơn vị → số nhiệm vụ chậm."))
    late = Int(required=True)


class PlanTaskOutSchema(BaseSchema):
    id = Int(required=True)
    plan_id = Int(required=True)
    title = Str(required=True)
    owner_unit_id = Int(required=True)
    due_on = Date(required=True)
    done_on = Date(allow_none=True)
    note = Str(allow_none=True)


class MovementSchema(BaseSchema):
    id = Int(required=True)
    unit = Nested(UnitRefSchema, required=True)
    kind = Str(required=True, validate=one_of(MOVEMENT_KINDS))
    kind_label = derived(Str, lambda m: m.kind.label, required=True)
    theme = Str(required=True)
    content = Str(allow_none=True)
    criteria = Str(allow_none=True)
    starts_on = Date(required=True)
    ends_on = Date(allow_none=True)
    parent_id = Int(allow_none=True)


class ResponseOutSchema(BaseSchema):
    id = Int(required=True)
    movement_id = Int(required=True)
    unit = Nested(UnitRefSchema, required=True)
    commitment = Str(allow_none=True)
    registered_at = DateTime(required=True)
    report = Str(allow_none=True)
    reported_at = DateTime(allow_none=True)


class RegistrationSchema(BaseSchema):
    id = Int(required=True)
    unit = Nested(UnitRefSchema, required=True)
    year = Int(required=True)
    nominee_kind = Str(required=True)
    nominee_name = Str(required=True)
    position = Str(allow_none=True)
    award_type = Str(required=True)
    awardee_id = Int(allow_none=True)
    movement_id = Int(allow_none=True)


class NominationRefSchema(BaseSchema):
    id = Int(required=True)
    dossier_id = Int(required=True)
    award_type = Str(required=True)
    nominee_name = Str(required=True)
    status = Str(required=True)


class AwardRefSchema(BaseSchema):
    id = Int(required=True)
    awardee_id = Int(required=True)
    award_type = Str(required=True)
    year = Int(required=True)
    nomination_id = Int(allow_none=True)


class MovementViewSchema(BaseSchema):
    movement = Nested(MovementSchema, required=True)
    answers = List(Nested(MovementSchema), required=True, metadata=_doc("Phong trào cấp dưới hưởng ứng."))
    responses = List(Nested(ResponseOutSchema), required=True, metadata=_doc("Đơn vị đã đăng ký tham gia."))
    registrations = List(Nested(RegistrationSchema), required=True)
    nominations = List(Nested(NominationRefSchema), required=True)
    awards = List(Nested(AwardRefSchema), required=True)


class ConsolidatedSchema(BaseSchema):
    unit = Nested(UnitRefSchema, required=True)
    year = Int(required=True)
    due_on = Date(allow_none=True, metadata=_doc("Hạn đăng ký do cấp trên đặt."))
    registrations = List(Nested(RegistrationSchema), required=True)
    by_award = Dict(keys=Str(), values=Int(), required=True)
    units = Dict(keys=Str(), values=Int(), required=True)


class StandingSchema(BaseSchema):
    rank = Int(required=True)
    unit_id = Int(required=True)
    unit_name = Str(required=True)
    self_total = Str(required=True)
    total = Str(required=True)
    disputed = Int(required=True)
    scored = Int(required=True)


class ScoreSchema(BaseSchema):
    unit_id = Int(required=True)
    criterion = Str(required=True)
    self_points = Str(required=True)
    evidence = Str(allow_none=True)
    adjusted_points = Str(allow_none=True)
    adjust_reason = Str(allow_none=True)
    points = Str(required=True)
    sheet_version = Int(required=True)


class ClusterYearSchema(BaseSchema):
    id = Int(required=True)
    name = derived(Str, lambda r: r.cluster.name, required=True)
    kind = derived(Str, lambda r: r.cluster.kind.value, required=True)
    organiser_unit = derived(Int, lambda r: r.cluster.organiser_unit_id, required=True)
    year = Int(required=True)
    members = List(Int(), required=True)
    head_unit_id = Int(required=True)
    deputy_unit_id = Int(allow_none=True)
    pact_number = Str(allow_none=True)
    pact_signed_on = Date(allow_none=True)
    sheet = Raw(required=True)
    sheet_version = Int(required=True)


class ClusterViewSchema(BaseSchema):
    year = Nested(ClusterYearSchema, required=True)
    scores = List(Nested(ScoreSchema), required=True)
    ranking = List(Nested(StandingSchema), required=True)


class GradeOutSchema(BaseSchema):
    awardee_id = Int(required=True)
    year = Int(required=True)
    grade = Str(required=True)
    grade_label = derived(Str, lambda g: g.grade.label, required=True)


class VoteLineSchema(BaseSchema):
    unit_id = Int(required=True)
    unit_name = Str(required=True)
    rank = Int(required=True)
    total = Str(required=True)
    flag = Int(allow_none=True, metadata={"description": "Số phiếu đề nghị Cờ thi đua (sau khi kiểm phiếu)."})
    merit = Int(allow_none=True, metadata={"description": "Số phiếu đề nghị Bằng khen (sau khi kiểm phiếu)."})
    none = Int(allow_none=True, metadata={"description": "Số phiếu không đề nghị (sau khi kiểm phiếu)."})
    elected = Str(allow_none=True, metadata={"description": "flag | merit: được suy tôn; null: không."})
    award_type = Str(allow_none=True)


class ClusterVoteSchema(BaseSchema):
    id = Int(required=True)
    cluster_year_id = derived(Int, lambda v: v.vote.cluster_year_id, required=True)
    status = derived(Str, lambda v: v.vote.status.value, required=True)
    closed_how = derived(Str, lambda v: v.vote.closed_how.value if v.vote.closed_how else None, allow_none=True)
    awards = derived(Dict, lambda v: v.vote.awards, required=True)
    threshold = derived(Raw, lambda v: v.vote.threshold, required=True)
    limits = derived(Dict, lambda v: v.vote.limits, required=True)
    opened_at = derived(DateTime, lambda v: v.vote.opened_at, required=True)
    closed_at = derived(DateTime, lambda v: v.vote.closed_at, allow_none=True)
    dossier_id = derived(Int, lambda v: v.vote.dossier_id, allow_none=True)
    base = Int(allow_none=True)
    lines = List(Nested(VoteLineSchema), required=True)
    voted = List(Nested(UnitRefSchema), required=True, metadata={"description": "Đơn vị đã bỏ phiếu (không bao giờ "
                                                                              "kèm lựa chọn)."})
    not_voted = List(Nested(UnitRefSchema), required=True)
    reports_missing = List(Str(), required=True, metadata={
        "description": "Hồ sơ đề nghị còn là dự thảo: các đơn vị được suy tôn còn thiếu báo cáo thành tích "
                       "(biên bản suy tôn và tờ trình đã được đính kèm khi kiểm phiếu)."})


class ClusterBallotChoiceSchema(BaseSchema):
    unit_id = Int(required=True)
    unit = Str(required=True)
    rank = Int(required=True)
    choice = Str(required=True)


class ClusterBallotSchema(BaseSchema):
    receipt = Str(required=True)
    vote_id = Int(required=True)
    cluster_year_id = Int(required=True)
    counted = Bool(required=True)
    choices = List(Nested(ClusterBallotChoiceSchema), required=True)
