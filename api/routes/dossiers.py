"""Dossiers: create, edit, attach documents, submit, withdraw; read them with their tasks,
decisions, audit trail and process diagram."""
from __future__ import annotations

from typing import Any

from flask import Response, request
from werkzeug.exceptions import UnsupportedMediaType

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.dossier_schemas import (
    AttachmentSchema,
    DiagramSchema,
    DossierArgsSchema,
    DossierCreateSchema,
    DossierPageSchema,
    DossierPatchSchema,
    DossierSchema,
    UploadFormSchema,
    WithdrawSchema,
)
from api.downloads import send_document
from api.errors import flatten_messages
from api.schemas import AuditPageSchema, PageArgsSchema
from api.unit_of_work import current_ctx
from engine.errors import InvalidInput
from engine.models import Attachment
from engine.operations.award import commands as dossiers
from engine.operations.award import queries as access
from engine.operations.award.inputs import check_dossier
from engine.operations.award.queries import Diagram, DossierDetail
from engine.operations.paging import Page

blp = Blueprint("dossiers", __name__, url_prefix="/api/v1",
                description="Hồ sơ đề nghị khen thưởng: lập, đính kèm tài liệu, nộp, rút, theo dõi.")

_UPLOAD_BODY = {
    "required": True,
    "description": "Tài liệu đính kèm: PDF, DOCX, XLSX, JPEG hoặc PNG (kiểm tra theo nội dung tệp).",
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file", "kind"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "Tệp tài liệu."},
            "kind": {"type": "string", "enum": ["submission", "achievement_report", "council_minutes", "evidence",
                                                "other"], "description": "Loại tài liệu."},
            "nomination_id": {"type": "integer", "minimum": 1,
                              "description": "Đề nghị mà tài liệu thuộc về; bỏ trống nếu là tài liệu chung."},
        },
    }}},
}
_FILE_RESPONSE = {"200": {"description": "Nội dung tệp.",
                          "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}}


# ---- routes -------------------------------------------------------------------------------------

@blp.route("/dossiers", methods=["POST"])
@blp.doc(requestBody=json_request_body(DossierCreateSchema))
@blp.response(201, DossierSchema)
@problems(blp, 403, 422)
def create_dossier() -> DossierDetail:
    """Lập hồ sơ đề nghị khen thưởng (bản nháp)

    Người lập phải có vai trò đề nghị (`proposer`) tại đơn vị đề nghị. Mọi lỗi (loại khen thưởng
    không áp dụng, đối tượng không phù hợp, thiếu thành tích…) được báo cùng lúc theo đường dẫn
    trường, ví dụ `nominations[2].award_type` (422).
    """
    ctx = current_ctx()
    return access.detail_of(ctx, dossiers.create_dossier(ctx, check_dossier(ctx, json_body(DossierCreateSchema))))


@blp.route("/dossiers")
@blp.arguments(DossierArgsSchema, location="query")
@blp.response(200, DossierPageSchema)
def list_dossiers(args: dict[str, Any]) -> Page:
    """Danh sách hồ sơ tôi được xem

    Hồ sơ của các đơn vị nơi tôi có vai trò và các đơn vị cấp dưới; mới nhất trước. `q` tìm theo
    tên hồ sơ hoặc tên người, tập thể được đề nghị, không phân biệt dấu.
    """
    return access.list_dossiers(current_ctx(), status=args.get("status"), unit=args.get("unit"),
                                year=args.get("year"), award_type=args.get("award_type"), q=args.get("q"),
                                page=args["page"], per_page=args["per_page"])


@blp.route("/dossiers/<id:dossier_id>")
@blp.response(200, DossierSchema)
@problems(blp, 404)
def get_dossier(dossier_id: int) -> DossierDetail:
    """Chi tiết hồ sơ: đề nghị và kết quả, tài liệu, nhiệm vụ đang chờ, quyết định"""
    return access.dossier_detail(current_ctx(), dossier_id)


@blp.route("/dossiers/<id:dossier_id>", methods=["PATCH"])
@blp.doc(requestBody=json_request_body(DossierPatchSchema))
@blp.response(200, DossierSchema)
@problems(blp, 403, 404, 409, 422)
def update_dossier(dossier_id: int) -> DossierDetail:
    """Sửa hồ sơ

    Chỉ khi hồ sơ đang soạn hoặc đang được yêu cầu bổ sung (409 nếu không). Khi gửi `nominations`,
    danh sách mới thay cho danh sách cũ.
    """
    ctx = current_ctx()
    changes = check_dossier(ctx, json_body(DossierPatchSchema), partial=True)
    return access.detail_of(ctx, dossiers.update_dossier(ctx, dossier_id, changes))


@blp.route("/dossiers/<id:dossier_id>/attachments", methods=["POST"])
@blp.doc(requestBody=_UPLOAD_BODY)
@blp.response(201, AttachmentSchema)
@problems(blp, 403, 404, 409, 413, 415, 422)
def add_attachment(dossier_id: int) -> Attachment:
    """Đính kèm tài liệu vào hồ sơ

    Chấp nhận PDF, DOCX, XLSX, JPEG, PNG, nhận biết theo nội dung tệp (415 nếu khác); quá dung
    lượng cho phép: 413. Tệp bị từ chối không được lưu lại.
    """
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType()
    schema = UploadFormSchema()
    form = request.form.to_dict()
    errors = flatten_messages(schema.validate(form))
    upload = request.files.get("file")
    if upload is None:
        errors["file"] = "Bắt buộc tải tệp lên."
    if errors:
        raise InvalidInput("Yêu cầu đính kèm tài liệu không hợp lệ; xem lỗi từng trường.", errors)
    assert upload is not None
    args = schema.load(form)
    return dossiers.add_attachment(current_ctx(), dossier_id, upload.stream, upload.filename, args["kind"],
                                   args.get("nomination_id"))


@blp.route("/dossiers/<id:dossier_id>/attachments/<id:attachment_id>")
@blp.doc(responses=_FILE_RESPONSE)
@problems(blp, 404)
def get_attachment(dossier_id: int, attachment_id: int) -> Response:
    """Tải tài liệu đính kèm"""
    return send_document(access.attachment_file(current_ctx(), dossier_id, attachment_id))


@blp.route("/dossiers/<id:dossier_id>/attachments/<id:attachment_id>", methods=["DELETE"])
@blp.response(204)
@problems(blp, 403, 404, 409)
def remove_attachment(dossier_id: int, attachment_id: int) -> None:
    """Gỡ bỏ tài liệu đính kèm

    Chỉ khi hồ sơ đang soạn hoặc đang được yêu cầu bổ sung (409 nếu không). Tệp cũ vẫn được lưu và
    ghi vào nhật ký hồ sơ.
    """
    dossiers.remove_attachment(current_ctx(), dossier_id, attachment_id)


@blp.route("/dossiers/<id:dossier_id>/attachments/<id:attachment_id>", methods=["PUT"])
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["file"],
    "properties": {"file": {"type": "string", "format": "binary", "description": "Tệp thay thế."}}}}}})
