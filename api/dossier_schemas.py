"""Request and response schemas of dossiers, their attachments, decisions and notifications.

A dossier's body (create, edit) is read by engine/operations/award/inputs.py, which checks shape,
limits and rules at once for the API, the web form and the Excel import alike; its request schemas
here only describe it for the OpenAPI document, with the limits of that module. The response
schemas dump the models and the read models of engine/operations/award/queries (api/schemas.py).
"""
from __future__ import annotations

from typing import Any

from marshmallow import fields

from api.fields import (
    BaseSchema,
    Bool,
    DateTime,
    Id,
    Inline,
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
from api.schemas import PageArgsSchema, PageSchema, UnitRefSchema, UserRefSchema
from engine.models import (
    AttachmentKind,
    AwardeeKind,
    DecisionStatus,
    DossierKind,
    DossierStatus,
    Gender,
    NominationStatus,
)
from engine.operations.award.inputs import (
    MAX_ACHIEVEMENTS,
    MAX_AWARD_CODE,
    MAX_NAME,
    MAX_NOMINATIONS,
    MAX_NOMINEE_UNIT,
    MAX_POSITION,
    MAX_REASON,
    MAX_TITLE,
    MAX_UNIT_CODE,
    MAX_YEAR,
    MIN_YEAR,
)
from engine.operations.registry.inputs import MAX_NATIONAL_ID


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


class Date(fields.Date):
    default_error_messages = {"required": "Bắt buộc nhập.", "null": "Không được để trống.",
                              "invalid": "Cần ngày dạng YYYY-MM-DD.", "format": "Không biểu diễn được ngày."}


# ---- requests -----------------------------------------------------------------------------------

class NomineeSchema(BaseSchema):
    kind = Str(required=True, validate=one_of([k.value for k in AwardeeKind]), metadata=_doc(
        "Cá nhân (`individual`), tập thể (`collective`) hay hộ gia đình (`household`, tên ở `name`)."))
    person_id = Id(metadata=_doc("Mã số trong sổ theo dõi (GET /people), nếu đã có."))
    full_name = Str(validate=length(high=MAX_NAME), metadata=_doc("Họ tên (cá nhân)."))
    name = Str(validate=length(high=MAX_NAME), metadata=_doc("Tên tập thể."))
    position = Str(allow_none=True, validate=length(high=MAX_POSITION), metadata=_doc("Chức vụ."))
    unit = Str(allow_none=True, validate=length(high=MAX_NOMINEE_UNIT), metadata=_doc("Nơi công tác, bộ phận."))
    birth_date = Date(allow_none=True, metadata=_doc("Ngày sinh (YYYY-MM-DD): phân biệt người trùng tên trong sổ "
                                                     "theo dõi khi nộp hồ sơ."))
    gender = Str(allow_none=True, validate=one_of([g.value for g in Gender]), metadata=_doc("Giới tính."))
    national_id = Str(allow_none=True, validate=length(high=MAX_NATIONAL_ID),
                      metadata=_doc("Số CCCD (12 chữ số) hoặc CMND (9 chữ số), không bắt buộc: chỉ lưu giá trị băm có "
                                    "khoá, dùng để phân biệt người trùng tên. Để trống khi sửa: giữ số đã nhập."))
    has_national_id = fields.Bool(allow_none=True, metadata=_doc("Bỏ qua (trường của câu trả lời, nhận lại để có "
                                                                 "thể gửi lại đề nghị như đã đọc)."))


class NominationInSchema(BaseSchema):
    id = Id(metadata=_doc("Chỉ khi sửa: mã đề nghị đã có, giữ nguyên tài liệu đính kèm của đề nghị đó."))
    award_type = Str(required=True, validate=length(1, MAX_AWARD_CODE),
                     metadata=_doc("Mã loại khen thưởng (GET /award-types)."))
    nominee = Nested(NomineeSchema, required=True)
    achievements = Str(required=True, validate=length(high=MAX_ACHIEVEMENTS), metadata=_doc("Tóm tắt thành tích."))


class DossierCreateSchema(BaseSchema):
    title = Str(required=True, validate=length(1, MAX_TITLE))
    year = Int(required=True, validate=between(MIN_YEAR, MAX_YEAR), metadata=_doc("Năm thi đua."))
    kind = Str(load_default=DossierKind.REGULAR.value, validate=one_of([k.value for k in DossierKind]),
               metadata=_doc("Loại khen thưởng: công trạng, đột xuất, chuyên đề, quá trình cống hiến, đối ngoại."))
    proposing_unit = Str(validate=length(1, MAX_UNIT_CODE), metadata=_doc(
        "Mã đơn vị đề nghị; không cần khi tôi chỉ đề nghị cho một đơn vị."))
    nominations = List(Nested(NominationInSchema), load_default=list,
                       validate=length(high=MAX_NOMINATIONS), metadata=_doc("Các đề nghị khen thưởng."))


class DossierPatchSchema(BaseSchema):
    title = Str(validate=length(1, MAX_TITLE))
    year = Int(validate=between(MIN_YEAR, MAX_YEAR))
    kind = Str(validate=one_of([k.value for k in DossierKind]))
    nominations = List(Nested(NominationInSchema), validate=length(high=MAX_NOMINATIONS), metadata=_doc(
        "Khi có: thay cả danh sách. Đề nghị mang `id` được sửa tại chỗ; đề nghị không có trong danh sách bị bỏ."))


class UploadFormSchema(BaseSchema):
    kind = Str(required=True, validate=one_of([k.value for k in AttachmentKind]), metadata=_doc("Loại tài liệu."))
    nomination_id = Id(metadata=_doc("Đề nghị mà tài liệu thuộc về; bỏ trống nếu là tài liệu chung của hồ sơ."))


class WithdrawSchema(BaseSchema):
    reason = Str(required=True, validate=length(1, MAX_REASON), metadata=_doc("Lý do rút hồ sơ."))


class DossierArgsSchema(PageArgsSchema):
    status = Str(validate=one_of([s.value for s in DossierStatus]))
    unit = Id(metadata=_doc("Hồ sơ do đơn vị này đề nghị hoặc đang được đơn vị này xét duyệt."))
    year = Int(validate=between(MIN_YEAR, MAX_YEAR))
    award_type = Str(validate=length(1, MAX_AWARD_CODE), metadata=_doc("Hồ sơ có đề nghị loại khen thưởng này."))
    q = Str(validate=length(high=200), metadata=_doc(
        "Tìm theo tên hồ sơ hoặc tên người, tập thể được đề nghị; không phân biệt dấu và hoa thường."))


class NotificationArgsSchema(PageArgsSchema):
    unread = Bool(load_default=False, metadata=_doc("`1`: chỉ thông báo chưa đọc."))


class DecisionArgsSchema(PageArgsSchema):
    issuer = Id(metadata=_doc("Đơn vị ban hành."))
    year = Int(validate=between(MIN_YEAR, MAX_YEAR))
    dossier = Id()


# ---- responses ----------------------------------------------------------------------------------

def _individual(nomination: Any) -> bool:
    return bool(nomination.nominee_kind == AwardeeKind.INDIVIDUAL)


class NomineeOutSchema(BaseSchema):
    """The nominee columns of a Nomination."""

    kind = Str(required=True, attribute="nominee_kind")
    person_id = Int(allow_none=True, attribute="awardee_id", metadata=_doc("Mã số trong sổ theo dõi."))
    full_name = derived(Str, lambda n: n.nominee_name if _individual(n) else None, allow_none=True,
                        metadata=_doc("Họ tên, nếu là cá nhân."))
    name = derived(Str, lambda n: None if _individual(n) else n.nominee_name, allow_none=True,
                   metadata=_doc("Tên tập thể, hoặc tên hộ gia đình (\"Hộ ông Nguyễn Văn A\")."))
    position = Str(allow_none=True, attribute="nominee_position")
    unit = Str(allow_none=True, attribute="nominee_unit")
    birth_date = Date(allow_none=True, attribute="nominee_birth_date", metadata=_doc("Ngày sinh, nếu đã nhập."))
    gender = derived(Str, lambda n: n.nominee_gender.value if n.nominee_gender else None, allow_none=True,
                     metadata=_doc("Giới tính, nếu đã nhập."))
    has_national_id = derived(fields.Bool, lambda n: n.nominee_national_id_hash is not None,
                              metadata=_doc("Đã nhập số CCCD (chỉ lưu giá trị băm; số không bao giờ được trả về)."))


class NominationSchema(BaseSchema):
    id = Int(required=True)
    position = Int(required=True, metadata=_doc("Số thứ tự trong hồ sơ."))
    award_type = Str(required=True)
    nominee = Inline(NomineeOutSchema, required=True)
    achievements = Str(required=True)
    status = Str(required=True, validate=one_of([s.value for s in NominationStatus]))
    outcome = Str(allow_none=True, attribute="outcome_note",
                  metadata=_doc("Kết quả, lý do (bắt buộc khi không được khen thưởng)."))
    eligible = Bool(allow_none=True, metadata=_doc("Kết luận thẩm định."))
    appraisal_note = Str(allow_none=True)
    deciding_unit = Nested(UnitRefSchema, allow_none=True, metadata=_doc("Cấp có thẩm quyền quyết định."))
    decided_by_unit = Nested(UnitRefSchema, allow_none=True)
    decision_id = Int(allow_none=True)


class AttachmentSchema(BaseSchema):
    id = Int(required=True)
    kind = Str(required=True)
    filename = Str(required=True)
    content_type = Str(required=True)
    size = Int(required=True, metadata=_doc("Dung lượng (byte)."))
    sha256 = Str(required=True)
    nomination_id = Int(allow_none=True)
    uploaded_by = Nested(UserRefSchema, allow_none=True)
    uploaded_at = DateTime(required=True)


class OpenTaskSchema(BaseSchema):
    id = Int(required=True)
    key = Str(required=True)
    name = Str(required=True)
    unit = Nested(UnitRefSchema, required=True)
    role = Str(required=True)
    due_at = DateTime(allow_none=True)


class DecisionRefSchema(BaseSchema):
    id = Int(required=True)
    number = Str(required=True, attribute="label", metadata=_doc("Số, ký hiệu, ví dụ `05/QĐ-UBND`."))
    issuer = Nested(UnitRefSchema, required=True)
    signed_on = Date(required=True)
    status = Str(required=True, validate=one_of([s.value for s in DecisionStatus]))


class DossierSummarySchema(BaseSchema):
    id = Int(required=True)
    title = Str(required=True)
    year = Int(required=True)
    kind = Str(required=True)
    status = Str(required=True, validate=one_of([s.value for s in DossierStatus]))
    proposing_unit = Nested(UnitRefSchema, required=True)
    reviewing_unit = Nested(UnitRefSchema, allow_none=True, metadata=_doc("Cấp đang xét duyệt."))
    nomination_count = derived(Int, lambda dossier: len(dossier.nominations), required=True)
    rules_version = Str(allow_none=True, metadata=_doc("Phiên bản quy định áp dụng (cố định khi nộp)."))
    received_on = Date(allow_none=True, metadata=_doc("Ngày tiếp nhận hồ sơ đầy đủ tại cấp hiện tại."))
    result_due_on = Date(allow_none=True, metadata=_doc("Hạn trả kết quả thẩm định tại cấp hiện tại."))
    overdue = Bool(required=True, metadata=_doc("Đã quá hạn thẩm định."))
    supplement_request = Str(allow_none=True, metadata=_doc("Nội dung yêu cầu bổ sung, nếu có."))
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)
    submitted_at = DateTime(allow_none=True)
    decided_at = DateTime(allow_none=True)
    withdrawn_at = DateTime(allow_none=True)


