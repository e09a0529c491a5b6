"""Schemas of the statistics (engine/operations/statistics/queries.py's read models) and of the periodic
reports up the tree (engine/operations/reports/)."""
from __future__ import annotations

from marshmallow import fields

from api.fields import BaseSchema, Bool, Int, List, Nested, Str, between, derived, one_of
from engine.db import MAX_ID
from engine.vocabulary import ReportKind


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
    granted_individuals = Int(required=True)
    granted_collectives = Int(required=True)
    granted_households = Int(required=True, metadata=_doc("Hộ gia đình, đếm riêng."))
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


# ---- periodic reports ---------------------------------------------------------------------------

class ReportCreateSchema(BaseSchema):
    """Read by engine/operations/reports/inputs.py (its faults by field)."""

    unit = Int(required=True, metadata=_doc("Đơn vị lập báo cáo (cơ quan thường trực của đơn vị)."))
    year = Int(required=True)
    kind = Str(required=True, metadata=_doc("`mid_year`: sơ kết 6 tháng đầu năm; `year_end`: tổng kết năm."))


class ReportArgsSchema(BaseSchema):
    unit = Int(required=True, validate=between(1, MAX_ID))
    year = Int(validate=between(1945, 2200))


class ReportingArgsSchema(BaseSchema):
    unit = Int(required=True, validate=between(1, MAX_ID))
    year = Int(required=True, validate=between(1945, 2200))
    kind = Str(required=True, validate=one_of([k.value for k in ReportKind]))


class ReportSchema(BaseSchema):
    id = Int(required=True)
    unit = Nested(StatisticsUnitSchema, required=True)
    recipient_unit_id = Int(allow_none=True, metadata=_doc("Cấp trên nhận báo cáo."))
    year = Int(required=True)
    kind = Str(required=True)
    kind_label = derived(Str, lambda r: r.kind.label, required=True)
    status = Str(required=True, metadata=_doc("`drafting`: đang soạn; `submitted`: đã gửi cấp trên."))
    status_label = derived(Str, lambda r: r.status.label, required=True)
    period_start = fields.Date(required=True)
    period_end = fields.Date(required=True)
    due_on = fields.Date(allow_none=True, metadata=_doc("Hạn gửi cấp trên, nhận khi lập báo cáo."))
    overdue_at = fields.DateTime(allow_none=True, metadata=_doc("Lúc quy trình báo quá hạn (chưa gửi khi đến hạn)."))
    body = Str(allow_none=True)
    remarks = Str(allow_none=True, metadata=_doc("Ý kiến của thủ trưởng khi trả lại."))
    figures = fields.Dict(allow_none=True, metadata=_doc("Số liệu dùng khi lập dự thảo."))
    created_at = fields.DateTime(required=True)
    submitted_at = fields.DateTime(allow_none=True)


class ReportBriefSchema(BaseSchema):
    id = Int(required=True)
    status = Str(required=True)
    status_label = derived(Str, lambda r: r.status.label, required=True)
    submitted_at = fields.DateTime(allow_none=True)


class ReportDeadlineSchema(BaseSchema):
    """Read by engine/operations/reports/inputs.py (its faults by field)."""

    unit = Int(required=True, metadata=_doc("Cấp trên đặt hạn (cơ quan thường trực) cho các đơn vị trực thuộc."))
    year = Int(required=True)
    kind = Str(required=True, metadata=_doc("`mid_year` hoặc `year_end`."))
    due_on = Str(required=True, metadata=_doc("Hạn cuối gửi báo cáo, dd/mm/yyyy (hoặc yyyy-mm-dd)."))


class ReportDeadlineOutSchema(BaseSchema):
    unit_id = Int(required=True)
    year = Int(required=True)
    kind = Str(required=True)
    due_on = fields.Date(required=True)


class ReportingSchema(BaseSchema):
    unit = Nested(StatisticsUnitSchema, required=True)
    submitted = Bool(required=True)
    due_on = fields.Date(allow_none=True, metadata=_doc("Hạn gửi: do cấp trên đặt, hoặc mặc định 15 ngày sau kỳ."))
    late = Bool(required=True, metadata=_doc("Gửi sau hạn, hoặc chưa gửi mà đã quá hạn."))
    report = Nested(ReportBriefSchema, allow_none=True)
