"""Administration: importing the org-chart file; users, role grants and councils one by one."""
from __future__ import annotations

from typing import Any

from flask import request
from werkzeug.exceptions import UnsupportedMediaType

from api.admin_schemas import (
    CouncilChangeArgsSchema,
    CouncilChangeSchema,
    PasswordResetSchema,
    RoleGrantArgsSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdateSchema,
)
from api.blueprint import Blueprint, problems
from api.schemas import ImportSummarySchema
from api.unit_of_work import current_ctx
from engine.errors import InvalidInput
from engine.operations import administration
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


# ---- users, roles and councils without the org-chart file --------------------------------------------

def _admin_ctx() -> Any:
    ctx = current_ctx()
    require_admin(ctx.session, ctx.actor)
    return ctx


@blp.route("/admin/users")
@blp.response(200, UserSchema(many=True))
@problems(blp, 403)
def list_users() -> list[Any]:
    """Người dùng (kèm vai trò)"""
    return administration.list_users(_admin_ctx())


@blp.route("/admin/users", methods=["POST"])
@blp.arguments(UserCreateSchema)
@blp.response(201, UserSchema)
@problems(blp, 403, 422)
def create_user(args: dict[str, Any]) -> Any:
    """Thêm người dùng

    Mật khẩu cấp ở đây là mật khẩu tạm: người dùng phải đổi ở lần đăng nhập đầu.
    """
    return administration.create_user(_admin_ctx(), args["username"], args["full_name"], args["password"],
                                      args.get("email"))


@blp.route("/admin/users/<id:user_id>", methods=["PATCH"])
@blp.arguments(UserUpdateSchema)
@blp.response(200, UserSchema)
@problems(blp, 403, 404, 409, 422)
def update_user(args: dict[str, Any], user_id: int) -> Any:
    """Sửa người dùng, khoá hoặc mở lại tài khoản

    Khoá tài khoản (`active: false`) chấm dứt ngay mọi phiên đăng nhập của người đó.
    """
    ctx = _admin_ctx()
    user = administration.user_by_id(ctx, user_id)
    if "full_name" in args or "email" in args:
        administration.update_user(ctx, user_id, args.get("full_name", user.full_name), args.get("email", user.email))
    if "active" in args:
        administration.set_user_active(ctx, user_id, args["active"])
    return user


@blp.route("/admin/users/<id:user_id>/password", methods=["POST"])
@blp.arguments(PasswordResetSchema)
@blp.response(204)
@problems(blp, 403, 404, 422)
def reset_password(args: dict[str, Any], user_id: int) -> None:
    """Đặt lại mật khẩu

    Mọi phiên đăng nhập của người dùng kết thúc; họ phải đổi mật khẩu ở lần đăng nhập tới.
    """
    administration.reset_password(_admin_ctx(), user_id, args["password"])


@blp.route("/admin/users/<id:user_id>/roles", methods=["POST"])
@blp.arguments(RoleGrantArgsSchema)
@blp.response(200, UserSchema)
@problems(blp, 403, 404, 422)
def grant_role(args: dict[str, Any], user_id: int) -> Any:
    """Giao vai trò tại một đơn vị"""
    ctx = _admin_ctx()
    administration.grant_role(ctx, user_id, args["role"], args["unit_id"])
    return administration.user_by_id(ctx, user_id)


@blp.route("/admin/users/<id:user_id>/roles/<id:grant_id>", methods=["DELETE"])
@blp.response(204)
@problems(blp, 403, 404, 409)
def withdraw_role(user_id: int, grant_id: int) -> None:
    """Thu hồi vai trò"""
    administration.withdraw_role(_admin_ctx(), user_id, grant_id)


@blp.route("/admin/councils/<id:council_id>/changes")
@blp.response(200, CouncilChangeSchema(many=True))
@problems(blp, 403, 404)
def council_changes(council_id: int) -> list[Any]:
    """Lịch sử kiện toàn Hội đồng"""
    ctx = _admin_ctx()
    administration.council_by_id(ctx, council_id)
    return administration.council_history(ctx, council_id)


@blp.route("/admin/councils/<id:council_id>/changes", methods=["POST"])
@blp.arguments(CouncilChangeArgsSchema)
@blp.response(201, CouncilChangeSchema)
@problems(blp, 403, 404, 422)
def record_council_change(args: dict[str, Any], council_id: int) -> Any:
    """Kiện toàn Hội đồng từ một ngày

    Phiên họp mở từ ngày có hiệu lực dùng thành phần mới; trước ngày đó, thành phần cũ.
    """
    return administration.record_council_change(
        _admin_ctx(), council_id, effective_on=args["effective_on"], chair_id=args["chair_id"],
        secretary_id=args["secretary_id"], member_ids=args["member_ids"], reference=args.get("reference"),
        note=args.get("note"))
