"""Schemas of the statistics and the dashboard (engine/operations/statistics/queries.py's read models)."""
from __future__ import annotations

from marshmallow import fields

from api.fields import BaseSchema, Int, List, Nested, Str, derived


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


class StatisticsArgsSchema(BaseSchema):
    """Read again by engine/operations/statistics/inputs.py (its faults by field); strings here."""

    unit = Str(metadata=_doc("Mã số đơn vị (gồm cả các đơn vị trực thuộc); mặc định: đơn vị cao nhất bạn giữ vai trò."))
    year = Str(metadata=_doc("Năm (YYYY). Không ghi năm và khoảng thời gian: năm nay."))
    from_ = Str(data_key="from", metadata=_doc("Từ ngày (dd/mm/yyyy hoặc YYYY-MM-DD), cùng với `to`."))
    to = Str(metadata=_doc("Đến ngày (dd/mm/yyyy hoặc YYYY-MM-DD), cùng với `from`."))


class PeriodSchema(BaseSchema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    year = Int(allow_none=True)
    label = Str(required=True)


class StatisticsUnitSchema(BaseSchema):
    id = Int(required=True)
    name = Str(required=True)
    level = Str(required=True)


class GrantRowSchema(BaseSchema):
    level = Str(required=True, metadata=_doc("Cấp của đơn vị ra quyết định."))
    level_label = Str(required=True)
    award_type = Str(required=True)
    award_name = Str(required=True)
    award_kind = Str(required=True, metadata=_doc("`title`: danh hiệu thi đua; `commendation`: hình thức khen thưởng."))
    nominee_kind = Str(required=True, metadata=_doc("`individual` hoặc `collective`."))
    granted = Int(required=True, metadata=_doc("Theo quyết định ký trong kỳ (kể cả đã bị thu hồi sau đó)."))
    revoked = Int(required=True, metadata=_doc("Trong đó đã bị thu hồi."))


class LevelRowSchema(BaseSchema):
    level = Str(required=True, metadata=_doc("Cấp có thẩm quyền quyết định; `beyond`: cấp trên ngoài hệ thống."))
    level_label = Str(required=True)
    proposed = Int(required=True)
    approved = Int(required=True)
    rejected = Int(required=True)
    in_progress = Int(required=True)
    revoked = Int(required=True)


class TimingRowSchema(BaseSchema):
    level = Str(required=True)
    level_label = Str(required=True)
    decisions = Int(required=True)
    average_days = fields.Float(required=True)
    longest_days = fields.Float(required=True)


class MoneyRowSchema(BaseSchema):
    award_type = Str(required=True)
    award_name = Str(required=True)
    nominee_kind = Str(required=True)
    count = Int(required=True)
    amount_each = Int(required=True, metadata=_doc("Đồng, theo mức lương cơ sở ngày ký quyết định."))
    total = Int(required=True)
    revoked_total = Int(required=True)


class ComplaintRowSchema(BaseSchema):
    kind = Str(required=True)
    filed = Int(required=True)
    open = Int(required=True)
    closed = Int(required=True)
    overdue = Int(required=True)


class StatisticsSchema(BaseSchema):
    unit = Nested(StatisticsUnitSchema, required=True)
    period = Nested(PeriodSchema, required=True)
    units = Int(required=True, metadata=_doc("Số đơn vị trong phạm vi (kể cả đơn vị này)."))
    granted = Int(required=True)
    revoked = Int(required=True)
    proposed = Int(required=True)
    approved = Int(required=True)
    grants = List(Nested(GrantRowSchema), required=True)
    levels = List(Nested(LevelRowSchema), required=True)
    timing = List(Nested(TimingRowSchema), required=True)
    money = List(Nested(MoneyRowSchema), required=True)
    money_total = Int(required=True)
    money_revoked = Int(required=True)
    money_unpriced = List(Str(), required=True,
                          metadata=_doc("Danh hiệu, hình thức đã trao mà quy định không kèm tiền thưởng."))
    complaints = List(Nested(ComplaintRowSchema), required=True)
    revocations = derived(fields.Dict, lambda s: {k.value: v for k, v in s.revocations.items()}, required=True,
                          keys=Str(), values=Int())
    revoked_nominations = Int(required=True)
    overdue_dossiers = Int(required=True)
    overdue_tasks = Int(required=True)
    withdrawn = Int(required=True)
    cannot_split = List(Str(), required=True, metadata=_doc("Những gì số liệu hiện có chưa tách được."))
