"""Decisions on awards (quyết định khen thưởng) and their documents."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.blueprint import Blueprint, problems
from api.dossier_schemas import DecisionArgsSchema, DecisionPageSchema, DecisionSchema
from api.downloads import send_document
from api.unit_of_work import current_ctx
from engine.models import Decision
from engine.operations.award import queries as access
from engine.operations.paging import Page
from engine.storage import DOCX, PDF

blp = Blueprint("decisions", __name__, url_prefix="/api/v1", description="Quyết định khen thưởng.")

_PDF_RESPONSE = {"200": {"description": "Bản PDF của quyết định khi ban hành (có chữ ký số PAdES nếu được cấu hình).",
                         "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}}
_DOCX_RESPONSE = {"200": {"description": "Quyết định (DOCX, thể thức Nghị định 30/2020/NĐ-CP).",
                          "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}}


@blp.route("/decisions")
@blp.arguments(DecisionArgsSchema, location="query")
@blp.response(200, DecisionPageSchema)
def list_decisions(args: dict[str, Any]) -> Page:
    """Quyết định tôi được xem, mới nhất trước"""
    return access.list_decisions(current_ctx(), issuer=args.get("issuer"), year=args.get("year"),
                                 dossier=args.get("dossier"), page=args["page"], per_page=args["per_page"])


@blp.route("/decisions/<id:decision_id>")
@blp.response(200, DecisionSchema)
@problems(blp, 404)
def get_decision(decision_id: int) -> Decision:
    """Chi tiết quyết định: số, cơ quan ban hành, ngày ký, các đề nghị được khen thưởng"""
    return access.get_decision(current_ctx(), decision_id)


@blp.route("/decisions/<id:decision_id>/document.docx")
@blp.doc(responses=_DOCX_RESPONSE)
@problems(blp, 404)
def decision_document(decision_id: int) -> Response:
    """Tải văn bản quyết định (DOCX)"""
    return send_document(access.decision_file(current_ctx(), decision_id))


@blp.route("/decisions/<id:decision_id>/document.pdf")
@blp.doc(responses=_PDF_RESPONSE)
@problems(blp, 404)
def decision_pdf(decision_id: int) -> Response:
    """Tải bản PDF của quyết định (đúng bản đã ban hành, có chữ ký số nếu được cấu hình)"""
    return send_document(access.decision_pdf_file(current_ctx(), decision_id))


@blp.route("/decisions/<id:decision_id>/certificates.pdf")
@blp.doc(responses={"200": {"description": "Phôi khen thưởng của mọi cá nhân, tập thể trong quyết định (PDF).",
                            "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 404)
def decision_certificates(decision_id: int) -> Response:
    """In phôi Bằng khen, Giấy khen, danh hiệu của một quyết định (PDF, mỗi người một trang)"""
    return send_document(access.certificates_file(current_ctx(), decision_id))
