"""The caller: who they are and which roles they hold at which units."""
from __future__ import annotations

from typing import Any

from api.auth import csrf_token
from api.blueprint import Blueprint
from api.schemas import MeSchema
from api.unit_of_work import current_ctx
from engine.operations.access import require_actor
from engine.operations.directory import roles_of

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="Người dùng đang đăng nhập.")


@blp.route("/me")
@blp.response(200, MeSchema)
def me() -> dict[str, Any]:
    """Thông tin và vai trò của tôi"""
    ctx = current_ctx()
    user = require_actor(ctx.actor)
    return {"user": user, "roles": roles_of(ctx, user), "csrf_token": csrf_token()}
