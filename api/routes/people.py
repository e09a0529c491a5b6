"""The registry: people and collectives with the awards they hold and their recognised initiatives."""
from __future__ import annotations

from typing import Any

from api.blueprint import Blueprint, problems
from api.people_schemas import AwardeeDetailSchema, AwardeePageSchema, PeopleArgsSchema
from api.unit_of_work import current_ctx
from engine.models import Awardee
from engine.operations.paging import Page
from engine.operations.registry.queries import get_awardee, list_awardees

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
