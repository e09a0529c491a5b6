"""Request and response schemas of complaints (khiếu nại) and denunciations (tố cáo).

A filing is read by engine/operations/complaints/inputs.py (the public endpoint must count the
attempt before anything is read); the request schemas here describe it for the OpenAPI document,
with the limits of that module. The response schemas dump the complaints and the read models of
engine/operations/complaints/queries.py (api/schemas.py).
"""
from __future__ import annotations

from typing import Any

from marshmallow import fields, post_dump

from api.fields import BaseSchema, Bool, DateTime, Id, Inline, Int, List, Nested, Str, derived, length, one_of
from api.schemas import PageArgsSchema, PageSchema, UnitRefSchema
from engine.models import ComplaintKind, ComplaintStatus
from engine.operations.complaints.inputs import (
    MAX_ADDRESS,
    MAX_CONTACT,
    MAX_CONTENT,
    MAX_EXTENSION_REASON,
    MAX_NAME,
    MAX_SECRET,
)

KINDS = [k.value for k in ComplaintKind]
STATUSES = [s.value for s in ComplaintStatus]


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


class Date(fields.Date):
    default_error_messages = {"required": "Bắt buộc nhập.", "null": "Không được để trống.",
                              "invalid": "Cần ngày dạng YYYY-MM-DD.", "format": "Không biểu diễn được ngày."}


# ---- requests -----------------------------------------------------------------------------------

class SubjectSchema(BaseSchema):
    decision_id = Id(metadata=_doc("Quyết định khen thưởng bị khiếu nại."))
    nomination_id = Id(metadata=_doc("Đề nghị khen thưởng (một người, một tập thể) bị khiếu nại, tố cáo."))
    dossier_id = Id(metadata=_doc("Hồ sơ đề nghị khen thưởng bị khiếu nại."))


class ComplainantSchema(BaseSchema):
    full_name = Str(required=True, validate=length(1, MAX_NAME), metadata=_doc("Họ tên người gửi đơn."))
    contact = Str(required=True, validate=length(1, MAX_CONTACT),
                  metadata=_doc("Số điện thoại hoặc thư điện tử để nhận thông báo."))
    address = Str(required=True, validate=length(1, MAX_ADDRESS),
                  metadata=_doc("Địa chỉ nơi cư trú của người gửi đơn."))


class ComplaintCreateSchema(BaseSchema):
    kind = Str(required=True, validate=one_of(KINDS), metadata=_doc("Khiếu nại hay tố cáo."))
    subject = Nested(SubjectSchema, required=True, metadata=_doc("Đúng một trong ba: quyết định, đề nghị, hồ sơ."))
    complainant = Nested(ComplainantSchema, required=True)
    content = Str(required=True, validate=length(1, MAX_CONTENT), metadata=_doc("Nội dung đơn."))
    remote_area = Bool(load_default=False, metadata=_doc("Vùng có điều kiện đi lại khó khăn (thời hạn dài hơn)."))
    learned_on = Date(metadata=_doc(
        "Ngày người khiếu nại nhận được hoặc biết được quyết định: thời hiệu khiếu nại tính từ ngày này "
        "(cán bộ thụ lý kiểm tra lại). Không sau hôm nay, không trước ngày ký quyết định."))


class EscalateSchema(BaseSchema):
    content = Str(validate=length(1, MAX_CONTENT),
                  metadata=_doc("Nội dung khiếu nại lần hai; bỏ trống để giữ nội dung lần đầu."))


class AcceptanceExtensionSchema(BaseSchema):
    reason = Str(required=True, validate=length(1, MAX_EXTENSION_REASON), metadata=_doc(
        "Lý do gia hạn: phải kiểm tra, xác minh tại nhiều địa điểm hoặc ủy quyền kiểm tra, xác minh."))


class ComplaintArgsSchema(PageArgsSchema):
    status = Str(validate=one_of(STATUSES))
    kind = Str(validate=one_of(KINDS))


# ---- responses ----------------------------------------------------------------------------------

class FiledSchema(BaseSchema):
    id = Int(required=True)
    tracking_code = Str(required=True, metadata=_doc("Mã theo dõi, ví dụ `KN-7F3K9Q2M`."))
    status = Str(required=True, validate=one_of(STATUSES))
    due_on = Date(allow_none=True, metadata=_doc("Hạn giải quyết; có khi đơn được thụ lý."))


