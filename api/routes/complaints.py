"""Complaints (khiếu nại) and denunciations (tố cáo): filing, reading, escalation to the second
instance, and the public intake and status lookup that answer without login."""
from __future__ import annotations

from typing import Any

from flask import Response, request
from werkzeug.exceptions import UnsupportedMediaType

from api.auth import public
from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.complaint_schemas import (
    AcceptanceExtensionSchema,
    ComplaintArgsSchema,
    ComplaintAttachmentSchema,
    ComplaintCreateSchema,
    ComplaintPageSchema,
    ComplaintSchema,
    EscalateSchema,
    FiledSchema,
    PublicEscalateSchema,
    PublicFiledSchema,
    PublicStatusSchema,
)
from api.downloads import send_document
from api.unit_of_work import current_ctx, current_uow
from engine.errors import InvalidInput
from engine.models import Complaint, ComplaintAttachment
from engine.operations.complaints import commands as complaints
from engine.operations.complaints import queries as complaint_queries
from engine.operations.complaints.inputs import read_filing
from engine.operations.complaints.queries import ComplaintView
from engine.operations.paging import Page

blp = Blueprint("complaints", __name__, url_prefix="/api/v1",
                description="Khiếu nại, tố cáo về thi đua, khen thưởng: gửi đơn, theo dõi, khiếu nại lần hai.")

# The filing is read by the engine, after the public endpoint has counted the attempt.
_FILING_BODY = json_request_body(ComplaintCreateSchema)


@blp.route("/complaints", methods=["POST"])
@blp.doc(requestBody=_FILING_BODY)
@blp.response(201, FiledSchema)
@problems(blp, 404, 422)
def file_complaint() -> Complaint:
    """Gửi đơn khiếu nại, tố cáo

    Đối tượng là đúng một trong: quyết định, đề nghị, hồ sơ mà tôi được xem (không thấy: 404;
    không có: 422). Đơn được chuyển đến cán bộ giải quyết khiếu nại của đơn vị có thẩm quyền.
    """
    return complaints.file_complaint(current_ctx(), read_filing(json_body(ComplaintCreateSchema)))


@blp.route("/complaints")
@blp.arguments(ComplaintArgsSchema, location="query")
@blp.response(200, ComplaintPageSchema)
def list_complaints(args: dict[str, Any]) -> Page:
    """Đơn tôi giải quyết hoặc tôi đã gửi, mới nhất trước"""
    return complaint_queries.complaint_page(current_ctx(), status=args.get("status"), kind=args.get("kind"),
                                            page=args["page"], per_page=args["per_page"])


@blp.route("/complaints/<id:complaint_id>")
@blp.response(200, ComplaintSchema)
@problems(blp, 404)
def get_complaint(complaint_id: int) -> ComplaintView:
    """Chi tiết đơn khiếu nại, tố cáo"""
    return complaint_queries.complaint_view(current_ctx(), complaint_id)


@blp.route("/complaints/<id:complaint_id>/escalate", methods=["POST"])
@blp.arguments(EscalateSchema)
@blp.response(201, FiledSchema)
@problems(blp, 403, 404, 409)
def escalate(args: dict[str, Any], complaint_id: int) -> Complaint:
    """Khiếu nại lần hai, tố cáo tiếp

    Chỉ người gửi đơn. Khiếu nại: khi lần đầu đã có kết quả, hoặc đã hết thời hạn giải quyết mà chưa có
    kết quả, và còn trong thời hạn khiếu nại lần hai. Tố cáo: khi đã có kết luận (cho rằng giải quyết
    không đúng pháp luật) hoặc đã quá thời hạn giải quyết. Đơn mới được chuyển lên cấp xét duyệt khen
    thưởng trên đơn vị đã giải quyết.
    """
    return complaints.escalate(current_ctx(), complaint_id, args.get("content"))


@blp.route("/complaints/<id:complaint_id>/acceptance-extension", methods=["POST"])
@blp.doc(requestBody=json_request_body(AcceptanceExtensionSchema))
@blp.response(200, ComplaintSchema)
@problems(blp, 403, 404, 409, 422)
def extend_acceptance(complaint_id: int) -> ComplaintView:
    """Gia hạn thời hạn xử lý ban đầu đơn tố cáo

    Cán bộ giải quyết khiếu nại, tố cáo hoặc thủ trưởng đơn vị giải quyết, một lần, khi phải kiểm tra, xác
    minh tại nhiều địa điểm: thời hạn thụ lý kéo dài đến số ngày làm việc tối đa của quy định (10 ngày làm
    việc kể từ ngày nhận đơn), trước khi thời hạn 7 ngày làm việc kết thúc; phải nêu lý do.
    """
    context = current_ctx()
    complaints.extend_acceptance(context, complaint_id, json_body(AcceptanceExtensionSchema))
    return complaint_queries.complaint_view(context, complaint_id)


