"""Administration: importing the org-chart file."""
from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.exceptions import UnsupportedMediaType

from api.blueprint import Blueprint, problems
from api.schemas import ImportSummarySchema
from api.unit_of_work import current_ctx
from engine.errors import InvalidInput
from engine.operations.access import require_admin
from engine.orgchart.writer import import_org_chart

blp = Blueprint("admin", __name__, url_prefix="/api/v1", description="Quản trị hệ thống.")

YAML_TYPES = frozenset({"application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain"})
_FILE_BODY = {"type": "object", "required": ["file"],
              "properties": {"file": {"type": "string", "format": "binary", "description": "Tệp YAML."}}}
_IMPORT_BODY = {
    "required": True,
    "description": "Tệp sơ đồ tổ chức (YAML, UTF-8): gửi thẳng nội dung, hoặc tải lên trong trường `file`.",
    "content": {
        "application/yaml": {"schema": {"type": "string"}},
        "text/plain": {"schema": {"type": "string"}},
        "multipart/form-data": {"schema": _FILE_BODY},
    },
}


def _uploaded_text() -> tuple[str, str]:
    """The file's text and a name for messages, from a multipart upload or the raw body."""
    if request.mimetype == "multipart/form-data":
        upload = request.files.get("file")
        if upload is None:
            raise InvalidInput("Chưa có tệp sơ đồ tổ chức.", {"file": "Bắt buộc tải tệp lên."})
        raw = upload.read()
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1][:100] or "tệp tải lên"
    elif request.mimetype in YAML_TYPES:
        raw, name = request.get_data(cache=False), "nội dung gửi lên"
    else:
        raise UnsupportedMediaType()
    try:
        return raw.decode("utf-8-sig"), name
    except UnicodeDecodeError:
        raise InvalidInput("Tệp sơ đồ tổ chức phải là văn bản mã hoá UTF-8.",
                           {"file": "Tệp không phải văn bản UTF-8."}) from None


@blp.route("/admin/import", methods=["POST"])
@blp.doc(requestBody=_IMPORT_BODY)
@blp.response(200, ImportSummarySchema)
@problems(blp, 403, 415, 422)
def import_chart() -> dict[str, Any]:
    """Nhập sơ đồ tổ chức (đơn vị, người dùng, vai trò, hội đồng)

    Nhập lại cùng một tệp không thay đổi gì. Một dòng sai thì không ghi gì, và mọi dòng sai đều
    được báo kèm số dòng (422).
    """
    ctx = current_ctx()
    require_admin(ctx.session, ctx.actor)
    source, name = _uploaded_text()
    return import_org_chart(ctx, source, filename=name).as_dict()
