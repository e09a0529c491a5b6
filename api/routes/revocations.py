"""Revocation of awards (thu hồi): started by the office of the granting unit on a legal ground, or by
an upheld complaint; then prepared, decided and recorded through the `revocation` process."""
from __future__ import annotations

from typing import Any

from marshmallow import validate
from marshmallow.fields import DateTime, Int, List, Str

from api.blueprint import Blueprint, problems
from api.schemas import BaseSchema
from api.unit_of_work import current_ctx
from engine.models import Revocation, RevocationGround
from engine.operations.complaints import revocation as revocations

blp = Blueprint("revocations", __name__, url_prefix="/api/v1", description="Hủy bỏ khen thưởng, thu hồi.")


class StartRevocationSchema(BaseSchema):
    decision_id = Int(required=True)
    nomination_ids = List(Int(), required=True, validate=validate.Length(min=1))
    ground = Str(required=True, validate=validate.OneOf([g.value for g in RevocationGround]))
    reason = Str(required=True, validate=validate.Length(min=1, max=8000))


class RevocationSchema(BaseSchema):
    id = Int(required=True)
    decision_id = Int(required=True)
    granting_unit_id = Int(required=True)
    complaint_id = Int(allow_none=True, required=True)
    ground = Str(allow_none=True, required=True)
    ground_label = Str(allow_none=True, required=True)
    nomination_ids = List(Int(), required=True)
    reason = Str(allow_none=True, required=True)
    status = Str(required=True)
    cancellation_decision_id = Int(allow_none=True, required=True)
    recovery_note = Str(allow_none=True, required=True)
    recovered_at = DateTime(allow_none=True, required=True)
    created_at = DateTime(required=True)


def _view(revocation: Revocation) -> dict[str, Any]:
    return {"id": revocation.id, "decision_id": revocation.decision_id,
            "granting_unit_id": revocation.granting_unit_id, "complaint_id": revocation.complaint_id,
            "ground": revocation.ground.value if revocation.ground else None,
            "ground_label": revocation.ground.label if revocation.ground else None,
            "nomination_ids": revocation.nomination_ids, "reason": revocation.reason,
            "status": revocation.status.value, "cancellation_decision_id": revocation.cancellation_decision_id,
            "recovery_note": revocation.recovery_note, "recovered_at": revocation.recovered_at,
            "created_at": revocation.created_at}


@blp.route("/revocations", methods=["POST"])
@blp.arguments(StartRevocationSchema)
@blp.response(201, RevocationSchema)
@problems(blp, 403, 404, 422)
def start(args: dict[str, Any]) -> dict[str, Any]:
    """Đề nghị hủy bỏ khen thưởng theo một trong bốn căn cứ của Luật (cơ quan thường trực của đơn vị đã khen thưởng)"""
    ctx = current_ctx()
    return _view(revocations.start_revocation(ctx, args["decision_id"], args["nomination_ids"], args["ground"],
                                              args["reason"]))


@blp.route("/revocations/<id:revocation_id>")
@blp.response(200, RevocationSchema)
@problems(blp, 404)
def get(revocation_id: int) -> dict[str, Any]:
    """Hồ sơ hủy bỏ khen thưởng: căn cứ, các trường hợp, quyết định hủy bỏ, tình trạng thu hồi"""
    ctx = current_ctx()
    return _view(revocations.get_revocation(ctx, revocation_id))
