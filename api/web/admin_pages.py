"""Administration: importing the org chart (YAML) and the state of the audit trail's hash chain."""
from __future__ import annotations

from flask import Blueprint, request

from api.web.common import ctx, discard_changes, render
from engine.errors import InvalidInput
from engine.operations import auditlog
from engine.operations.access import require_admin
from engine.orgchart.writer import import_org_chart

bp = Blueprint("admin", __name__)


def _page(status: int = 200, **values: object) -> tuple[str, int]:
    return render("web/admin.html", status, chain=auditlog.verify(ctx()), **values)


@bp.route("/admin")
def index() -> tuple[str, int]:
    require_admin(ctx().session, ctx().actor)
    return _page()


@bp.route("/admin/import", methods=["POST"])
def import_chart() -> tuple[str, int]:
    context = ctx()
    require_admin(context.session, context.actor)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Chưa chọn tệp sơ đồ tổ chức.", {"file": "Chọn tệp YAML để nhập."})
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:100]
        try:
            source = upload.read(context.settings.max_upload_bytes).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InvalidInput("Tệp sơ đồ tổ chức phải là văn bản mã hoá UTF-8.",
                               {"file": "Tệp không phải văn bản UTF-8."}) from None
        summary = import_org_chart(context, source, filename=name)
    except InvalidInput as error:
        discard_changes()
        return _page(422, error=error)
    return _page(summary=summary.as_dict(), filename=name)
