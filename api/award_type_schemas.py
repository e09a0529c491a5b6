"""Schemas of `GET /award-types`: the award catalogue of the rules version in force on a date."""
from __future__ import annotations

from enum import Enum

from marshmallow import fields

from api.fields import BaseSchema, Bool, Dict, Id, Int, List, Nested, Str
from engine.models.dossier import AttachmentKind
from engine.rules import AwardKind, Comparison, DecidingLevel, Subject, VoteBase
from engine.vocabulary import AwardeeKind


def _doc(text: str, values: type[Enum] | None = None) -> dict[str, object]:
    meta: dict[str, object] = {"description": text}
    if values is not None:
        meta["enum"] = [member.value for member in values]
    return meta


class Date(fields.Date):
    default_error_messages = {"invalid": "Cần ngày dạng YYYY-MM-DD.", "format": "Không biểu diễn được ngày."}


class AwardTypeArgsSchema(BaseSchema):
    on = Date(metadata=_doc("Ngày áp dụng (YYYY-MM-DD); mặc định là hôm nay."))
    unit = Id(metadata=_doc("Mã số một đơn vị: kèm các lớp quy định của tỉnh (và ngành) áp dụng cho đơn vị đó."))


class CriterionSchema(BaseSchema):
    id = Str(required=True, metadata=_doc("Mã tiêu chí trong kết quả kiểm tra tự động."))
    check = Str(required=True, metadata=_doc("Loại kiểm tra (docs/rules.md)."))
    basis = Str(required=True, metadata=_doc("Điều, khoản làm căn cứ."))
    confirmed = Bool(required=True, metadata=_doc("Đã đối chiếu với văn bản đang có hiệu lực hay chưa."))
    source = Str(required=True, allow_none=True,
                 metadata=_doc("Văn bản của tỉnh (lớp quy định) đặt các giá trị; null: theo quy định chung."))
    parameters = Dict(required=True, metadata=_doc("Các tham số: số năm, tỷ lệ, cách làm tròn…"))


class ThresholdSchema(BaseSchema):
    op = Str(required=True, metadata=_doc("Phép so sánh: `>` (trên) hoặc `>=` (từ … trở lên).", Comparison))
    percent = Int(required=True, allow_none=True, metadata=_doc("Tỷ lệ phần trăm; null khi ngưỡng là một phân số."))
    fraction = Str(required=True, allow_none=True,
                   metadata=_doc("Ngưỡng dạng phân số chính xác (ví dụ \"2/3\"); null khi ngưỡng là phần trăm."))
    base = Str(required=True, metadata=_doc("Cơ sở tính: `members` là tổng số thành viên hội đồng, `present` là số "
                                            "thành viên tham gia biểu quyết (có mặt hoặc gửi phiếu bằng văn bản).",
                                            VoteBase))


class DisclosureSchema(BaseSchema):
    by_level = Dict(required=True, attribute="by_level_map",
                    metadata=_doc("Số ngày làm việc công khai của đơn vị theo cấp (0: cấp đó không công khai)."))
    basis = Str(required=True, metadata=_doc("Điều, khoản yêu cầu công khai."))
    confirmed = Bool(required=True, metadata=_doc("Đã đối chiếu với văn bản đang có hiệu lực hay chưa."))


class DeadlinesSchema(BaseSchema):
    appraisal = Dict(required=True, metadata=_doc("Số ngày làm việc thẩm định theo cấp: commune, province, "
                                                  "province_to_prime_minister, national."))
    notify_result = Int(required=True, metadata=_doc("Số ngày làm việc thông báo kết quả."))
    supplement = Int(required=True, metadata=_doc("Số ngày làm việc để bổ sung hồ sơ."))
    cutoffs = Dict(required=True, metadata=_doc(
        "Hạn nhận hồ sơ của tỉnh theo loại đợt xét (\"annual\": \"15/01\", ngày/tháng đầu tiên kể từ ngày mở đợt); "
        "rỗng: Quy chế không quy định, Cơ quan thường trực tự đặt. Nguồn ở `sources` (\"cutoffs.annual\")."))
    sources = Dict(required=True, metadata=_doc("Văn bản của tỉnh (lớp quy định) đặt từng thời hạn, theo khóa "
                                                "(\"appraisal.commune\", \"supplement\"…); rỗng: theo quy định chung."))


