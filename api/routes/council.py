"""Council sessions (results, never who voted what), minutes, and secret-ballot receipts."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.council_schemas import (
    BallotSchema,
    CouncilSessionSchema,
    CouncilSittingSchema,
    OpenSittingSchema,
    PaperBallotEnteredSchema,
    PaperBallotSchema,
    SessionListArgsSchema,
    SittingBallotCastSchema,
    SittingBallotPageSchema,
    SittingBallotSchema,
    SittingCloseSchema,
    SittingPaperBallotEnteredSchema,
)
from api.downloads import send_document
from api.unit_of_work import current_ctx
from engine.operations.council import queries as access
from engine.operations.council import sitting as sittings
from engine.operations.council.council_vote import enter_paper_ballot
from engine.operations.council.inputs import (
    read_open_sitting,
    read_paper_ballot,
    read_sitting_ballot,
    read_sitting_close,
    read_sitting_paper_ballot,
)
from engine.operations.council.sitting_minutes import sitting_document
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


@blp.route("/rounds/<id:round_id>/sitting", methods=["POST"])
@blp.doc(requestBody={"required": False, "content": {"application/json": {"schema": OpenSittingSchema}}})
@blp.response(201, CouncilSittingSchema)
@problems(blp, 403, 404, 409, 422)
def open_sitting(round_id: int) -> dict[str, Any]:
    """Mở phiên họp Hội đồng của đợt xét (Cơ quan thường trực hoặc Chủ tịch Hội đồng, sau hạn nhận hồ sơ)

    Chương trình họp: mọi đề nghị cần Hội đồng biểu quyết của các hồ sơ trong đợt đang chờ ở cấp này.
    Chỉ định Ban kiểm phiếu (`counting_board`); mặc định Chủ tịch và Thư ký Hội đồng.
    """
    ctx = current_ctx()
    board = read_open_sitting(json_body(OpenSittingSchema))
    return sittings.sitting_view(ctx, sittings.open_sitting(ctx, round_id, board))


@blp.route("/council-sittings/<id:sitting_id>/paper-ballots", methods=["POST"])
@blp.doc(requestBody=json_request_body(PaperBallotSchema))
@blp.response(201, SittingPaperBallotEnteredSchema)
@problems(blp, 403, 404, 409, 422)
def sitting_paper_ballot(sitting_id: int) -> dict[str, Any]:
    """Ban kiểm phiếu nhập phiếu bằng văn bản của thành viên vắng mặt cho cả chương trình họp

    Trước khi phiên họp kết thúc. Phiếu vào hòm phiếu như phiếu thành viên tự bỏ (một biên nhận); thành viên
    được tính là vắng mặt, có phiếu bằng văn bản; nhiệm vụ bỏ phiếu của thành viên được hoàn thành.
    """
    return sittings.enter_sitting_paper_ballot(current_ctx(), read_sitting_paper_ballot(
        sitting_id, json_body(PaperBallotSchema)))


@blp.route("/council-sittings/<id:sitting_id>/minutes.docx")
@blp.doc(responses={"200": {"description": "Biên bản họp Hội đồng của cả phiên họp (DOCX).",
                            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 404)
def sitting_minutes(sitting_id: int) -> Response:
    """Tải biên bản họp Hội đồng của phiên họp đợt xét (DOCX)"""
    return send_document(sitting_document(current_ctx(), sitting_id, "minutes"))


@blp.route("/council-sittings/<id:sitting_id>/counting.docx")
@blp.doc(responses={"200": {"description": "Biên bản kiểm phiếu của Ban kiểm phiếu (DOCX).",
                            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 404)
def sitting_counting(sitting_id: int) -> Response:
    """Tải biên bản kiểm phiếu (phiếu kín) của phiên họp đợt xét (DOCX)"""
    return send_document(sitting_document(current_ctx(), sitting_id, "counting"))


@blp.route("/council-sittings/<id:sitting_id>")
@blp.response(200, CouncilSittingSchema)
@problems(blp, 404)
def get_sitting(sitting_id: int) -> dict[str, Any]:
    """Phiên họp của đợt xét: các hồ sơ, kết quả từng đề nghị sau kiểm phiếu"""
    ctx = current_ctx()
    return sittings.sitting_view(ctx, sittings.get_sitting(ctx, sitting_id))


@blp.route("/council-sittings/<id:sitting_id>/ballot")
@blp.response(200, SittingBallotPageSchema)
@problems(blp, 403, 404)
def sitting_ballot(sitting_id: int) -> dict[str, Any]:
    """Phiếu bầu của thành viên cho cả chương trình họp, theo loại hình khen thưởng"""
    return sittings.sitting_ballot(current_ctx(), sitting_id)


@blp.route("/council-sittings/<id:sitting_id>/ballot", methods=["POST"])
@blp.doc(requestBody=json_request_body(SittingBallotSchema))
@blp.response(201, SittingBallotCastSchema)
@problems(blp, 403, 404, 409, 422)
def cast_sitting_ballot(sitting_id: int) -> dict[str, Any]:
    """Bỏ một phiếu cho cả chương trình họp (phiếu kín, có biên nhận)"""
    return sittings.cast_sitting_ballot(current_ctx(), read_sitting_ballot(sitting_id,
                                                                           json_body(SittingBallotSchema)))


@blp.route("/council-sittings/<id:sitting_id>/close", methods=["POST"])
@blp.doc(requestBody=json_request_body(SittingCloseSchema))
@blp.response(200, CouncilSittingSchema)
@problems(blp, 403, 404, 409, 422)
def close_sitting(sitting_id: int) -> dict[str, Any]:
    """Kết thúc phiên họp của đợt xét (Chủ tịch hoặc Thư ký Hội đồng): thời gian, địa điểm họp thực tế; kiểm phiếu

    Mỗi hồ sơ trong phiên họp tiếp tục đến bước thủ trưởng quyết định; đề nghị không đạt bị loại.
    """
    ctx = current_ctx()
    return sittings.sitting_view(ctx, sittings.close_sitting(ctx, read_sitting_close(sitting_id,
                                                                                     json_body(SittingCloseSchema))))
