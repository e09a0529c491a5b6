"""The organisation tree."""
from __future__ import annotations

from typing import Any

from api.blueprint import Blueprint
from api.schemas import UnitArgsSchema, UnitPageSchema
from api.unit_of_work import current_ctx
from engine.operations.directory import list_units
from engine.operations.paging import Page

blp = Blueprint("units", __name__, url_prefix="/api/v1", description="Đơn vị trong sơ đồ tổ chức.")


@blp.route("/units")
@blp.arguments(UnitArgsSchema, location="query")
@blp.response(200, UnitPageSchema)
def units(args: dict[str, Any]) -> Page:
    """Danh sách đơn vị

    Lọc theo đơn vị cấp trên (`parent`), cấp (`level`), và tìm theo mã hoặc tên (`q`) không
    phân biệt dấu tiếng Việt và chữ hoa, chữ thường.
    """
    return list_units(current_ctx(), parent_id=args.get("parent"), level=args.get("level"), q=args.get("q"),
                      page=args["page"], per_page=args["per_page"])