class RewardSchema(BaseSchema):
    subject = Str(required=True, metadata=_doc("Đối tượng: cá nhân hoặc tập thể.", AwardeeKind))
    multiple = Str(required=True, metadata=_doc("Hệ số so với mức lương cơ sở (số thập phân, ví dụ \"0.3\")."))
    amount = Int(required=True, metadata=_doc("Tiền thưởng (đồng), đã làm tròn theo nghị định."))
    base_salary = Int(required=True, attribute="base_salary.amount",
                      metadata=_doc("Mức lương cơ sở áp dụng (đồng/tháng)."))
    base_salary_source = Str(required=True, attribute="base_salary.source",
                             metadata=_doc("Văn bản quy định mức lương cơ sở."))
    source = Str(required=True, metadata=_doc("Văn bản quy định hệ số tiền thưởng."))


class AwardTypeSchema(BaseSchema):
    code = Str(required=True, metadata=_doc("Mã loại khen thưởng (ổn định)."))
    name = Str(required=True, metadata=_doc("Tên loại khen thưởng."))
    kind = Str(required=True, metadata=_doc("`title`: danh hiệu thi đua; `commendation`: hình thức khen thưởng.",
                                            AwardKind))
    subject = Str(required=True, metadata=_doc("Đối tượng: cá nhân, tập thể hoặc cả hai.", Subject))
    deciding_level = Str(required=True, metadata=_doc("Cấp quyết định khen thưởng.", DecidingLevel))
    council_vote = Bool(required=True, metadata=_doc("Có biểu quyết của Hội đồng Thi đua - Khen thưởng."))
    secret_ballot = Bool(required=True, metadata=_doc("Biểu quyết bằng phiếu kín."))
    approval_threshold = Nested(ThresholdSchema, required=True, allow_none=True,
                                metadata=_doc("Ngưỡng thông qua; null khi không biểu quyết."))
    disclosure_days = Int(required=True, metadata=_doc("Số ngày làm việc công khai trước khi họp hội đồng (0: không)."))
    disclosure = Nested(DisclosureSchema, required=True, allow_none=True,
                        metadata=_doc("Công khai theo cấp và căn cứ; null: `disclosure_days` ở mọi cấp."))
    required_documents = List(Str(metadata=_doc("Loại tài liệu.", AttachmentKind)), required=True,
                              metadata=_doc("Tài liệu bắt buộc trong hồ sơ."))
    effective_from = Date(required=True, metadata=_doc("Ngày bắt đầu hiệu lực của phiên bản quy định."))
    effective_to = Date(required=True, allow_none=True,
                        metadata=_doc("Ngày hết hiệu lực (kể cả ngày này); null khi chưa có."))
    rules_version = Str(required=True, metadata=_doc("Mã phiên bản quy định áp dụng."))
    rewards = List(Nested(RewardSchema), required=True,
                   metadata=_doc("Tiền thưởng áp dụng vào ngày `on`, theo đối tượng (rỗng khi không có)."))
    criteria = List(Nested(CriterionSchema), required=True,
                    metadata=_doc("Tiêu chí kiểm tra tự động, kể cả lớp quy định của tỉnh khi hỏi theo `unit`."))
    sources = Dict(required=True, metadata=_doc("Văn bản của tỉnh (lớp quy định) đặt ngưỡng thông qua "
                                                "(`approval_threshold`) hoặc số ngày công khai (`disclosure_days`, "
                                                "`disclosure`) của loại này; rỗng: theo quy định chung."))
    deadlines = Nested(DeadlinesSchema, required=True,
                       metadata=_doc("Thời hạn (ngày làm việc) của phiên bản, kể cả lớp quy định khi hỏi theo `unit`."))
