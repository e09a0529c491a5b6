"""Every error the API answers, as `application/problem+json` (RFC 9457), decided in one table.

Domain errors carry meaning and no HTTP; this module alone turns them (and werkzeug's HTTP
exceptions, and webargs' validation errors) into a status and a body. Nothing a user sends may
end as a 500; an unexpected exception does, logged here, with no traceback in the body.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException

from engine.errors import (
    AmbiguousPerson,
    Conflict,
    DomainError,
    Forbidden,
    InvalidInput,
    NotFound,
    ProcessError,
    ScriptError,
    Throttled,
    TooLarge,
    Unauthenticated,
    UnsupportedType,
)

PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE = "urn:khenthuong:problem:"
log = logging.getLogger("khenthuong.api")

# The one table: domain error → HTTP status.
DOMAIN_STATUS: dict[type[DomainError], int] = {
    NotFound: 404,
    Unauthenticated: 401,
    Forbidden: 403,
    Conflict: 409,
    InvalidInput: 422,
    TooLarge: 413,
    UnsupportedType: 415,
    Throttled: 429,
    ScriptError: 422,
    ProcessError: 500,
}

HTTP_TEXT: dict[int, tuple[str, str]] = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu không đúng định dạng."),
    401: ("Chưa đăng nhập", "Cần đăng nhập."),
    403: ("Không có quyền", "Bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy", "Không có địa chỉ này trong API."),
    405: ("Phương thức không được hỗ trợ", "Địa chỉ này không hỗ trợ phương thức {method}."),
    406: ("Không đáp ứng được định dạng", "Không có định dạng trả lời phù hợp với yêu cầu."),
    409: ("Xung đột trạng thái", "Yêu cầu xung đột với trạng thái hiện tại."),
    413: ("Dữ liệu quá lớn", "Dữ liệu gửi lên vượt quá dung lượng cho phép."),
    415: ("Kiểu dữ liệu không được hỗ trợ", "Kiểu nội dung '{mimetype}' không được chấp nhận ở đây."),
    422: ("Dữ liệu không hợp lệ", "Dữ liệu gửi lên không hợp lệ."),
    429: ("Quá nhiều yêu cầu", "Vui lòng thử lại sau."),
    500: ("Lỗi hệ thống", "Đã xảy ra lỗi ngoài dự kiến. Vui lòng thử lại sau hoặc báo quản trị hệ thống."),
}
_LOCATIONS = {"json", "query", "querystring", "form", "files", "headers", "cookies", "view_args",
              "path", "json_or_form"}


def problem(status: int, title: str, detail: str, *, kind: str, errors: Mapping[str, str] | None = None,
            headers: Mapping[str, str] | None = None, extra: Mapping[str, Any] | None = None) -> Response:
    body: dict[str, Any] = {"type": PROBLEM_TYPE + kind, "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = dict(errors)
    body.update(extra or {})
    response = current_app.response_class(current_app.json.dumps(body) + "\n", status=status,
                                          mimetype=PROBLEM_JSON)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def status_of(error: DomainError) -> int:
    for cls in type(error).__mro__:
        if cls in DOMAIN_STATUS:
            return DOMAIN_STATUS[cls]
    return 400


def _kind(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def handle_domain_error(error: DomainError) -> Response:
    status = status_of(error)
    if status >= 500:
        log.error("%s %s: %s", request.method, request.path, error.detail, exc_info=error)
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, Throttled) else None
    extra = {"candidates": error.candidates} if isinstance(error, AmbiguousPerson) else None
    return problem(status, error.title, error.detail, kind=_kind(type(error).__name__),
                   errors=error.errors, headers=headers, extra=extra)


def handle_http_exception(error: HTTPException) -> Response:
    """werkzeug's errors (unknown route, 405, 413…) and webargs' (400 bad JSON, 422 invalid fields)."""
    status = error.code or 500
    title, detail = HTTP_TEXT.get(status, (error.name, error.name))
    detail = detail.format(method=request.method, mimetype=request.mimetype or "")
    data = getattr(error, "data", None) or {}
    messages = data.get("errors") or data.get("messages")
    errors = None
    if data.get("detail"):
        detail = str(data["detail"])
    if status == 422 and messages:
        errors = flatten_messages(messages)
    if status >= 500:
        log.error("%s %s: %s", request.method, request.path, error, exc_info=error)
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    kind = "invalid-input" if status == 422 else _kind(type(error).__name__)
    return problem(status, title, detail, kind=kind, errors=errors, headers=headers)


def handle_unexpected(error: Exception) -> Response:
    log.exception("Unexpected error on %s %s", request.method, request.path, exc_info=error)
    title, detail = HTTP_TEXT[500]
    return problem(500, title, detail, kind="internal-server-error")


def flatten_messages(messages: Any) -> dict[str, str]:
    """webargs' `{location: {field: [messages]}}` as `{"field.sub[0]": "messages"}`."""
    out: dict[str, str] = {}
    if not isinstance(messages, Mapping):
        return _flatten(messages, "", out)
    for key, value in messages.items():
        if key in _LOCATIONS:
            _flatten(value, "", out)
        else:
            _flatten({key: value}, "", out)
    return out


def _flatten(value: Any, path: str, out: dict[str, str]) -> dict[str, str]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            if key == "_schema":
                sub = path
            elif isinstance(key, int):
                sub = f"{path}[{key}]"
            else:
                sub = f"{path}.{key}" if path else str(key)
            _flatten(item, sub, out)
    elif isinstance(value, list | tuple):
        texts = [str(item) for item in value if not isinstance(item, Mapping)]
        if texts:
            out[path or "body"] = " ".join(texts)
        for item in value:
            if isinstance(item, Mapping):
                _flatten(item, path, out)
    else:
        out[path or "body"] = str(value)
    return out


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
