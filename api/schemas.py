"""Request and response schemas; they validate input and generate the OpenAPI document.

Output has one description: the response schemas. A route returns what the engine's queries give
(a model, a read model of a domain's `queries`, a Page of them, or a mapping the engine made) and
its response schema picks, names and dumps the fields; no presenter rebuilds them as a dict. Where
a field is not an attribute of the object, the schema says how it is read (`attribute=`, `Inline`,
`derived`). Response schemas of a resource live beside its request schemas (dossier_schemas.py…).
"""
from __future__ import annotations

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
    Since,
    Str,
    between,
    derived,
    length,
    one_of,
)
from engine.models import HumanTaskState, Role, UnitLevel

MAX_PER_PAGE = 200
MAX_PAGE = 100_000


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


# ---- common -------------------------------------------------------------------------------------

class ProblemSchema(BaseSchema):
    type = Str(required=True, metadata=_doc("Mã loại lỗi (URI)."))
    title = Str(required=True, metadata=_doc("Tên lỗi."))
    status = Int(required=True, metadata=_doc("Mã trạng thái HTTP."))
    detail = Str(required=True, metadata=_doc("Mô tả lỗi cho người dùng."))
    errors = Dict(keys=Str(), values=Str(),
                  metadata=_doc("Lỗi theo từng trường: đường dẫn trường → thông báo."))
    candidates = List(Dict(), metadata=_doc(
        "Khi tên trùng với nhiều người trong sổ theo dõi (loại lỗi `ambiguous-person`): các ứng viên (mã số, "
        "họ tên, ngày sinh, giới tính, chức vụ, đơn vị; `for`: đề nghị nào) để chọn đúng người."))


class PageArgsSchema(BaseSchema):
    page = Int(load_default=1, validate=between(1, MAX_PAGE), metadata=_doc("Trang, bắt đầu từ 1."))
    per_page = Int(load_default=20, validate=between(1, MAX_PER_PAGE),
                   metadata=_doc(f"Số mục mỗi trang (1–{MAX_PER_PAGE}, mặc định 20)."))


class PageSchema(BaseSchema):
    total = Int(required=True, metadata=_doc("Tổng số mục khớp điều kiện."))
    page = Int(required=True)
    per_page = Int(required=True)


class UnitRefSchema(BaseSchema):
    id = Int(required=True)
    code = Str(required=True)
    name = Str(required=True)


class UserRefSchema(BaseSchema):
    id = Int(required=True)
    username = Str(required=True)
    full_name = Str(required=True)


# ---- auth and identity --------------------------------------------------------------------------

class LoginSchema(BaseSchema):
    username = Str(required=True, validate=length(1, 80), metadata=_doc("Tên đăng nhập."))
    password = Str(required=True, load_only=True, validate=length(1, 256), metadata=_doc("Mật khẩu."))


class TokenSchema(BaseSchema):
    access_token = Str(required=True, metadata=_doc("Gửi lại trong tiêu đề `Authorization: Bearer …`."))
    token_type = Str(required=True, metadata=_doc("Luôn là `Bearer`."))
    expires_in = Int(required=True, metadata=_doc("Thời hạn của mã, tính bằng giây."))


class HeldRoleSchema(BaseSchema):
    role = Str(required=True, validate=one_of([r.value for r in Role]))
    role_label = derived(Str, lambda held: held.role.label, required=True,
                         metadata=_doc("Tên vai trò bằng tiếng Việt."))
    unit = Nested(UnitRefSchema, required=True)


class MeSchema(BaseSchema):
    """Dumps `{"user": User, "roles": [HeldRole], "csrf_token": …}`."""

    id = Int(required=True, attribute="user.id")
    username = Str(required=True, attribute="user.username")
    full_name = Str(required=True, attribute="user.full_name")
    roles = List(Nested(HeldRoleSchema), required=True)
    csrf_token = Str(allow_none=True, metadata=_doc(
        "Chỉ khi đăng nhập bằng phiên (cookie): gửi lại trong tiêu đề `X-CSRF-Token` với mọi yêu cầu "
        "POST, PATCH, PUT, DELETE."))


