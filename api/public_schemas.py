"""Schemas of the public pages' API (/api/v1/public/...) and of the reward fund (/api/v1/fund/...)."""
from __future__ import annotations

from marshmallow import fields

from api.fields import BaseSchema, Bool, DateTime, Id, Int, List, Nested, Str, between, derived, length, one_of
from api.schemas import PageArgsSchema, PageSchema
from engine.models import ComplaintKind, ExemplarKind, FundEntryKind
from engine.operations.fund.inputs import MAX_AMOUNT, MAX_NOTE
from engine.operations.public.inputs import (
    MAX_ADDRESS,
    MAX_AUTHOR,
    MAX_COMMENT,
    MAX_CONTACT,
    MAX_MOVEMENT,
    MAX_NAME,
    MAX_STORY,
)
from engine.operations.public.queries import MAX_QUERY

MIN_YEAR, MAX_YEAR = 1945, 2200


def _doc(text: str) -> dict[str, str]:
    return {"description": text}


class Date(fields.Date):
    pass


# ---- public: requests -----------------------------------------------------------------------------

class DisclosureArgsSchema(PageArgsSchema):
    unit = Id(metadata=_doc("Cấp công khai (đơn vị)."))


class DecisionSearchArgsSchema(PageArgsSchema):
    number = Int(validate=between(1, 1_000_000), metadata=_doc("Số quyết định."))
    year = Int(validate=between(MIN_YEAR, MAX_YEAR))
    issuer = Str(validate=length(high=MAX_QUERY), metadata=_doc("Tên cơ quan ban hành (không cần dấu)."))
    issuer_id = Id(metadata=_doc("Mã đơn vị ban hành."))


class LookupArgsSchema(PageArgsSchema):
    name = Str(validate=length(high=MAX_QUERY), metadata=_doc("Họ tên hoặc tên tập thể (không cần dấu)."))
    unit = Id(metadata=_doc("Đơn vị đề nghị."))
    year = Int(validate=between(MIN_YEAR, MAX_YEAR), metadata=_doc("Năm quyết định."))
    after = Str(validate=length(high=80), metadata=_doc(
        "Giá trị `next` của trang trước: trang tiếp theo bắt đầu ngay sau mục cuối của trang đó (không lặp, "
        "không sót khi có quyết định mới); khi có `after`, `page` không được dùng."))


class ExemplarArgsSchema(PageArgsSchema):
    kind = Str(validate=one_of([k.value for k in ExemplarKind]))
    year = Int(validate=between(MIN_YEAR, MAX_YEAR))
    name = Str(validate=length(high=MAX_QUERY))


class CommentSchema(BaseSchema):
    nomination_id = Id(metadata=_doc(
        "Người, tập thể trong danh sách mà ý kiến nói tới (bắt buộc khi phản ánh sai phạm)."))
    author = Str(validate=length(high=MAX_AUTHOR),
                 metadata=_doc("Họ tên người góp ý (bắt buộc khi phản ánh sai phạm)."))
    content = Str(required=True, validate=length(1, MAX_COMMENT))
    alleges = Bool(metadata=_doc("Ý kiến phản ánh sai phạm: được gửi thành đơn tố cáo (hoặc khiếu nại) về đề nghị đó, "
                                 "đề nghị bị tạm dừng xét như mọi đơn."))
    kind = Str(validate=one_of([k.value for k in ComplaintKind]), metadata=_doc("Mặc định: tố cáo."))
    contact = Str(validate=length(high=MAX_CONTACT))
    address = Str(validate=length(high=MAX_ADDRESS))
    website = Str(metadata=_doc("Để trống."))


class ExemplarInSchema(BaseSchema):
    unit_id = Id(required=True)
    kind = Str(required=True, validate=one_of([k.value for k in ExemplarKind]))
    name = Str(required=True, validate=length(1, MAX_NAME))
    awardee_id = Id()
    movement = Str(validate=length(high=MAX_MOVEMENT))
    year = Int(required=True, validate=between(MIN_YEAR, MAX_YEAR))
    story = Str(required=True, validate=length(1, MAX_STORY))
    published = Bool()


# ---- public: responses ----------------------------------------------------------------------------

class PublicNominationSchema(BaseSchema):
    id = Int(required=True)
    nominee_name = Str(required=True)
    nominee_kind = Str(required=True)
    nominee_position = Str(allow_none=True)
    nominee_unit = Str(allow_none=True)
    award_type = Str(required=True)
    award_name = Str(required=True)


class DisclosedListSchema(BaseSchema):
    id = Int(required=True)
    unit_id = Int(required=True)
    unit_name = Str(required=True)
    proposing_unit_name = Str(required=True)
    dossier_title = Str(required=True)
    year = Int(required=True)
    opened_at = DateTime(required=True)
    until = DateTime(required=True, metadata=_doc("Hết thời gian nhận ý kiến."))
    nominations = List(Nested(PublicNominationSchema), required=True)


class DisclosedPageSchema(PageSchema):
    items = List(Nested(DisclosedListSchema), required=True)


