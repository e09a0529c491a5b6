"""Council sessions (results, never who voted what), minutes, and secret-ballot receipts."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.council_schemas import (
    BallotSchema,
    CouncilSessionSchema,
    PaperBallotEnteredSchema,
    PaperBallotSchema,
    SessionListArgsSchema,
)
from api.downloads import send_document
from api.unit_of_work import current_ctx
from engine.operations.council import queries as access
from engine.operations.council.council_vote import enter_paper_ballot
from engine.operations.council.inputs import read_paper_ballot
from engine.storage import DOCX

blp = Blueprint("council", __name__, url_prefix="/api/v1", description="Hội đồng Thi đua - Khen thưởng.")


@blp.route("/council-sessions")
@blp.arguments(SessionListArgsSchema, location="query")
@blp.response(200, CouncilSessionSchema(many=True))
def list_sessions(args: dict[str, Any]) -> list[dict[str, Any]]:
    """Các phiên họp Hội đồng của một hồ sơ"""
    ctx = current_ctx()
    return [access.session_view(ctx, s) for s in access.list_sessions(ctx, args["dossier"])]


@blp.route("/council-sessions/<id:session_id>")
@blp.response(200, CouncilSessionSchema)
@problems(blp, 404)
def get_session(session_id: int) -> dict[str, Any]:
    """Phiên họp: thành phần, số có mặt, kết quả từng đề nghị sau kiểm phiếu (không bao giờ có ai bầu gì)"""
    ctx = current_ctx()
    return access.session_view(ctx, access.get_session(ctx, session_id))


@blp.route("/council-sessions/<id:session_id>/minutes.docx")
@blp.doc(responses={"200": {"description": "Biên bản họp (DOCX).",
                            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 404)
def minutes(session_id: int) -> Response:
    """Tải biên bản họp Hội đồng (DOCX)"""
    return send_document(access.minutes_file(current_ctx(), session_id))


@blp.route("/ballots/<string:receipt>")
@blp.response(200, BallotSchema)
@problems(blp, 404)
def ballot(receipt: str) -> dict[str, Any]:
    """Tra cứu phiếu bầu kín bằng biên nhận: phiếu ghi gì và đã được kiểm chưa"""
    return access.ballot_by_receipt(current_ctx(), receipt)


@blp.route("/council-sessions/<id:session_id>/paper-ballots", methods=["POST"])
@blp.doc(requestBody=json_request_body(PaperBallotSchema))
@blp.response(201, PaperBallotEnteredSchema)
@problems(blp, 403, 404, 409, 422)
def paper_ballot(session_id: int) -> dict[str, Any]:
    """Nhập phiếu bằng văn bản của thành viên vắng mặt (Ban kiểm phiếu: Chủ tịch hoặc Thư ký Hội đồng)

    Trong khi phiên họp còn đang bỏ phiếu. Phiếu vào hòm phiếu như phiếu thành viên tự bỏ; thành viên
    được tính là vắng mặt, có phiếu bằng văn bản. Biên bản ghi số phiếu bằng văn bản.
    """
    return enter_paper_ballot(current_ctx(), read_paper_ballot(session_id, json_body(PaperBallotSchema)))
