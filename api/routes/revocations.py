"""Revocation of awards (thu hồi): started by the office of the granting unit on a legal ground, or by
an upheld complaint; then prepared, decided and recorded through the `revocation` process."""
from __future__ import annotations

from typing import Any

from marshmallow.validate import Length

from api.blueprint import Blueprint, problems
from api.fields import BaseSchema, DateTime, Id, Int, List, Str, derived, length, one_of
from api.unit_of_work import current_ctx
from engine.models import Revocation, RevocationGround
from engine.operations.complaints import revocation as revocations

blp = Blueprint("revocations", __name__, url_prefix="/api/v1", description="Hủy bỏ khen thưởng, thu hồi.")


class StartRevocationSchema(BaseSchema):
    decision_id = Id(required=True)
    nomination_ids = List(Id(), required=True, validate=Length(min=1, error="Chọn ít nhất một trường hợp."))
    ground = Str(required=True, validate=one_of([g.value for g in RevocationGround]))
    reason = Str(required=True, validate=length(1, 8000))


class RevocationSchema(BaseSchema):
    """Dumps a Revocation."""

    id = Int(required=True)
    decision_id = Int(required=True)
    granting_unit_id = Int(required=True)
    complaint_id = Int(allow_none=True, required=True)
    ground = Str(allow_none=True, required=True)
    ground_label = derived(Str, lambda r: r.ground.label if r.ground else None, allow_none=True, required=True)
    nomination_ids = List(Int(), required=True)
    reason = Str(allow_none=True, required=True)
    status = Str(required=True)
    cancellation_decision_id = Int(allow_none=True, required=True)
    recovery_note = Str(allow_none=True, required=True)
    recovered_at = DateTime(allow_none=True, required=True)
    created_at = DateTime(required=True)


@blp.route("/revocations", methods=["POST"])
@blp.arguments(StartRevocationSchema)
@blp.response(201, RevocationSchema)
@problems(blp, 403, 404, 422)
def start(args: dict[str, Any]) -> Revocation:
    """Đề nghị hủy bỏ khen thưởng theo một trong bốn căn cứ của Luật (cơ quan thường trực của đơn vị đã khen thưởng)"""
    return revocations.start_revocation(current_ctx(), args["decision_id"], args["nomination_ids"], args["ground"],
                                        args["reason"])


@blp.route("/revocations/<id:revocation_id>")
@blp.response(200, RevocationSchema)
@problems(blp, 404)
def get(revocation_id: int) -> Revocation:
    """Hồ sơ hủy bỏ khen thưởng: căn cứ, các trường hợp, quyết định hủy bỏ, tình trạng thu hồi"""
    return revocations.get_revocation(current_ctx(), revocation_id)
