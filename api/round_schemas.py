"""Request and response schemas of review rounds (đợt xét khen thưởng).

A new round is read by engine/operations/rounds/inputs.py; the request schema here describes it for
the OpenAPI document, with the limits of that module. The response schemas dump the rounds and the
read models of engine/operations/rounds/queries.py.
"""
from __future__ import annotations

from marshmallow import fields

from api.fields import BaseSchema, Bool, DateTime, Id, Int, List, Nested, Str, length, one_of
from api.schemas import UnitRefSchema
from engine.models import DossierStatus, LatePolicy, NominationStatus, RoundKind, RoundStatus
from engine.operations.rounds.inputs import MAX_AWARD_TYPES, MAX_CODE, MAX_MOVEMENT, MAX_TITLE

KINDS = [k.value for k in RoundKind]
STATUSES = [s.value for s in RoundStatus]
LATE_POLICIES = [p.value for p in LatePolicy]


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


class Date(fields.Date):
    default_error_messages = {"required": "Bắt buộc nhập.", "null": "Không được để trống.",
                              "invalid": "Cần ngày dạng YYYY-MM-DD.", "format": "Không biểu diễn được ngày."}


# ---- requests -----------------------------------------------------------------------------------

class RoundCreateSchema(BaseSchema):
    unit_id = Id(required=True, metadata=_doc("Đơn vị xét duyệt mở đợt xét (người gọi là Cơ quan thường trực)."))
    title = Str(required=True, validate=length(1, MAX_TITLE), metadata=_doc("Tên đợt xét."))
    kind = Str(required=True, validate=one_of(KINDS),
               metadata=_doc("Loại đợt xét: tổng kết năm, năm học, chuyên đề, đột xuất."))
    movement = Str(validate=length(1, MAX_MOVEMENT), metadata=_doc("Phong trào thi đua mà đợt xét tổng kết."))
    award_types = List(Str(validate=length(1, MAX_CODE)), validate=length(0, MAX_AWARD_TYPES),
                       metadata=_doc("Mã các loại khen thưởng đợt xét nhận; để trống: mọi loại."))
    cutoff_on = Date(metadata=_doc(
        "Hạn cuối nhận hồ sơ (YYYY-MM-DD hoặc dd/mm/yyyy). Để trống: hạn theo Quy chế của tỉnh cho loại đợt xét "
        "(lớp quy định, `deadlines.cutoffs` của GET /award-types?unit=); không được sau hạn đó; bắt buộc khi "
        "Quy chế không quy định."))
    council_on = Date(metadata=_doc("Ngày dự kiến họp Hội đồng (không trước hạn nhận hồ sơ)."))
    late_policy = Str(validate=one_of(LATE_POLICIES),
                      metadata=_doc("Hồ sơ nộp sau hạn: 'refuse' (từ chối, mặc định) hay 'next_round' (chờ đợt sau)."))


class RoundArgsSchema(BaseSchema):
    unit = Id(metadata=_doc("Chỉ các đợt xét của đơn vị này."))
    status = Str(validate=one_of(STATUSES))


# ---- responses ----------------------------------------------------------------------------------

class RoundSchema(BaseSchema):
    """Dumps a round, a RoundSummary or a RoundDetail."""

    id = Int(required=True)
    unit = Nested(UnitRefSchema, required=True, metadata=_doc("Đơn vị xét duyệt của đợt xét."))
    title = Str(required=True)
    kind = Str(required=True, validate=one_of(KINDS))
    movement = Str(allow_none=True)
    award_types = List(Str(), required=True, metadata=_doc("Mã các loại khen thưởng nhận; rỗng: mọi loại."))
    cutoff_on = Date(required=True)
    council_on = Date(allow_none=True)
    late_policy = Str(required=True, validate=one_of(LATE_POLICIES))
    status = Str(required=True, validate=one_of(STATUSES))
    created_at = DateTime(required=True)
    closed_at = DateTime(allow_none=True)


class RoundListItemSchema(RoundSchema):
    dossier_count = Int(required=True, metadata=_doc("Số hồ sơ đã vào đợt xét."))
    days_left = Int(allow_none=True, metadata=_doc("Số ngày đến hạn nhận hồ sơ (âm: đã quá hạn; null: đã đóng)."))


class NominationLineSchema(BaseSchema):
    id = Int(required=True)
    nominee = Str(required=True)
    award_type = Str(required=True)
    award_name = Str(required=True)
    status = Str(required=True, validate=one_of([s.value for s in NominationStatus]))


