"""The award catalogue in force on a date (rules as data, workflows/rules/catalogue.yaml)."""
from __future__ import annotations

from typing import Any

from api.award_type_schemas import AwardTypeArgsSchema, AwardTypeSchema
from api.blueprint import Blueprint, problems
from api.fields import LOCAL_TZ
from api.unit_of_work import current_ctx
from engine.rules import AwardType, RulesVersion, load_rules

blp = Blueprint("award_types", __name__, url_prefix="/api/v1",
                description="Danh mục loại khen thưởng theo phiên bản quy định áp dụng.")


@blp.route("/award-types")
@blp.arguments(AwardTypeArgsSchema, location="query")
@blp.response(200, AwardTypeSchema(many=True))
@problems(blp, 404)
def award_types(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Danh mục loại khen thưởng

    Các loại khen thưởng của phiên bản quy định áp dụng vào ngày `on` (mặc định: hôm nay, theo giờ
    Việt Nam): cấp quyết định, biểu quyết của hội đồng, ngưỡng thông qua, số ngày công khai, tài liệu
    bắt buộc. 404 khi không có phiên bản nào áp dụng vào ngày đó.
    """
    ctx = current_ctx()
    catalogue, _calendar = load_rules(ctx.settings.rules_dir)
    day = args.get("on") or ctx.clock.now().astimezone(LOCAL_TZ).date()
    version = catalogue.on(day)
    return [award_type_view(version, award_type) for award_type in version.award_types_in_force()]


def award_type_view(version: RulesVersion, award_type: AwardType) -> dict[str, Any]:
    threshold = award_type.approval_threshold
    return {
        "code": award_type.code, "name": award_type.name, "kind": award_type.kind.value,
        "subject": award_type.subject.value, "deciding_level": award_type.deciding_level.value,
        "council_vote": award_type.council_vote, "secret_ballot": award_type.secret_ballot,
        "approval_threshold": None if threshold is None else
        {"op": threshold.op.value, "percent": threshold.percent, "base": threshold.base.value},
        "disclosure_days": award_type.disclosure_days,
        "required_documents": [document.value for document in award_type.required_documents],
        "effective_from": version.effective_from, "effective_to": version.effective_to,
        "rules_version": version.id,
    }
