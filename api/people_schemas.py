"""Schemas of the registry endpoints: people and collectives, their awards and initiatives."""
from __future__ import annotations

from marshmallow import fields

from api.fields import BaseSchema, Bool, DateTime, Id, Int, List, Nested, Str, derived, length, one_of
from api.schemas import PageArgsSchema, PageSchema, UnitRefSchema
from engine.models import AwardeeKind, DossierKind, Gender, InitiativeLevel
from engine.operations.registry.inputs import MAX_BAR_NOTE, MAX_NAME, MAX_NATIONAL_ID
from engine.vocabulary import BarReason


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


class Date(fields.Date):
    default_error_messages = {"required": "Bắt buộc nhập.", "null": "Không được để trống.",
                              "invalid": "Cần ngày dạng YYYY-MM-DD.", "format": "Không biểu diễn được ngày."}


class PeopleArgsSchema(PageArgsSchema):
    q = Str(validate=length(high=200),
            metadata=_doc("Tìm theo tên hoặc mã, không phân biệt dấu và hoa thường (`nguyen thi tuoi`)."))
    unit = Id(metadata=_doc("Chỉ cá nhân, tập thể của đơn vị có mã số này và các đơn vị trực thuộc."))
    kind = Str(validate=one_of([k.value for k in AwardeeKind]), metadata=_doc("Cá nhân hoặc tập thể."))


class AwardeeSchema(BaseSchema):
    id = Int(required=True)
    code = Str(allow_none=True, metadata=_doc("Mã trong sổ theo dõi (từ tệp sơ đồ tổ chức)."))
    kind = Str(required=True, validate=one_of([k.value for k in AwardeeKind]))
    name = Str(required=True, metadata=_doc("Họ và tên cá nhân hoặc tên tập thể."))
    position = Str(allow_none=True, metadata=_doc("Chức vụ."))
    unit = Nested(UnitRefSchema, allow_none=True, metadata=_doc("Đơn vị công tác hiện nay."))
    birth_date = Date(allow_none=True, metadata=_doc("Ngày sinh."))
    gender = Str(allow_none=True, validate=one_of([g.value for g in Gender]), metadata=_doc("Giới tính."))
    has_national_id = derived(Bool, lambda a: a.national_id_hash is not None, required=True,
                              metadata=_doc("Đã ghi số CCCD (chỉ lưu giá trị băm có khoá, không lưu số)."))


class AwardeePageSchema(PageSchema):
    items = List(Nested(AwardeeSchema), required=True)


class GrantedAwardSchema(BaseSchema):
    id = Int(required=True)
    award_type = Str(required=True, metadata=_doc("Mã loại khen thưởng, ví dụ `CSTD_CS`."))
    year = Int(required=True, metadata=_doc("Năm của thành tích."))
    kind = Str(required=True, attribute="dossier_kind", validate=one_of([k.value for k in DossierKind]),
               metadata=_doc("Khen thưởng thường xuyên, đột xuất, chuyên đề…; chỉ khen thưởng thường xuyên "
                             "được tính cho danh hiệu, hình thức khen thưởng sau."))
    decision_id = Int(allow_none=True)
    decision_number = derived(Str, lambda award: award.decision.label if award.decision else None, allow_none=True,
                              metadata=_doc("Số quyết định, ví dụ `12/QĐ-UBND`; trống với khen thưởng nhập từ sổ "
                                            "theo dõi cũ."))
    revoked = derived(Bool, lambda award: award.revoked_at is not None, required=True,
                      metadata=_doc("Đã bị thu hồi: không còn được tính."))
    revoked_at = DateTime(allow_none=True)
    period = Str(allow_none=True, metadata=_doc("Năm học (`2023-2024`) nếu thành tích tính theo năm học."))
    registry_decision_id = Int(allow_none=True, metadata=_doc("Quyết định ghi trong sổ theo dõi (nhập từ tệp)."))
    citation = Str(allow_none=True, metadata=_doc("Quyết định khen thưởng: `QĐ số … ngày … của …`."))


class InitiativeSchema(BaseSchema):
    id = Int(required=True)
    title = Str(required=True)
    level = Str(required=True, validate=one_of([level.value for level in InitiativeLevel]),
                metadata=_doc("Phạm vi công nhận: cơ sở, tỉnh, toàn quốc."))
    year = Int(required=True)
    used = derived(Bool, lambda initiative: initiative.used_by_nomination_id is not None, required=True,
                   metadata=_doc("Đã dùng cho một đề nghị khen thưởng (mỗi sáng kiến dùng một lần)."))
    used_by_nomination_id = Int(allow_none=True)