class DossierPageSchema(PageSchema):
    items = List(Nested(DossierSummarySchema), required=True)
    capped = Bool(required=True, metadata=_doc(
        "Đúng khi có hơn `total` hồ sơ (đếm tối đa 1.000 hồ sơ sau đầu trang); `total` khi đó là số tối thiểu."))


class DossierSchema(DossierSummarySchema):
    """Dumps a DossierDetail."""

    created_by = Nested(UserRefSchema, allow_none=True)
    nominations = List(Nested(NominationSchema), required=True)
    attachments = List(Nested(AttachmentSchema), required=True)
    open_tasks = List(Nested(OpenTaskSchema), required=True, metadata=_doc("Nhiệm vụ đang chờ xử lý."))
    decisions = List(Nested(DecisionRefSchema), required=True)


class PathStepSchema(BaseSchema):
    process = Str(required=True, metadata=_doc("Quy trình (hoặc quy trình con) chứa phần tử."))
    run = Str(required=True, metadata=_doc("Lần chạy của quy trình đó: `main`, hoặc mã hoạt động đã gọi nó."))
    caller = Str(allow_none=True, metadata=_doc("Lần chạy đã gọi lần chạy này."))
    element = Str(required=True, metadata=_doc("Mã BPMN của phần tử đã hoàn thành."))
    after = Str(allow_none=True, metadata=_doc("Phần tử hoàn thành ngay trước nó trên cùng đường đi."))