class CommentReceivedSchema(BaseSchema):
    received = Bool(required=True)
    complaint_code = Str(allow_none=True, metadata=_doc("Mã theo dõi đơn khi ý kiến được gửi thành đơn."))
    complaint_secret = Str(allow_none=True, metadata=_doc("Mã bí mật để khiếu nại lần hai (chỉ cho biết một lần)."))


class PublicDecisionSchema(BaseSchema):
    id = Int(required=True)
    label = Str(required=True, metadata=_doc("Số, ký hiệu: 05/QĐ-UBND."))
    number = Int(required=True)
    symbol = Str(required=True)
    year = Int(required=True)
    signed_on = Date(required=True)
    issuer_id = Int(required=True)
    issuer_name = Str(required=True)
    signer_name = Str(allow_none=True)
    signer_title = Str(allow_none=True)
    has_pdf = Bool(required=True)
    has_document = Bool(required=True)
    nominations = List(Nested(PublicNominationSchema), required=True)


class PublicDecisionPageSchema(PageSchema):
    items = List(Nested(PublicDecisionSchema), required=True)
    capped = Bool(required=True, metadata=_doc("Đúng khi có hơn `total` quyết định (đếm tối đa 1.000)."))


class FoundAwardSchema(BaseSchema):
    nomination = Nested(PublicNominationSchema, required=True)
    proposing_unit_name = Str(required=True)
    decision = Nested(PublicDecisionSchema, required=True)


class FoundAwardPageSchema(PageSchema):
    items = List(Nested(FoundAwardSchema), required=True)
    capped = Bool(required=True, metadata=_doc("Đúng khi có hơn `total` kết quả (đếm tối đa 1.000)."))
    next = Str(required=True, allow_none=True, metadata=_doc(
        "Con trỏ của trang sau (truyền lại trong `after`); null ở trang cuối."))


class ExemplarSchema(BaseSchema):
    id = Int(required=True)
    unit_id = Int(required=True)
    kind = Str(required=True)
    kind_label = derived(Str, lambda e: e.kind.label, required=True)
    name = Str(required=True)
    movement = Str(allow_none=True)
    year = Int(required=True)
    story = Str(required=True)
    has_photo = derived(Bool, lambda e: e.photo_sha256 is not None, required=True)
    published = Bool(required=True)


class ExemplarPageSchema(PageSchema):
    items = List(Nested(ExemplarSchema), required=True)


# ---- the fund -------------------------------------------------------------------------------------

class FundArgsSchema(BaseSchema):
    year = Int(required=True, validate=between(MIN_YEAR, MAX_YEAR))


class PayoutArgsSchema(PageArgsSchema):
    year = Int(required=True, validate=between(MIN_YEAR, MAX_YEAR))
    paid = Bool()
    decision = Id()


class EntryInSchema(BaseSchema):
    unit_id = Id(required=True)
    year = Int(required=True, validate=between(MIN_YEAR, MAX_YEAR))
    kind = Str(required=True, validate=one_of([k.value for k in FundEntryKind]))
    amount = Int(required=True, validate=between(1, MAX_AMOUNT), metadata=_doc("Đồng."))
    entered_on = Str(required=True, metadata=_doc("Ngày ghi, dd/mm/yyyy hoặc YYYY-MM-DD."))
    note = Str(required=True, validate=length(1, MAX_NOTE))


class EntrySchema(BaseSchema):
    id = Int(required=True)
    unit_id = Int(required=True)
    year = Int(required=True)
    kind = Str(required=True)
    amount = Int(required=True)
    entered_on = Date(required=True)
    note = Str(required=True)


class PayoutSchema(BaseSchema):
    id = Int(required=True)
    unit_id = Int(required=True)
    year = Int(required=True)
    decision_id = Int(required=True)
    nomination_id = Int(required=True)
    awardee_name = Str(required=True)
    award_type = Str(required=True)
    amount = Int(required=True, metadata=_doc("Đồng."))
    paid = derived(Bool, lambda p: p.paid_at is not None, required=True)
    paid_at = DateTime(allow_none=True)


class PayoutPageSchema(PageSchema):
    items = List(Nested(PayoutSchema), required=True)


class FundSummarySchema(BaseSchema):
    unit_id = Int(required=True)
    unit_name = Str(required=True)
    year = Int(required=True)
    budget = Int(required=True)
    income = Int(required=True)
    recovered = Int(required=True, metadata=_doc("Tiền thưởng thu hồi (hủy bỏ khen thưởng) ghi vào quỹ trong năm."))
    carried_over = Int(required=True, metadata=_doc("Số dư cuối năm trước chuyển sang."))
    money_in = Int(required=True, metadata=_doc("Nguồn của năm: dự toán, thu khác, tiền thưởng thu hồi."))
    paid = Int(required=True)
    unpaid = Int(required=True, metadata=_doc("Còn phải chi (không tính khen thưởng đã bị hủy bỏ)."))
    balance = Int(required=True, metadata=_doc("Số dư năm trước chuyển sang cộng nguồn của năm, trừ số đã chi; "
                                               "chuyển sang năm sau."))
    balance_after_unpaid = Int(required=True)
    payouts = Int(required=True)
    paid_count = Int(required=True)