# ---- units --------------------------------------------------------------------------------------

class UnitArgsSchema(PageArgsSchema):
    parent = Id(metadata=_doc("Chỉ các đơn vị trực thuộc đơn vị có mã số này."))
    level = Str(validate=one_of([level.value for level in UnitLevel]), metadata=_doc("Cấp đơn vị."))
    q = Str(validate=length(high=200),
            metadata=_doc("Tìm theo mã hoặc tên, không phân biệt dấu và hoa thường."))


class UnitSchema(BaseSchema):
    id = Int(required=True)
    code = Str(required=True)
    name = Str(required=True)
    level = Str(required=True)
    abbreviation = Str(allow_none=True)
    parent_id = Int(allow_none=True)
    reviews_awards = Bool(required=True, metadata=_doc("Đơn vị có thẩm quyền xét khen thưởng."))


class UnitPageSchema(PageSchema):
    items = List(Nested(UnitSchema), required=True)


# ---- tasks --------------------------------------------------------------------------------------

class TaskArgsSchema(PageArgsSchema):
    dossier = Id(metadata=_doc("Chỉ nhiệm vụ của hồ sơ này."))
    key = Str(validate=length(high=100), metadata=_doc("Chỉ nhiệm vụ có khoá này (ví dụ `appraise`)."))
    mine = Bool(load_default=False, metadata=_doc("`1`: chỉ nhiệm vụ tôi đã nhận xử lý."))


class TaskSchema(BaseSchema):
    id = Int(required=True)
    key = Str(required=True, metadata=_doc("Khoá của nhiệm vụ trong quy trình."))
    name = Str(required=True)
    state = Str(required=True, validate=one_of([s.value for s in HumanTaskState]))
    dossier_id = Int(allow_none=True)
    complaint_id = Int(allow_none=True)
    unit = Nested(UnitRefSchema, required=True, metadata=_doc("Đơn vị thực hiện."))
    role = Str(required=True, metadata=_doc("Vai trò thực hiện tại đơn vị."))
    assignee_id = Int(allow_none=True, metadata=_doc("Người được giao đích danh (nếu có)."))
    due_at = DateTime(allow_none=True, metadata=_doc("Hạn xử lý."))
    claimed_by = Nested(UserRefSchema, allow_none=True, metadata=_doc("Cán bộ đang nhận xử lý."))
    created_at = DateTime(required=True)
    completed_at = DateTime(allow_none=True)


class TaskDetailSchema(TaskSchema):
    form = Dict(required=True, metadata=_doc("Biểu mẫu của nhiệm vụ (JSON Schema)."))
    data = Dict(required=True, metadata=_doc("Giá trị điền sẵn."))


class TaskPageSchema(PageSchema):
    items = List(Nested(TaskSchema), required=True)


class CompleteTaskSchema(BaseSchema):
    data = Dict(required=True, metadata=_doc("Dữ liệu biểu mẫu, kiểm tra theo JSON Schema của nhiệm vụ."))


class CompletionSchema(BaseSchema):
    task = Nested(TaskSchema, required=True)
    next_tasks = List(Nested(TaskSchema), required=True, metadata=_doc("Các nhiệm vụ vừa mở ra."))
    process_completed = Bool(required=True)
    receipt = Str(attribute="reply.receipt", metadata=_doc(
        "Biên nhận phiếu bầu kín (chỉ khi hoàn thành `cast_ballot`): tra cứu tại GET /ballots/{receipt}; "
        "không gắn với người bỏ phiếu."))


# ---- audit, definitions, administration ---------------------------------------------------------