class PublicFiledSchema(BaseSchema):
    tracking_code = Str(required=True, metadata=_doc("Mã theo dõi: giữ lại để tra cứu tình trạng đơn."))
    status = Str(required=True, validate=one_of(STATUSES))
    secret = Str(required=True, metadata=_doc(
        "Mã bí mật, chỉ cho biết một lần: cùng mã theo dõi, dùng để khiếu nại lần hai không cần đăng nhập."))


class PublicEscalateSchema(BaseSchema):
    secret = Str(required=True, validate=length(1, MAX_SECRET), metadata=_doc("Mã bí mật nhận khi gửi đơn."))
    content = Str(validate=length(1, MAX_CONTENT),
                  metadata=_doc("Nội dung khiếu nại lần hai; bỏ trống để giữ nội dung lần đầu."))


class PublicStatusSchema(BaseSchema):
    tracking_code = Str(required=True)
    kind = Str(required=True, validate=one_of(KINDS))
    status = Str(required=True, validate=one_of(STATUSES))
    instance_level = Int(required=True, metadata=_doc("1: giải quyết lần đầu, 2: lần hai."))
    filed_on = Date(required=True)
    due_on = Date(allow_none=True, metadata=_doc("Hạn giải quyết."))
    resolved_on = Date(allow_none=True)
    outcome = Str(allow_none=True, metadata=_doc("Kết quả giải quyết."))


class SubjectOutSchema(SubjectSchema):
    """The subject columns of a Complaint: only the one it has."""

    @post_dump
    def _given_only(self, data: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None}


class ComplainantOutSchema(BaseSchema):
    full_name = Str(required=True, attribute="complainant_name")
    contact = Str(required=True, attribute="complainant_contact")
    address = Str(allow_none=True, attribute="complainant_address",
                  metadata=_doc("Trống với đơn gửi trước khi có trường này."))


class ComplaintAttachmentSchema(BaseSchema):
    id = Int(required=True)
    filename = Str(required=True)
    content_type = Str(required=True)
    size = Int(required=True, metadata=_doc("Dung lượng (byte)."))
    sha256 = Str(required=True)
    uploaded_at = DateTime(required=True)


class ComplaintSchema(BaseSchema):
    """Dumps a ComplaintView."""

    id = Int(required=True)
    tracking_code = Str(required=True)
    kind = Str(required=True, validate=one_of(KINDS))
    status = Str(required=True, validate=one_of(STATUSES))
    instance_level = Int(required=True)
    parent_id = Int(allow_none=True, metadata=_doc("Khiếu nại lần đầu, nếu đây là lần hai."))
    subject = Inline(SubjectOutSchema, required=True)
    handling_unit = Nested(UnitRefSchema, required=True, metadata=_doc("Đơn vị giải quyết."))
    complainant = Inline(ComplainantOutSchema, required=True)
    public = Bool(required=True, metadata=_doc("Gửi qua cổng công khai, không đăng nhập."))
    content = Str(required=True)
    remote_area = Bool(required=True)
    complex = Bool(required=True)
    especially_complex = Bool(required=True)
    extensions = Int(required=True, metadata=_doc("Số lần gia hạn (tố cáo)."))
    filed_at = DateTime(required=True)
    acceptance_due_on = Date(allow_none=True, metadata=_doc("Hạn xem xét thụ lý, tính từ ngày nhận đơn."))
    acceptance_overdue = Bool(required=True, metadata=_doc("Đã quá hạn thụ lý mà chưa thụ lý hoặc từ chối."))
    learned_on = Date(allow_none=True, metadata=_doc("Ngày nhận được hoặc biết được quyết định."))
    accepted_on = Date(allow_none=True)
    due_on = Date(allow_none=True)
    overdue = Bool(required=True)
    resolved_at = DateTime(allow_none=True)
    outcome = Str(allow_none=True)
    revoke = Bool(required=True, metadata=_doc("Kết luận hủy bỏ khen thưởng."))
    reason = Str(allow_none=True, metadata=_doc("Lý do không thụ lý hoặc căn cứ kết quả giải quyết."))
    froze_nomination = Bool(required=True, metadata=_doc("Đã tạm dừng xét đề nghị trong khi giải quyết."))
    attachments = List(Nested(ComplaintAttachmentSchema), required=True, metadata=_doc("Tài liệu kèm theo đơn."))
    open_tasks = derived(List, lambda view: [task.key for task in view.open_tasks], Str(), required=True,
                         metadata=_doc("Khoá các nhiệm vụ đang chờ xử lý."))


class ComplaintPageSchema(PageSchema):
    items = List(Nested(ComplaintSchema), required=True)
