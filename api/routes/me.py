"""The caller: who they are and which roles they hold at which units."""
from __future__ import annotations

from typing import Any

from api.admin_schemas import PasswordChangeSchema
from api.auth import csrf_token
from api.blueprint import Blueprint, problems
from api.schemas import MeSchema
from api.unit_of_work import current_ctx, current_uow
from engine.operations.access import require_actor
from engine.operations.administration import change_own_password
from engine.operations.directory import roles_of

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="Người dùng đang đăng nhập.")


@blp.route("/me")
@blp.response(200, MeSchema)
def me() -> dict[str, Any]:
    """Thông tin và vai trò của tôi"""
    ctx = current_ctx()
    user = require_actor(ctx.actor)
    return {"user": user, "roles": roles_of(ctx, user), "csrf_token": csrf_token()}


@blp.route("/me/password", methods=["POST"])
@blp.arguments(PasswordChangeSchema)
@blp.response(204)
@problems(blp, 422)
def change_password(args: dict[str, Any]) -> None:
    """Đổi mật khẩu của tôi

    Bắt buộc sau khi quản trị hệ thống đặt lại mật khẩu. Các phiên đăng nhập khác kết thúc; phiên
    đang dùng vẫn giữ.
    """
    uow = current_uow()
    change_own_password(uow.ctx, args["current_password"], args["new_password"], uow.auth_session_id)