class AuditArgsSchema(PageArgsSchema):
    entity = Str(validate=length(high=110), metadata=_doc("`loại` hoặc `loại:mã`, ví dụ `human_task:12`."))
    actor = Str(validate=length(high=80), metadata=_doc("Tên đăng nhập của người thực hiện."))
    action = Str(validate=length(high=60), metadata=_doc("Loại sự kiện, ví dụ `task_completed`."))
    since = Since(metadata=_doc("Từ ngày (YYYY-MM-DD) hoặc thời điểm (ISO 8601)."))


class AuditEventSchema(BaseSchema):
    seq = Int(required=True)
    at = DateTime(required=True)
    actor_id = Int(allow_none=True)
    actor = Str(allow_none=True)
    role = Str(allow_none=True)
    unit_id = Int(allow_none=True)
    action = Str(required=True)
    entity_type = Str(required=True)
    entity_id = Str(allow_none=True)
    dossier_id = Int(allow_none=True)
    complaint_id = Int(allow_none=True)
    before = Raw(allow_none=True)
    after = Raw(allow_none=True)
    reason = Str(allow_none=True)
    request_id = Str(allow_none=True)
    prev_hash = Str(required=True)
    hash = Str(required=True)


class AuditPageSchema(PageSchema):
    items = List(Nested(AuditEventSchema), required=True)


class ChainReportSchema(BaseSchema):
    ok = Bool(required=True, metadata=_doc("Chuỗi băm toàn vẹn."))
    events = Int(required=True, metadata=_doc("Số sự kiện đã kiểm tra hợp lệ."))
    head_hash = Str(required=True, metadata=_doc("Mã băm của sự kiện hợp lệ cuối cùng."))
    first_bad_seq = Int(allow_none=True, metadata=_doc("Số thứ tự của sự kiện hỏng đầu tiên."))
    problem = Str(allow_none=True)
    full = Bool(metadata=_doc("Đã duyệt mọi sự kiện (sai: chỉ các sự kiện sau điểm neo cuối)."))
    checkpoints = Int(metadata=_doc("Số điểm neo đã ký hợp lệ được đối chiếu."))
    last_checkpoint_seq = Int(allow_none=True, metadata=_doc("Sự kiện cuối được điểm neo gần nhất ký."))
    checked_from_seq = Int(metadata=_doc("Việc duyệt bắt đầu sau sự kiện số này."))
    unchecked = Int(metadata=_doc("Số sự kiện chưa duyệt (quá giới hạn một yêu cầu): để lần duyệt toàn bộ."))
    last_full_walk = Dict(allow_none=True, metadata=_doc("Kết quả lần duyệt toàn bộ gần nhất "
                                                         "(`khenthuong audit verify`)."))


class DeployedVersionSchema(BaseSchema):
    key = Str(required=True)
    name = Str(required=True)
    version = Str(required=True, attribute="content_hash", metadata=_doc("Mã băm nội dung của phiên bản."))
    source_file = Str(required=True)
    deployed_at = DateTime(required=True)
    running_instances = Int(required=True, metadata=_doc("Số hồ sơ/quy trình đang chạy trên phiên bản này."))
    current = Bool(required=True, metadata=_doc("Phiên bản dùng cho các quy trình mới."))


class ImportSummarySchema(BaseSchema):
    units_created = Int(required=True)
    units_updated = Int(required=True)
    users_created = Int(required=True)
    users_updated = Int(required=True)
    roles_granted = Int(required=True)
    roles_revoked = Int(required=True)
    councils_created = Int(required=True)
    councils_updated = Int(required=True)
    awardees_created = Int(required=True)
    awardees_updated = Int(required=True)
    awards_recorded = Int(required=True)
    awards_updated = Int(required=True)
    initiatives_recorded = Int(required=True)
    initiatives_updated = Int(required=True)
    changed = Bool(required=True, metadata=_doc("Lần nhập này có thay đổi dữ liệu."))
    warnings = List(Str(), required=True)