class RoundDossierSchema(BaseSchema):
    dossier_id = Int(required=True)
    title = Str(required=True)
    proposing_unit = Str(required=True)
    status = Str(required=True, validate=one_of([s.value for s in DossierStatus]))
    late = Bool(required=True, metadata=_doc("Đến sau hạn của một đợt xét trước của cấp này."))
    entered_at = DateTime(required=True)
    joined_at = DateTime(allow_none=True, metadata=_doc("Lúc vào đợt xét; null: đang chờ đợt xét sau."))
    nominations = List(Nested(NominationLineSchema), required=True)
    missing = List(Str(), required=True, metadata=_doc("Những gì còn thiếu: tài liệu, yêu cầu bổ sung."))


class RoundDetailSchema(RoundListItemSchema):
    nomination_count = Int(required=True)
    dossiers = List(Nested(RoundDossierSchema), required=True)
    waiting = List(Nested(RoundDossierSchema), required=True,
                   metadata=_doc("Hồ sơ nộp sau hạn đang chờ đợt xét sau tại đơn vị."))


# ---- the head's round decision ------------------------------------------------------------------

class RoundChoiceSchema(BaseSchema):
    nomination_id = Id(required=True)
    action = Str(required=True, validate=one_of(["approve", "forward", "reject", "lower_award"]),
                 metadata=_doc("approve: khen thưởng; forward: trình cấp trên; reject: không khen thưởng (nêu lý do); "
                               "lower_award: khen thưởng hình thức khác (thấp hơn) thuộc thẩm quyền cấp này."))
    note = Str(validate=length(1, 4000), metadata=_doc("Lý do, ý kiến (bắt buộc khi không khen thưởng)."))
    lower_award = Str(validate=length(1, 40), metadata=_doc("Mã hình thức khen thưởng thay thế (khi lower_award)."))


class RoundDecisionSchema(BaseSchema):
    nominations = List(Nested(RoundChoiceSchema), required=True,
                       metadata=_doc("Một dòng cho mỗi đề nghị của đợt xét đang chờ thủ trưởng quyết định."))


class LowerAwardSchema(BaseSchema):
    code = Str(required=True)
    name = Str(required=True)


class RoundItemSchema(BaseSchema):
    nomination_id = Int(required=True)
    dossier_id = Int(required=True)
    nominee = Str(required=True)
    position = Str(allow_none=True)
    proposing_unit = Str(required=True)
    allowed = List(Str(), required=True)
    lower_awards = List(Nested(LowerAwardSchema), required=True)


class RoundGroupSchema(BaseSchema):
    award_type = Str(required=True)
    award_name = Str(required=True)
    items = List(Nested(RoundItemSchema), required=True)


class RoundDecisionRefSchema(BaseSchema):
    id = Int(required=True)
    number = Str(required=True)
    signed_on = Date(required=True)
    award_type = Str(allow_none=True)
    nomination_count = Int(required=True)


class MinutesRefSchema(BaseSchema):
    session_id = Int(required=True)
    dossier_id = Int(required=True)


class RoundSubmissionSchema(BaseSchema):
    id = Int(required=True)
    round_id = Int(required=True)
    unit = Str(required=True)
    to_unit = Str(required=True)
    signed_on = Date(required=True)
    signer_name = Str(allow_none=True)
    dossier_ids = List(Int(), required=True)
    nomination_count = Int(required=True)
    minutes = List(Nested(MinutesRefSchema), required=True,
                   metadata=_doc("Biên bản họp Hội đồng của cấp trình (GET /council-sessions/{id}/minutes.docx)."))


class NotReadySchema(BaseSchema):
    dossier_id = Int(required=True)
    title = Str(required=True)


class RoundDecisionPageSchema(BaseSchema):
    round_id = Int(required=True)
    title = Str(required=True)
    may_decide = Bool(required=True)
    ready = List(Int(), required=True, metadata=_doc("Hồ sơ đang chờ thủ trưởng quyết định."))
    not_ready = List(Nested(NotReadySchema), required=True, metadata=_doc("Hồ sơ chưa đến bước quyết định."))
    groups = List(Nested(RoundGroupSchema), required=True)
    decisions = List(Nested(RoundDecisionRefSchema), required=True)
    sent = List(Nested(RoundSubmissionSchema), required=True, metadata=_doc("Tờ trình đợt xét đã gửi cấp trên."))
    received = List(Nested(RoundSubmissionSchema), required=True, metadata=_doc("Tờ trình nhận từ cấp dưới."))


class RoundOutcomeSchema(BaseSchema):
    dossiers = List(Int(), required=True)
    decisions = List(Nested(RoundDecisionRefSchema), required=True)
    submissions = List(Nested(RoundSubmissionSchema), required=True)
