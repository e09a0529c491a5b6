"""The registry: people and collectives with the awards they hold and their recognised initiatives."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from api.blueprint import Blueprint, problems
from api.people_schemas import AwardeeDetailSchema, AwardeePageSchema, PeopleArgsSchema
from api.presenters import page_view, unit_ref
from api.unit_of_work import current_ctx
from engine.models import Awardee, Decision, Unit
from engine.operations.registry.queries import get_awardee, list_awardees

blp = Blueprint("people", __name__, url_prefix="/api/v1",
                description="Sổ theo dõi khen thưởng: cá nhân, tập thể, khen thưởng và sáng kiến đã có.")


def awardee_view(session: Session, awardee: Awardee) -> dict[str, Any]:
    unit = session.get(Unit, awardee.unit_id) if awardee.unit_id is not None else None
    return {"id": awardee.id, "code": awardee.code, "kind": awardee.kind.value, "name": awardee.name,
            "position": awardee.position, "unit": unit_ref(unit)}


def awardee_detail_view(session: Session, awardee: Awardee) -> dict[str, Any]:
    awards = []
    for award in awardee.awards:
        decision = session.get(Decision, award.decision_id) if award.decision_id is not None else None
        awards.append({"id": award.id, "award_type": award.award_type, "year": award.year,
                       "kind": award.dossier_kind, "decision_id": award.decision_id,
                       "decision_number": decision.label if decision is not None else None,
                       "revoked": award.revoked_at is not None, "revoked_at": award.revoked_at})
    initiatives = [{"id": i.id, "title": i.title, "level": i.level, "year": i.year,
                    "used": i.used_by_nomination_id is not None, "used_by_nomination_id": i.used_by_nomination_id}
                   for i in awardee.initiatives]
    return {**awardee_view(session, awardee), "awards": awards, "initiatives": initiatives}


@blp.route("/people")
@blp.arguments(PeopleArgsSchema, location="query")
@blp.response(200, AwardeePageSchema)
def people(args: dict[str, Any]) -> dict[str, Any]:
    """Danh sách cá nhân, tập thể trong sổ theo dõi

    Chỉ những người, tập thể thuộc đơn vị mà tôi có vai trò, hoặc đơn vị trực thuộc đơn vị đó
    (quản trị hệ thống thấy tất cả). Tìm theo tên (`q`) không phân biệt dấu tiếng Việt và chữ hoa,
    chữ thường; xếp theo tên.
    """
    ctx = current_ctx()
    page = list_awardees(ctx, q=args.get("q"), unit=args.get("unit"), kind=args.get("kind"),
                         page=args["page"], per_page=args["per_page"])
    return page_view(page, lambda awardee: awardee_view(ctx.session, awardee))


@blp.route("/people/<id:awardee_id>")
@blp.response(200, AwardeeDetailSchema)
@problems(blp, 404)
def person(awardee_id: int) -> dict[str, Any]:
    """Một cá nhân, tập thể với khen thưởng và sáng kiến đã có

    Kèm khen thưởng (loại, năm, kiểu, số quyết định, đã thu hồi hay chưa) và sáng kiến (tên, phạm vi,
    năm, đã dùng hay chưa). 404 nếu không có, hoặc tôi không có vai trò tại đơn vị của người đó hay
    đơn vị cấp trên.
    """
    ctx = current_ctx()
    return awardee_detail_view(ctx.session, get_awardee(ctx, awardee_id))
