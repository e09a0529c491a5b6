"""Statistics of a unit and its subtree, and the tables it reports upward (XLSX, DOCX)."""
from __future__ import annotations

from typing import Any

from flask import Response, request

from api.blueprint import Blueprint, problems
from api.downloads import send_document
from api.statistics_schemas import StatisticsArgsSchema, StatisticsSchema
from api.unit_of_work import current_ctx
from engine.clock import local_today
from engine.operations.statistics import exports, queries
from engine.operations.statistics.inputs import read_query
from engine.storage import DOCX, XLSX

blp = Blueprint("statistics", __name__, url_prefix="/api/v1", description="Thống kê thi đua, khen thưởng.")


def _figures() -> queries.Statistics:
    ctx = current_ctx()
    return queries.statistics(ctx, read_query(request.args, today=local_today(ctx.clock)))


@blp.route("/statistics")
@blp.arguments(StatisticsArgsSchema, location="query")
@blp.response(200, StatisticsSchema)
@problems(blp, 403, 404)
def statistics(_args: dict[str, Any]) -> queries.Statistics:
    """Thống kê của một đơn vị và các đơn vị trực thuộc trong một năm hoặc một khoảng thời gian

    Khen thưởng theo cấp, danh hiệu, hình thức và đối tượng; đề nghị và kết quả theo cấp; thời gian
    giải quyết; trễ hạn; khiếu nại, tố cáo, thu hồi; tiền thưởng (docs/statistics.md).
    """
    return _figures()


@blp.route("/statistics.xlsx")
@blp.arguments(StatisticsArgsSchema, location="query")
@blp.doc(responses={"200": {"description": "Các biểu số liệu (XLSX, mỗi biểu một trang tính, dòng cuối là tổng cộng).",
                            "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 403, 404)
def statistics_xlsx(_args: dict[str, Any]) -> Response:
    """Tải các biểu số liệu thống kê (XLSX)"""
    return send_document(exports.workbook(_figures()))


@blp.route("/statistics.docx")
@blp.arguments(StatisticsArgsSchema, location="query")
@blp.doc(responses={"200": {"description": "Báo cáo số liệu (DOCX, thể thức Nghị định 30/2020/NĐ-CP).",
                            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 403, 404)
def statistics_docx(_args: dict[str, Any]) -> Response:
    """Tải báo cáo số liệu thống kê (DOCX)"""
    return send_document(exports.document(_figures(), local_today(current_ctx().clock)))
