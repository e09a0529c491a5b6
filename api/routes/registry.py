"""The registry's office: award history imported from Excel (template, all-or-nothing import, or a
preview and its confirmation)."""
from __future__ import annotations

from flask import Response, request
from werkzeug.exceptions import UnsupportedMediaType

from api.blueprint import Blueprint, problems
from api.downloads import send_document
from api.registry_schemas import HistoryImportSchema
from api.unit_of_work import current_ctx
from engine.errors import InvalidInput
from engine.models import HistoryImport
from engine.operations.registry import history

blp = Blueprint("registry", __name__, url_prefix="/api/v1",
                description="Sổ theo dõi khen thưởng: nhập lịch sử khen thưởng từ tệp Excel.")

_UPLOAD_BODY = {
    "required": True,
    "description": "Tệp Excel (.xlsx) theo mẫu `GET /registry/history-template`.",
    "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary", "description": "Tệp lịch sử khen thưởng."},
            "mode": {"type": "string", "enum": ["all", "preview"],
                     "description": "`all` (mặc định): nhập khi mọi dòng hợp lệ, nếu không thì không nhập gì (422 "
                                    "nêu từng ô sai); `preview`: kiểm tra, liệt kê các dòng sai, chờ xác nhận."},
        },
    }}},
}
_FILE_RESPONSE = {"200": {"description": "Tệp mẫu.", "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}}}}}


def _upload() -> tuple[str, bytes, str]:
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType()
    upload = request.files.get("file")
    mode = request.form.get("mode", "all")
    errors = {}
    if upload is None:
        errors["file"] = "Bắt buộc tải tệp lên."
    if mode not in ("all", "preview"):
        errors["mode"] = "Phải là một trong: all, preview."
    if errors:
        raise InvalidInput("Yêu cầu nhập lịch sử khen thưởng không hợp lệ; xem lỗi từng trường.", errors)
    assert upload is not None
    data = upload.stream.read(history.MAX_BYTES + 1)
    return upload.filename or "lich-su-khen-thuong.xlsx", data, mode


@blp.route("/registry/history-template")
@blp.doc(responses=_FILE_RESPONSE)
@problems(blp, 403)
def history_template() -> Response:
    """Tải tệp mẫu nhập lịch sử khen thưởng

    Một dòng một sự kiện của một cá nhân, tập thể trong một năm (hoặc năm học): khen thưởng (kèm số,
    ngày, cơ quan ban hành quyết định), sáng kiến (tên, phạm vi), xếp loại hằng năm. Trang
    "Hướng dẫn" của tệp liệt kê cách ghi từng cột và các mã khen thưởng.
    """
    return send_document(history.template_file(current_ctx()))


@blp.route("/registry/history-imports", methods=["POST"])
@blp.doc(requestBody=_UPLOAD_BODY)
@blp.response(201, HistoryImportSchema)
@problems(blp, 403, 415, 422)
def import_history() -> HistoryImport:
    """Nhập lịch sử khen thưởng từ tệp Excel

    Dành cho cơ quan thường trực (trong phạm vi đơn vị của mình) và quản trị hệ thống. Mỗi dòng sai
    được nêu theo ô (`D12`: dòng 12, cột D). `mode=all`: chỉ nhập khi mọi dòng hợp lệ (422 nếu
    không, không nhập gì). `mode=preview`: kiểm tra và liệt kê dòng sai, chưa nhập; xác nhận bằng
    `POST /registry/history-imports/{id}/confirm` để nhập các dòng hợp lệ. Nhập lại cùng tệp không
    thêm gì (so theo người, loại khen thưởng và năm; số, ngày, cơ quan ban hành quyết định…).
    """
    ctx = current_ctx()
    filename, data, mode = _upload()
    if mode == "preview":
        return history.preview_history(ctx, filename, data)
    return history.import_history(ctx, filename, data)


@blp.route("/registry/history-imports/<id:import_id>")
@blp.response(200, HistoryImportSchema)
@problems(blp, 403, 404)
def get_history_import(import_id: int) -> HistoryImport:
    """Một lần nhập lịch sử khen thưởng (kết quả kiểm tra, số bản ghi đã thêm)"""
    return history.get_import(current_ctx(), import_id)


@blp.route("/registry/history-imports/<id:import_id>/confirm", methods=["POST"])
@blp.response(200, HistoryImportSchema)
@problems(blp, 403, 404, 409)
def confirm_history_import(import_id: int) -> HistoryImport:
    """Xác nhận nhập các dòng hợp lệ của tệp đã kiểm tra

    Tệp được đọc và kiểm tra lại (sổ theo dõi có thể đã thay đổi); chỉ các dòng hợp lệ được nhập.
    409 nếu lần nhập này đã được xác nhận.
    """
    return history.confirm_history(current_ctx(), import_id)
