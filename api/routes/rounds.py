"""Review rounds (đợt xét khen thưởng): the standing office opens and closes them; anyone who sees
a round reads its dossiers and nominations."""
from __future__ import annotations

from typing import Any

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.round_schemas import (
    RoundArgsSchema,
    RoundCreateSchema,
    RoundDetailSchema,
    RoundDossierSchema,
    RoundListItemSchema,
    RoundSchema,
)
from api.unit_of_work import current_ctx
from engine.models import ReviewRound
from engine.operations.rounds import commands as rounds
from engine.operations.rounds import queries as round_queries
from engine.operations.rounds.inputs import read_round
from engine.operations.rounds.queries import RoundDetail, RoundDossier, RoundSummary

blp = Blueprint("rounds", __name__, url_prefix="/api/v1",
                description="Đợt xét khen thưởng của một cấp: hạn nhận hồ sơ, hồ sơ và đề nghị trong đợt.")


@blp.route("/rounds")
@blp.arguments(RoundArgsSchema, location="query")
@blp.response(200, RoundListItemSchema(many=True))
def list_rounds(args: dict[str, Any]) -> list[RoundSummary]:
    """Các đợt xét tôi được xem (của đơn vị tôi và các cấp trên), đợt đang mở trước"""
    return round_queries.list_rounds(current_ctx(), unit=args.get("unit"), status=args.get("status"))


@blp.route("/rounds", methods=["POST"])
@blp.doc(requestBody=json_request_body(RoundCreateSchema))
@blp.response(201, RoundSchema)
@problems(blp, 403, 422)
def create_round() -> ReviewRound:
    """Mở đợt xét khen thưởng

    Chỉ Cơ quan thường trực của đơn vị. Hồ sơ nộp đến đơn vị trong thời hạn vào đợt xét; hồ sơ nộp
    sau hạn bị từ chối (422, nêu ngày hết hạn) hoặc chờ đợt sau, tùy đợt xét.
    """
    return rounds.create_round(current_ctx(), read_round(json_body(RoundCreateSchema)))


@blp.route("/rounds/<id:round_id>")
@blp.response(200, RoundDetailSchema)
@problems(blp, 404)
def get_round(round_id: int) -> RoundDetail:
    """Đợt xét: hồ sơ, đề nghị và tình trạng, những gì còn thiếu, số ngày đến hạn nhận hồ sơ"""
    return round_queries.round_detail(current_ctx(), round_id)


@blp.route("/rounds/<id:round_id>/dossiers")
@blp.response(200, RoundDossierSchema(many=True))
@problems(blp, 404)
def round_dossiers(round_id: int) -> list[RoundDossier]:
    """Hồ sơ trong đợt xét, với các đề nghị và những gì còn thiếu"""
    return round_queries.round_dossiers(current_ctx(), round_id)


@blp.route("/rounds/<id:round_id>/close", methods=["POST"])
@blp.response(200, RoundSchema)
@problems(blp, 403, 404, 409)
def close_round(round_id: int) -> ReviewRound:
    """Đóng đợt xét (Cơ quan thường trực): không nhận thêm hồ sơ"""
    return rounds.close_round(current_ctx(), round_id)