@blp.route("/public/complaints", methods=["POST"])
@blp.doc(security=[], requestBody=_FILING_BODY)
@blp.response(201, PublicFiledSchema)
@problems(blp, 422, 429)
@public
def file_public_complaint() -> complaints.PublicFiling:
    """Gửi đơn không cần đăng nhập

    Trả về mã theo dõi để tra cứu tình trạng đơn và mã bí mật (chỉ cho biết một lần) để khiếu nại
    lần hai. Số đơn gửi từ một địa chỉ bị giới hạn
    (quá giới hạn: 429, kèm tiêu đề Retry-After); lần gửi bị từ chối vẫn được tính.
    """
    uow = current_uow()
    uow.keep_writes_on_refusal()  # a refused filing still counts towards the limit
    return complaints.file_public_complaint(uow.ctx, json_body(ComplaintCreateSchema), address=request.remote_addr)


@blp.route("/public/complaints/<string(maxlength=24):tracking_code>")
@blp.doc(security=[])
@blp.response(200, PublicStatusSchema)
@problems(blp, 404, 429)
@public
def public_status(tracking_code: str) -> dict[str, Any]:
    """Tra cứu tình trạng đơn theo mã theo dõi

    Chỉ cho biết tình trạng, thời hạn và kết quả; không có thông tin cá nhân hay nội dung đơn.
    """
    uow = current_uow()
    uow.keep_writes_on_refusal()  # unknown codes count too: guessing codes is throttled
    return complaint_queries.public_status(uow.ctx, tracking_code, address=request.remote_addr)


@blp.route("/public/complaints/<string(maxlength=24):tracking_code>/escalate", methods=["POST"])
@blp.doc(security=[], requestBody=json_request_body(PublicEscalateSchema))
@blp.response(201, FiledSchema)
@problems(blp, 404, 409, 422, 429)
@public
def escalate_public(tracking_code: str) -> Complaint:
    """Khiếu nại lần hai, tố cáo tiếp không cần đăng nhập

    Bằng mã theo dõi và mã bí mật nhận khi gửi đơn, khi khiếu nại lần đầu đã có kết quả hoặc đã hết
    thời hạn giải quyết mà chưa có kết quả, và còn trong thời hạn khiếu nại lần hai. Sai mã theo dõi
    hay mã bí mật đều nhận cùng một câu trả lời (404); số lần thử từ một địa chỉ bị giới hạn (429).
    """
    uow = current_uow()
    uow.keep_writes_on_refusal()  # wrong secrets count too: guessing is throttled
    body = json_body(PublicEscalateSchema)
    raw = {**body, "tracking_code": tracking_code} if isinstance(body, dict) else body
    return complaints.escalate_public(uow.ctx, raw, address=request.remote_addr)


_UPLOAD_BODY = {
    "required": True,
    "description": "Tài liệu kèm theo đơn: PDF, DOCX, XLSX, JPEG hoặc PNG (kiểm tra theo nội dung tệp).",
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary", "description": "Tệp tài liệu."}}}}},
}
_FILE_RESPONSE = {"200": {"description": "Nội dung tệp.",
                          "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


@blp.route("/complaints/<id:complaint_id>/attachments", methods=["POST"])
@blp.doc(requestBody=_UPLOAD_BODY)
@blp.response(201, ComplaintAttachmentSchema)
@problems(blp, 403, 404, 409, 413, 415, 422)
def add_attachment(complaint_id: int) -> ComplaintAttachment:
    """Đính kèm tài liệu vào đơn

    Chỉ người gửi đơn, khi đơn chưa kết thúc; tối đa 10 tệp. Chấp nhận PDF, DOCX, XLSX, JPEG, PNG,
    nhận biết theo nội dung tệp (415 nếu khác); quá dung lượng cho phép: 413.
    """
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType()
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Yêu cầu đính kèm tài liệu không hợp lệ.", {"file": "Bắt buộc tải tệp lên."})
    return complaints.attach_to_complaint(current_ctx(), complaint_id, upload.stream, upload.filename)


@blp.route("/complaints/<id:complaint_id>/attachments/<id:attachment_id>")
@blp.doc(responses=_FILE_RESPONSE)
@problems(blp, 404)
def get_attachment(complaint_id: int, attachment_id: int) -> Response:
    """Tải tài liệu kèm theo đơn"""
    return send_document(complaint_queries.attachment_file(current_ctx(), complaint_id, attachment_id))
