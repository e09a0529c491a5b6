"""The public face, without login (docs/public.md): lists under public disclosure and comments on
them, issued decisions with their documents, award lookup, exemplary people and models. Reads are
counted per address and cacheable (ETag, Cache-Control); no session."""
from __future__ import annotations

from typing import Any

from flask import Response

from api.auth import public
from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.downloads import send_document
from api.public_http import CommentReceived, make_public, receive_comment
from api.public_schemas import (
    CommentReceivedSchema,
    CommentSchema,
    DecisionSearchArgsSchema,
    DisclosedListSchema,
    DisclosedPageSchema,
    DisclosureArgsSchema,
    ExemplarArgsSchema,
    ExemplarPageSchema,
    ExemplarSchema,
    FoundAwardPageSchema,
    LookupArgsSchema,
    PublicDecisionPageSchema,
    PublicDecisionSchema,
)
from api.unit_of_work import current_ctx
from engine.models import Exemplar, ExemplarKind
from engine.operations.paging import Page
from engine.operations.public import queries
from engine.operations.public.queries import DisclosedList, PublicDecision
from engine.storage import DOCX, PDF

blp = Blueprint("public", __name__, url_prefix="/api/v1/public",
                description="Công khai (không cần đăng nhập): danh sách đang lấy ý kiến, quyết định khen thưởng, "
                            "tra cứu khen thưởng, điển hình tiên tiến.")
make_public(blp)


@blp.route("/disclosures")
@blp.doc(security=[])
@blp.arguments(DisclosureArgsSchema, location="query")
@blp.response(200, DisclosedPageSchema)
@problems(blp, 429)
@public
def list_disclosures(args: dict[str, Any]) -> Page:
    """Danh sách đề nghị khen thưởng đang công khai lấy ý kiến, sắp hết hạn trước"""
    return queries.disclosures(current_ctx(), unit=args.get("unit"), page=args["page"], per_page=args["per_page"])


@blp.route("/disclosures/<id:disclosure_id>")
@blp.doc(security=[])
@blp.response(200, DisclosedListSchema)
@problems(blp, 404, 429)
@public
def get_disclosure(disclosure_id: int) -> DisclosedList:
    """Một danh sách đang công khai"""
    return queries.disclosure(current_ctx(), disclosure_id)


@blp.route("/disclosures/<id:disclosure_id>/comments", methods=["POST"])
@blp.doc(security=[], requestBody=json_request_body(CommentSchema))
@blp.response(201, CommentReceivedSchema)
@problems(blp, 404, 422, 429)
@public
def comment(disclosure_id: int) -> CommentReceived:
    """Gửi ý kiến về danh sách đang công khai

    Ý kiến đến cơ quan thường trực cùng với nhiệm vụ ghi nhận ý kiến sau công khai. Khi ý kiến phản
    ánh sai phạm (`alleges`), ý kiến được gửi thành đơn tố cáo (hoặc khiếu nại) về đề nghị đó: trả về
    mã theo dõi đơn và mã bí mật. Số lần gửi từ một địa chỉ bị giới hạn (429)."""
    return receive_comment(disclosure_id, json_body(CommentSchema))


@blp.route("/decisions")
@blp.doc(security=[])
@blp.arguments(DecisionSearchArgsSchema, location="query")
@blp.response(200, PublicDecisionPageSchema)
@problems(blp, 429)
@public
def search_decisions(args: dict[str, Any]) -> Page:
    """Quyết định khen thưởng đã ban hành, tìm theo số, năm, cơ quan ban hành"""
    return queries.search_decisions(current_ctx(), number=args.get("number"), year=args.get("year"),
                                    issuer=args.get("issuer"), issuer_id=args.get("issuer_id"),
                                    page=args["page"], per_page=args["per_page"])


@blp.route("/decisions/<id:decision_id>")
@blp.doc(security=[])
@blp.response(200, PublicDecisionSchema)
@problems(blp, 404, 429)
@public
def get_decision(decision_id: int) -> PublicDecision:
    """Một quyết định khen thưởng và danh sách được khen thưởng"""
    return queries.public_decision(current_ctx(), decision_id)


@blp.route("/decisions/<id:decision_id>/document.pdf")
@blp.doc(security=[], responses={"200": {"description": "Bản PDF đã ban hành.",
                                         "content": {PDF: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 404, 429)
@public
def decision_pdf(decision_id: int) -> Response:
    """Tải bản PDF của quyết định"""
    return send_document(queries.public_decision_file(current_ctx(), decision_id, pdf=True))


@blp.route("/decisions/<id:decision_id>/document.docx")
@blp.doc(security=[], responses={"200": {"description": "Văn bản quyết định (DOCX).",
                                         "content": {DOCX: {"schema": {"type": "string", "format": "binary"}}}}})
@problems(blp, 404, 429)
@public
def decision_docx(decision_id: int) -> Response:
    """Tải văn bản quyết định (DOCX)"""
    return send_document(queries.public_decision_file(current_ctx(), decision_id, pdf=False))


@blp.route("/awards")
@blp.doc(security=[])
@blp.arguments(LookupArgsSchema, location="query")
@blp.response(200, FoundAwardPageSchema)
@problems(blp, 429)
@public
def lookup(args: dict[str, Any]) -> Page:
    """Tra cứu khen thưởng theo tên (không phân biệt dấu), đơn vị, năm"""
    return queries.lookup_awards(current_ctx(), name=args.get("name"), unit=args.get("unit"), year=args.get("year"),
                                 page=args["page"], per_page=args["per_page"], after=args.get("after"))


@blp.route("/exemplars")
@blp.doc(security=[])
@blp.arguments(ExemplarArgsSchema, location="query")
@blp.response(200, ExemplarPageSchema)
@problems(blp, 429)
@public
def list_exemplars(args: dict[str, Any]) -> Page:
    """Điển hình tiên tiến, người tốt việc tốt đã công bố"""
    kind = ExemplarKind(args["kind"]) if args.get("kind") else None
    return queries.exemplars(current_ctx(), kind=kind, year=args.get("year"), name=args.get("name"),
                             page=args["page"], per_page=args["per_page"])


@blp.route("/exemplars/<id:exemplar_id>")
@blp.doc(security=[])
@blp.response(200, ExemplarSchema)
@problems(blp, 404, 429)
@public
def get_exemplar(exemplar_id: int) -> Exemplar:
    """Một điển hình đã công bố"""
    return queries.published_exemplar(current_ctx(), exemplar_id)


@blp.route("/exemplars/<id:exemplar_id>/photo")
@blp.doc(security=[])
@problems(blp, 404, 429)
@public
def exemplar_photo(exemplar_id: int) -> Response:
    """Ảnh của điển hình (JPEG hoặc PNG)"""
    return send_document(queries.exemplar_photo(current_ctx(), exemplar_id))
