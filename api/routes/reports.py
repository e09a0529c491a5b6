"""Periodic reports up the tree (báo cáo sơ kết, tổng kết): open one, read them, see who has reported."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.downloads import send_document
from api.statistics_schemas import (
    ReportArgsSchema,
    ReportCreateSchema,
    ReportDeadlineOutSchema,
    ReportDeadlineSchema,
    ReportingArgsSchema,
    ReportingSchema,
    ReportSchema,
)
from api.unit_of_work import current_ctx
from engine.models import PeriodicReport, ReportDeadline
from engine.operations.reports import commands, deadline, queries
from engine.operations.reports.document import Reporting
from engine.operations.reports.inputs import read_deadline, read_start
from engine.storage import DOCX
from engine.vocabulary import ReportKind

blp = Blueprint("reports", __name__, url_prefix="/api/v1", description="Báo cáo sơ kết, tổng kết gửi cấp trên.")


@blp.route("/reports", methods=["POST"])
@blp.doc(requestBody=json_request_body(ReportCreateSchema))
@blp.response(201, ReportSchema)
@problems(blp, 403, 404, 409, 422)
def start_report() -> PeriodicReport:
    """Lập báo cáo sơ kết hoặc tổng kết của đơn vị

    Cơ quan thường trực của đơn vị mở báo cáo; quy trình `periodic_report` lập dự thảo từ số liệu
    thống kê và báo cáo của các đơn vị trực thuộc, giao cơ quan thường trực hoàn thiện rồi thủ trưởng duyệt.
    """
    return commands.start_report(current_ctx(), read_start(json_body(ReportCreateSchema)))


@blp.route("/reports")
@blp.arguments(ReportArgsSchema, location="query")
@blp.response(200, ReportSchema(many=True))
@problems(blp, 403)
def list_reports(args: dict[str, Any]) -> list[PeriodicReport]:
    """Các báo cáo của một đơn vị"""
    return queries.list_reports(current_ctx(), args["unit"], args.get("year"))


@blp.route("/reports/reporting")
@blp.arguments(ReportingArgsSchema, location="query")
@blp.response(200, ReportingSchema(many=True))
@problems(blp, 403)
def reporting(args: dict[str, Any]) -> list[Reporting]:
    """Các đơn vị trực thuộc đã gửi báo cáo hay chưa"""
    return queries.who_reported(current_ctx(), args["unit"], args["year"], ReportKind(args["kind"]))


@blp.route("/reports/deadlines", methods=["POST"])
@blp.doc(requestBody=json_request_body(ReportDeadlineSchema))
@blp.response(200, ReportDeadlineOutSchema)
@problems(blp, 403, 404, 422)
def set_deadline() -> ReportDeadline:
    """Đặt hạn gửi báo cáo sơ kết, tổng kết cho các đơn vị trực thuộc

    Cơ quan thường trực của cấp trên đặt (hoặc dời) hạn cuối; báo cáo lập sau đó nhận hạn này, quy trình
    báo quá hạn khi đến hạn mà chưa gửi. Không đặt: hạn là 15 ngày sau ngày cuối của kỳ báo cáo.
    """
    return deadline.set_deadline(current_ctx(), read_deadline(json_body(ReportDeadlineSchema)))


@blp.route("/reports/<id:report_id>")
@blp.response(200, ReportSchema)
@problems(blp, 404)
def get_report(report_id: int) -> PeriodicReport:
    """Một báo cáo"""
    return queries.get_report(current_ctx(), report_id)


@blp.route("/reports/<id:report_id>/document.docx")
@blp.doc(responses={"200": {"description": "Báo cáo (DOCX): bản đã gửi, hoặc dự thảo hiện tại.",
                            "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 404)
def report_document(report_id: int) -> Response:
    """Tải báo cáo (DOCX)"""
    return send_document(queries.report_file(current_ctx(), report_id))