class MembershipSchema(BaseSchema):
    unit = Nested(UnitRefSchema, required=True)
    from_date = Date(allow_none=True, metadata=_doc("Từ ngày (trống: không rõ)."))
    to_date = Date(allow_none=True, metadata=_doc("Đến ngày (trống: hiện còn công tác)."))
    position = Str(allow_none=True)


class BarSchema(BaseSchema):
    id = Int(required=True)
    reason = Str(required=True, validate=one_of([r.value for r in BarReason]),
                 metadata=_doc("Đang xem xét kỷ luật, điều tra, thanh tra – kiểm tra, hoặc có đơn thư đang xác minh."))
    from_date = Date(required=True, metadata=_doc("Từ ngày."))
    note = Str(required=True, metadata=_doc("Lý do, văn bản làm căn cứ."))
    lifted_on = Date(allow_none=True, metadata=_doc("Bỏ ghi từ ngày (trống: còn hiệu lực)."))
    lift_note = Str(allow_none=True, metadata=_doc("Lý do bỏ ghi."))


class BarInputSchema(BaseSchema):
    reason = Str(required=True, validate=one_of([r.value for r in BarReason]), metadata=_doc("Trường hợp."))
    from_date = Date(required=True, metadata=_doc("Từ ngày (YYYY-MM-DD), không sau hôm nay."))
    note = Str(required=True, validate=length(high=MAX_BAR_NOTE), metadata=_doc("Lý do, văn bản làm căn cứ."))


class LiftInputSchema(BaseSchema):
    lifted_on = Date(required=True, metadata=_doc("Bỏ ghi từ ngày (YYYY-MM-DD), không sau hôm nay."))
    note = Str(required=True, validate=length(high=MAX_BAR_NOTE), metadata=_doc("Lý do bỏ ghi."))


class AwardeeDetailSchema(AwardeeSchema):
    memberships = List(Nested(MembershipSchema), required=True,
                       metadata=_doc("Quá trình công tác: các đơn vị theo thời gian."))
    awards = List(Nested(GrantedAwardSchema), required=True, metadata=_doc("Khen thưởng đã có, năm cũ trước."))
    initiatives = List(Nested(InitiativeSchema), required=True, metadata=_doc("Sáng kiến được công nhận."))
    bars = List(Nested(BarSchema), required=True,
                metadata=_doc("Trường hợp chưa được đề nghị khen thưởng (NĐ 98/2023 Điều 4 khoản 4), kể cả đã bỏ ghi."))


class MatchSchema(BaseSchema):
    kind = Str(validate=one_of([k.value for k in AwardeeKind]), metadata=_doc("Cá nhân (mặc định) hay tập thể."))
    name = Str(required=True, validate=length(1, MAX_NAME), metadata=_doc("Họ tên hoặc tên tập thể."))
    unit = Id(allow_none=True, metadata=_doc("Mã số đơn vị công tác (hiện nay hoặc trước đây)."))
    birth_date = Date(allow_none=True, metadata=_doc("Ngày sinh (YYYY-MM-DD)."))
    national_id = Str(allow_none=True, validate=length(high=MAX_NATIONAL_ID),
                      metadata=_doc("Số CCCD: chỉ dùng để so khớp giá trị băm, không được lưu."))


class MatchResultSchema(BaseSchema):
    person = Nested(AwardeeSchema, allow_none=True, metadata=_doc("Người trong sổ theo dõi; trống: người mới."))


class IdentitySchema(BaseSchema):
    birth_date = Date(allow_none=True, metadata=_doc("Ngày sinh (YYYY-MM-DD)."))
    gender = Str(allow_none=True, validate=one_of([g.value for g in Gender]), metadata=_doc("Giới tính."))
    national_id = Str(allow_none=True, validate=length(high=MAX_NATIONAL_ID),
                      metadata=_doc("Số CCCD (12 chữ số) hoặc CMND (9 chữ số); chỉ lưu giá trị băm có khoá. "
                                    "Để trống: giữ nguyên."))


class DuplicatePairSchema(BaseSchema):
    first = Nested(AwardeeSchema, required=True)
    second = Nested(AwardeeSchema, required=True)


class MergeSchema(BaseSchema):
    kept = Id(required=True, metadata=_doc("Hồ sơ được giữ lại."))
    merged = Id(required=True, metadata=_doc("Hồ sơ trùng, được gộp vào hồ sơ giữ lại."))


class AwardeeMergeSchema(BaseSchema):
    id = Int(required=True)
    kept_id = Int(required=True)
    merged_id = Int(required=True)
    moved = fields.Dict(keys=Str(), values=List(Int()), required=True,
                        metadata=_doc("Các bản ghi đã chuyển sang hồ sơ giữ lại, theo bảng."))
    merged_at = DateTime(required=True)
    undone_at = DateTime(allow_none=True, metadata=_doc("Đã hoàn tác lúc."))
