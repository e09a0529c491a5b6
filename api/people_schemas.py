"""Schemas of the registry endpoints: people and collectives, their awards and initiatives."""
from __future__ import annotations

from api.fields import BaseSchema, Bool, DateTime, Id, Int, List, Nested, Str, derived, length, one_of
from api.schemas import PageArgsSchema, PageSchema, UnitRefSchema
from engine.models import AwardeeKind, DossierKind, InitiativeLevel


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


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
    unit = Nested(UnitRefSchema, allow_none=True, metadata=_doc("Đơn vị công tác."))


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


class InitiativeSchema(BaseSchema):
    id = Int(required=True)
    title = Str(required=True)
    level = Str(required=True, validate=one_of([level.value for level in InitiativeLevel]),
                metadata=_doc("Phạm vi công nhận: cơ sở, tỉnh, toàn quốc."))
    year = Int(required=True)
    used = derived(Bool, lambda initiative: initiative.used_by_nomination_id is not None, required=True,
                   metadata=_doc("Đã dùng cho một đề nghị khen thưởng (mỗi sáng kiến dùng một lần)."))
    used_by_nomination_id = Int(allow_none=True)


class AwardeeDetailSchema(AwardeeSchema):
    awards = List(Nested(GrantedAwardSchema), required=True, metadata=_doc("Khen thưởng đã có, năm cũ trước."))
    initiatives = List(Nested(InitiativeSchema), required=True, metadata=_doc("Sáng kiến được công nhận."))
