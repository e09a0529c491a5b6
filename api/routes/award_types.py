"""The award catalogue in force on a date (rules as data, workflows/rules/catalogue.yaml)."""
from __future__ import annotations

from typing import Any

from api.award_type_schemas import AwardTypeArgsSchema, AwardTypeSchema
from api.blueprint import Blueprint, problems
from api.unit_of_work import current_ctx
from engine.operations.award.queries import AwardTypeInForce, award_types_on

blp = Blueprint("award_types", __name__, url_prefix="/api/v1",
                description="Danh mục loại khen thưởng theo phiên bản quy định áp dụng.")


@blp.route("/award-types")
@blp.arguments(AwardTypeArgsSchema, location="query")
@blp.response(200, AwardTypeSchema(many=True))
@problems(blp, 404)
def award_types(args: dict[str, Any]) -> list[AwardTypeInForce]:
    """Danh mục loại khen thưởng

    Các loại khen thưởng của phiên bản quy định áp dụng vào ngày `on` (mặc định: hôm nay, theo giờ
    Việt Nam): cấp quyết định, biểu quyết của hội đồng, ngưỡng thông qua, số ngày công khai, tài liệu
    bắt buộc, tiền thưởng, và tiêu chí kiểm tra tự động (điều khoản căn cứ). Với `unit`: tiêu chí đã
    gộp các lớp quy định của tỉnh (và ngành) áp dụng cho đơn vị đó, mỗi giá trị kèm văn bản đặt ra nó.
    404 khi không có phiên bản nào áp dụng vào ngày đó, hoặc không có đơn vị đó.
    """
    return award_types_on(current_ctx(), args.get("on"), args.get("unit"))
