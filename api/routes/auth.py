"""Login and logout: a bearer token for API clients, a cookie session for the web pages."""
from __future__ import annotations

from typing import Any

from flask import request

from api.auth import log_out_here, public, start_session
from api.blueprint import Blueprint, problems
from api.schemas import LoginSchema, MeSchema, TokenSchema
from api.unit_of_work import current_uow
from engine.models import SessionKind, User
from engine.operations import sessions
from engine.operations.auth import authenticate
from engine.operations.directory import roles_of

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth",
                description="Đăng nhập: mã truy cập cho ứng dụng, phiên làm việc (cookie) cho trình duyệt.")


def _login(args: dict[str, Any]) -> User:
    uow = current_uow()
    uow.keep_writes_on_refusal()  # a refused attempt must still count towards the throttle
    return authenticate(uow.ctx, args["username"], args["password"], request.remote_addr)


@blp.route("/token", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(LoginSchema)
@blp.response(200, TokenSchema)
@problems(blp, 401, 429)
@public
def issue_token(args: dict[str, Any]) -> dict[str, Any]:
    """Cấp mã truy cập (Bearer)

    Sai tên đăng nhập hoặc mật khẩu: 401. Sai quá nhiều lần với cùng tên đăng nhập hoặc cùng
    địa chỉ: 429, kèm tiêu đề Retry-After.
    """
    opened = sessions.open_session(current_uow().ctx, _login(args), SessionKind.TOKEN)
    return {"access_token": opened.secret, "token_type": "Bearer", "expires_in": opened.ttl_seconds}


@blp.route("/token", methods=["DELETE"])
@blp.response(204)
def revoke_token() -> None:
    """Thu hồi mã truy cập đang dùng (đăng xuất)

    Mã gửi kèm yêu cầu này không còn dùng được nữa, ở mọi máy chủ.
    """
    log_out_here()


@blp.route("/session", methods=["POST"])
@blp.doc(security=[])
@blp.arguments(LoginSchema)
@blp.response(200, MeSchema)
@problems(blp, 401, 429)
@public
def open_session(args: dict[str, Any]) -> dict[str, Any]:
    """Đăng nhập bằng phiên (cookie)

    Trả về thông tin người dùng và `csrf_token`, phải gửi lại trong tiêu đề `X-CSRF-Token`
    với mọi yêu cầu làm thay đổi dữ liệu.
    """
    user = _login(args)
    ctx = current_uow().ctx
    csrf = start_session(sessions.open_session(ctx, user, SessionKind.COOKIE))
    return {"user": user, "roles": roles_of(ctx, user), "csrf_token": csrf}


@blp.route("/session", methods=["DELETE"])
@blp.response(204)
def close_session() -> None:
    """Đăng xuất khỏi phiên (cookie)

    Phiên kết thúc ở mọi máy chủ: cookie gửi lại sau đó bị từ chối (401).
    """
    log_out_here()