@blp.response(200, AttachmentSchema)
@problems(blp, 403, 404, 409, 413, 415, 422)
def replace_attachment(dossier_id: int, attachment_id: int) -> Attachment:
    """Thay tài liệu đính kèm bằng tệp khác

    Cùng loại tài liệu, cùng đề nghị; chỉ khi hồ sơ đang soạn hoặc đang được yêu cầu bổ sung (409
    nếu không). Tệp cũ vẫn được lưu và ghi vào nhật ký hồ sơ.
    """
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType()
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Chưa có tệp thay thế.", {"file": "Bắt buộc tải tệp lên."})
    return dossiers.replace_attachment(current_ctx(), dossier_id, attachment_id, upload.stream, upload.filename)


@blp.route("/dossiers/<id:dossier_id>/submit", methods=["POST"])
@blp.response(200, DossierSchema)
@problems(blp, 403, 404, 409, 422)
def submit_dossier(dossier_id: int) -> DossierDetail:
    """Nộp hồ sơ

    Bắt đầu quy trình `award_dossier`. 409 nếu hồ sơ không còn là bản nháp; 422 nêu rõ tài liệu
    còn thiếu của từng đề nghị.
    """
    ctx = current_ctx()
    return access.detail_of(ctx, dossiers.submit_dossier(ctx, dossier_id))


@blp.route("/dossiers/<id:dossier_id>/withdraw", methods=["POST"])
@blp.arguments(WithdrawSchema)
@blp.response(200, DossierSchema)
@problems(blp, 403, 404, 409)
def withdraw_dossier(args: dict[str, Any], dossier_id: int) -> DossierDetail:
    """Rút hồ sơ

    Trước khi có kết quả; các nhiệm vụ đang chờ của hồ sơ bị huỷ.
    """
    ctx = current_ctx()
    return access.detail_of(ctx, dossiers.withdraw_dossier(ctx, dossier_id, args["reason"]))


@blp.route("/dossiers/<id:dossier_id>/audit")
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, AuditPageSchema)
@problems(blp, 404)
def dossier_audit(args: dict[str, Any], dossier_id: int) -> Page:
    """Nhật ký của hồ sơ, cũ nhất trước"""
    return access.dossier_audit(current_ctx(), dossier_id, page=args["page"], per_page=args["per_page"])


@blp.route("/dossiers/<id:dossier_id>/diagram")
@blp.response(200, DiagramSchema)
@problems(blp, 404)
def dossier_diagram(dossier_id: int) -> Diagram:
    """Sơ đồ quy trình của hồ sơ và vị trí hiện tại

    `xml`: BPMN của quy trình hồ sơ; `called`: BPMN của các quy trình được gọi; `active`: khoá các
    nhiệm vụ đang chờ xử lý; `path`: các phần tử đã hoàn thành theo thứ tự, mỗi phần tử kèm phần tử
    ngay trước nó (đường đi đã qua).
    """
    return access.dossier_diagram(current_ctx(), dossier_id)