class DiagramSchema(BaseSchema):
    xml = Str(required=True, metadata=_doc("BPMN 2.0 XML của quy trình hồ sơ."))
    active = List(Str(), required=True, metadata=_doc("Khoá các nhiệm vụ đang chờ xử lý."))
    called = Raw(required=True, metadata=_doc("BPMN XML của các quy trình được gọi, theo khoá."))
    path = List(Nested(PathStepSchema), required=True,
                metadata=_doc("Đường đi đã qua, theo thứ tự hoàn thành, do bộ máy quy trình ghi nhận."))


class NotificationSchema(BaseSchema):
    id = Int(required=True)
    dossier_id = Int(allow_none=True)
    title = Str(required=True)
    body = Str(required=True)
    created_at = DateTime(required=True)
    read_at = DateTime(allow_none=True)


class NotificationPageSchema(PageSchema):
    items = List(Nested(NotificationSchema), required=True)


class DecidedNominationSchema(BaseSchema):
    id = Int(required=True)
    dossier_id = Int(required=True)
    award_type = Str(required=True)
    nominee = Inline(NomineeOutSchema, required=True)
    status = Str(required=True)


class DecisionSchema(DecisionRefSchema):
    year = Int(required=True)
    signer_name = Str(allow_none=True)
    signer_title = Str(allow_none=True)
    dossier_id = Int(allow_none=True)
    rules_version = Str(allow_none=True)
    has_document = derived(Bool, lambda d: d.document_sha256 is not None, required=True,
                           metadata=_doc("Đã có văn bản (GET /decisions/{id}/document.docx)."))
    nominations = List(Nested(DecidedNominationSchema), required=True)


class DecisionPageSchema(PageSchema):
    items = List(Nested(DecisionSchema), required=True)
