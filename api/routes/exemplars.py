"""The office's registry of exemplary people and models (điển hình tiên tiến, người tốt việc tốt):
add, edit, publish, attach a photo. The published ones are read by anyone under /api/v1/public."""
from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.exceptions import UnsupportedMediaType

from api.blueprint import Blueprint, json_body, json_request_body, problems
from api.public_schemas import ExemplarInSchema, ExemplarSchema
from api.unit_of_work import current_ctx
from engine.errors import InvalidInput
from engine.models import Exemplar
from engine.operations.public import commands
from engine.operations.public.inputs import read_exemplar

blp = Blueprint("exemplars", __name__, url_prefix="/api/v1",
                description="Điển hình tiên tiến, người tốt việc tốt (cơ quan thường trực cập nhật).")

_PHOTO_BODY: dict[str, Any] = {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}, "required": ["file"]}}}}


@blp.route("/exemplars", methods=["POST"])
@blp.doc(requestBody=json_request_body(ExemplarInSchema))
@blp.response(201, ExemplarSchema)
@problems(blp, 403, 422)
def create_exemplar() -> Exemplar:
    """Thêm một điển hình (công bố ngay khi `published`)"""
    return commands.create_exemplar(current_ctx(), read_exemplar(json_body(ExemplarInSchema)))


@blp.route("/exemplars/<id:exemplar_id>", methods=["PUT"])
@blp.doc(requestBody=json_request_body(ExemplarInSchema))
@blp.response(200, ExemplarSchema)
@problems(blp, 403, 404, 422)
def update_exemplar(exemplar_id: int) -> Exemplar:
    """Sửa, công bố hoặc thôi công bố một điển hình"""
    return commands.update_exemplar(current_ctx(), exemplar_id, read_exemplar(json_body(ExemplarInSchema)))


@blp.route("/exemplars/<id:exemplar_id>/photo", methods=["POST"])
@blp.doc(requestBody=_PHOTO_BODY)
@blp.response(200, ExemplarSchema)
@problems(blp, 403, 404, 413, 415, 422)
def set_photo(exemplar_id: int) -> Exemplar:
    """Tải ảnh của điển hình lên (JPEG hoặc PNG, nhận biết theo nội dung tệp)"""
    if request.mimetype != "multipart/form-data":
        raise UnsupportedMediaType()
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("Ảnh không hợp lệ.", {"file": "Bắt buộc tải tệp lên."})
    return commands.set_exemplar_photo(current_ctx(), exemplar_id, upload.stream)
