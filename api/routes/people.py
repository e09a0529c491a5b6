"""The registry: people and collectives with the awards they hold and their recognised initiatives."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.downloads import send_document
from api.people_schemas import (
    AwardeeDetailSchema,
    AwardeeMergeSchema,
    AwardeePageSchema,
    BarInputSchema,
    DuplicatePairSchema,
    IdentitySchema,
    LiftInputSchema,
    MatchResultSchema,
    MatchSchema,
    MergeSchema,
    PeopleArgsSchema,
)
from api.unit_of_work import current_ctx
from engine.models import Awardee, AwardeeMerge
from engine.operations.paging import Page
from engine.operations.registry import duplicates, export
from engine.operations.registry.commands import lift_bar, set_bar, set_identity
from engine.operations.registry.inputs import read_bar, read_identity, read_lift, read_match, read_merge
from engine.operations.registry.queries import get_awardee, list_awardees, match_person

blp = Blueprint("people", __name__, url_prefix="/api/v1",
                description="Sổ theo dõi khen thưởng: cá nhân, tập thể, khen thưởng và sáng kiến đã có.")


@blp.route("/people")
@blp.arguments(PeopleArgsSchema, location="query")
@blp.response(200, AwardeePageSchema)
def people(args: dict[str, Any]) -> Page:
    """Danh sách cá nhân, tập thể trong sổ theo dõi

    Chỉ những người, tập thể thuộc đơn vị mà tôi có vai trò, hoặc đơn vị trực thuộc đơn vị đó
    (quản trị hệ thống thấy tất cả). Tìm theo tên (`q`) không phân biệt dấu tiếng Việt và chữ hoa,
    chữ thường; xếp theo tên.
    """
    return list_awardees(current_ctx(), q=args.get("q"), unit=args.get("unit"), kind=args.get("kind"),
                         page=args["page"], per_page=args["per_page"])


@blp.route("/people/<id:awardee_id>")
@blp.response(200, AwardeeDetailSchema)
@problems(blp, 404)
def person(awardee_id: int) -> Awardee:
    """Một cá nhân, tập thể với khen thưởng và sáng kiến đã có

    Kèm khen thưởng (loại, năm, kiểu, số quyết định, đã thu hồi hay chưa) và sáng kiến (tên, phạm vi,
    năm, đã dùng hay chưa). 404 nếu không có, hoặc tôi không có vai trò tại đơn vị của người đó hay
    đơn vị cấp trên.
    """
    return get_awardee(current_ctx(), awardee_id)


@blp.route("/people/match", methods=["POST"])
@blp.doc(requestBody=json_request_body(MatchSchema))
@blp.response(200, MatchResultSchema)
@problems(blp, 422)
def match() -> dict[str, Any]:
    """Tìm đúng người trong sổ theo dõi (chọn người được đề nghị)

    So khớp theo họ tên, đơn vị công tác (hiện nay hoặc trước đây), ngày sinh và số CCCD (so bằng
    giá trị băm có khoá, số không được lưu). Một người: trả về người đó; không có: `person` trống
    (người mới). Nhiều người trùng tên mà không phân biệt được: 422 loại `ambiguous-person` với danh
    sách ứng viên (`candidates`) để chọn, không bao giờ tự gán cho một người.
    """
    ctx = current_ctx()
    return {"person": match_person(ctx, read_match(ctx, json_body(MatchSchema)))}


@blp.route("/people/<id:awardee_id>/identity", methods=["PUT"])
@blp.doc(requestBody=json_request_body(IdentitySchema))
@blp.response(200, AwardeeDetailSchema)
@problems(blp, 403, 404, 409, 422)
def identity(awardee_id: int) -> Awardee:
    """Ghi ngày sinh, giới tính, số CCCD của một người

    Dành cho cơ quan thường trực của đơn vị hoặc cấp trên. Số CCCD chỉ được lưu dưới dạng giá trị
    băm có khoá (HMAC-SHA256); 409 nếu một hồ sơ khác đã có số đó (hãy gộp hai hồ sơ).
    """
    ctx = current_ctx()
    set_identity(ctx, awardee_id, read_identity(ctx, json_body(IdentitySchema)))
    return get_awardee(ctx, awardee_id)


@blp.route("/people/<id:awardee_id>/bars", methods=["POST"])
@blp.doc(requestBody=json_request_body(BarInputSchema))
@blp.response(201, AwardeeDetailSchema)
@problems(blp, 403, 404, 422)
def bar(awardee_id: int) -> Awardee:
    """Ghi trường hợp chưa được đề nghị khen thưởng

    Người, tập thể đang bị xem xét kỷ luật, điều tra, thanh tra – kiểm tra, hoặc có đơn thư đang xác
    minh (NĐ 98/2023 Điều 4 khoản 4), từ một ngày, với lý do. Dành cho cơ quan thường trực của đơn vị
    hoặc cấp trên; được ghi nhật ký; bước thẩm định đọc để báo "không đạt".
    """
    ctx = current_ctx()
    set_bar(ctx, awardee_id, read_bar(ctx, json_body(BarInputSchema)))
    return get_awardee(ctx, awardee_id)


@blp.route("/people/<id:awardee_id>/bars/<id:bar_id>/lift", methods=["POST"])
@blp.doc(requestBody=json_request_body(LiftInputSchema))
@blp.response(200, AwardeeDetailSchema)
@problems(blp, 403, 404, 409, 422)
def lift(awardee_id: int, bar_id: int) -> Awardee:
    """Bỏ ghi trường hợp chưa được đề nghị khen thưởng

    Từ một ngày (không trước ngày ghi), với lý do; trường hợp vẫn được giữ làm lịch sử. 409 nếu đã bỏ ghi.
    """
    ctx = current_ctx()
    lift_bar(ctx, awardee_id, bar_id, read_lift(ctx, json_body(LiftInputSchema)))
    return get_awardee(ctx, awardee_id)


@blp.route("/people/duplicates")
@blp.response(200, DuplicatePairSchema(many=True))
@problems(blp, 403)
def likely_duplicates() -> list[duplicates.DuplicatePair]:
    """Các cặp hồ sơ có thể trùng (cùng tên không dấu, cùng ngày sinh)

    Dành cho cơ quan thường trực (trong phạm vi đơn vị của mình) và quản trị hệ thống; tối đa 500 cặp.
    """
    return duplicates.likely_duplicates(current_ctx())


@blp.route("/people/merges", methods=["POST"])
@blp.doc(requestBody=json_request_body(MergeSchema))
@blp.response(201, AwardeeMergeSchema)
@problems(blp, 403, 404, 409, 422)
def merge() -> AwardeeMerge:
    """Gộp hai hồ sơ trùng

    Mọi khen thưởng, sáng kiến, xếp loại, quá trình công tác và đề nghị của hồ sơ trùng chuyển sang hồ
    sơ giữ lại; hồ sơ trùng bị ẩn. 409 nếu hai hồ sơ khác ngày sinh, giới tính, số CCCD hoặc xếp loại
    cùng năm (là hai người). Hoàn tác được bằng `POST /people/merges/{id}/undo`.
    """
    kept, merged = read_merge(json_body(MergeSchema))
    return duplicates.merge_awardees(current_ctx(), kept, merged)


@blp.route("/people/merges/<id:merge_id>/undo", methods=["POST"])
@blp.response(200, AwardeeMergeSchema)
@problems(blp, 403, 404, 409)
def undo_merge(merge_id: int) -> AwardeeMerge:
    """Hoàn tác một lần gộp: hai hồ sơ và lịch sử của từng hồ sơ như trước khi gộp"""
    return duplicates.undo_merge(current_ctx(), merge_id)


_XLSX_RESPONSE = {"200": {"description": "Tệp Excel.", "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}}}}}


@blp.route("/people/<id:awardee_id>/history.xlsx")
@blp.doc(responses=_XLSX_RESPONSE)
@problems(blp, 404)
def person_history(awardee_id: int) -> Response:
    """Lý lịch khen thưởng của một người (Excel): mọi khen thưởng, quyết định, quá trình công tác"""
    return send_document(export.person_history(current_ctx(), awardee_id))


@blp.route("/units/<id:unit_id>/award-history.xlsx")
@blp.doc(responses=_XLSX_RESPONSE)
@problems(blp, 404)
def unit_history(unit_id: int) -> Response:
    """Lịch sử khen thưởng của một đơn vị (Excel): mọi người đã và đang công tác tại đơn vị"""
    return send_document(export.unit_history(current_ctx(), unit_id))
