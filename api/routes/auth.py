"""Login and logout: a bearer token for API clients, a cookie session for the web pages."""
from __future__ import annotations

from typing import Any

from flask import request

from api.auth import end_session, public, start_session, token_codec
from api.blueprint import Blueprint, problems
from api.schemas import LoginSchema, MeSchema, TokenSchema
from api.unit_of_work import current_uow
from engine.models import User
from engine.operations.auth import authenticate, log_out
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
    user = _login(args)
    codec = token_codec()
    return {"access_token": codec.issue(user), "token_type": "Bearer", "expires_in": codec.ttl}


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
    csrf = start_session(user)
    return {"user": user, "roles": roles_of(current_uow().ctx, user), "csrf_token": csrf}


@blp.route("/session", methods=["DELETE"])
@blp.response(204)
def close_session() -> None:
    """Đăng xuất khỏi phiên (cookie)"""
    log_out(current_uow().ctx)
    end_session()
