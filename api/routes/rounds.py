"""Review rounds (đợt xét khen thưởng): the standing office opens and closes them; anyone who sees
a round reads its dossiers and nominations."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.downloads import send_document
from api.round_schemas import (
    RoundArgsSchema,
    RoundCreateSchema,
    RoundDecisionPageSchema,
    RoundDecisionSchema,
    RoundDetailSchema,
    RoundDossierSchema,
    RoundListItemSchema,
    RoundOutcomeSchema,
    RoundSchema,
    RoundSubmissionSchema,
)
from api.unit_of_work import current_ctx
from engine.models import ReviewRound
from engine.operations.award import round_decision as round_decisions
from engine.operations.award.inputs import read_round_decision
from engine.operations.award.round_decision import (
    outcome_data,
    round_decision_data,
    round_decision_view,
    submission_view,
)
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


@blp.route("/rounds/<id:round_id>/decision")
@blp.response(200, RoundDecisionPageSchema)
@problems(blp, 404)
def round_decision(round_id: int) -> dict[str, Any]:
    """Các đề nghị của đợt xét chờ thủ trưởng quyết định, theo loại khen thưởng; quyết định, tờ trình của đợt"""
    ctx = current_ctx()
    return round_decision_data(ctx, round_decision_view(ctx, round_id))


@blp.route("/rounds/<id:round_id>/decision", methods=["POST"])
@blp.doc(requestBody=json_request_body(RoundDecisionSchema))
@blp.response(201, RoundOutcomeSchema)
@problems(blp, 403, 404, 409, 422)
def decide_round(round_id: int) -> dict[str, Any]:
    """Thủ trưởng quyết định cả đợt xét

    Mỗi đề nghị một dòng: khen thưởng, trình cấp trên, không khen thưởng (nêu lý do) hoặc khen thưởng
    hình thức thấp hơn thuộc thẩm quyền cấp này. Ban hành một quyết định cho mỗi loại khen thưởng, có
    danh sách kèm theo; lập một tờ trình gửi cấp trên cho các đề nghị trình tiếp.
    """
    ctx = current_ctx()
    return outcome_data(ctx, round_decisions.decide_round(ctx, round_id,
                                                          read_round_decision(json_body(RoundDecisionSchema))))


@blp.route("/round-submissions/<id:submission_id>")
@blp.response(200, RoundSubmissionSchema)
@problems(blp, 404)
def get_submission(submission_id: int) -> dict[str, Any]:
    """Tờ trình của một đợt xét gửi cấp trên, với biên bản họp Hội đồng của cấp trình"""
    ctx = current_ctx()
    return submission_view(ctx, round_decisions.get_submission(ctx, submission_id))


@blp.route("/round-submissions/<id:submission_id>/document.docx")
@problems(blp, 404)
def submission_document(submission_id: int) -> Response:
    """Tờ trình (DOCX)"""
    return send_document(round_decisions.submission_file(current_ctx(), submission_id))
