"""Who is calling: a bearer token (API clients) or the web session cookie, protected against CSRF.

Every endpoint needs one of them unless its view is marked `@public`. Both carry only the random
secret of a session row (engine/operations/sessions.py), checked on every request: expired, revoked
(logout, a password change, deactivation) or of an account no longer active, it opens nothing. The
cookie (signed with the instance secret) also carries a CSRF token that must come back in
`X-CSRF-Token` (or, from a web page's form, its `csrf_token` field) on every unsafe request.
"""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, Response, current_app, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from api.unit_of_work import current_uow
from engine.config import Settings
from engine.errors import Forbidden, Unauthenticated
from engine.models import SessionKind
from engine.operations.sessions import Opened, log_out, session_user

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"  # the hidden field of the web pages' forms, which cannot send headers
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
SESSION_COOKIE = "khenthuong_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SECRET, _CSRF = "sid", "csrf"
_PUBLIC = "_khenthuong_public"
# Endpoints registered by libraries, whose views we cannot mark.
PUBLIC_ENDPOINTS = frozenset({"api-docs.openapi_json"})
# What a user whose password was reset may still do before choosing a new one.
WHILE_PASSWORD_MUST_CHANGE = frozenset({"web.session.change_password", "web.session.logout",
                                        "me.me", "me.change_password", "auth.revoke_token",
                                        "auth.close_session"})
MUST_CHANGE_PASSWORD = "Mật khẩu đã được đặt lại: cần đổi mật khẩu trước khi tiếp tục (POST /api/v1/me/password)."

View = TypeVar("View", bound=Callable[..., Any])


class CsrfRefused(Forbidden):
    """An unsafe request without the session's CSRF token (forged, or from a page older than the session)."""


def public(view: View) -> View:
    """Mark a view as answering without login (put it closest to the function)."""
    setattr(view, _PUBLIC, True)
    return view


# ---- the web session ------------------------------------------------------------------------------

class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def start_session(opened: Opened) -> str:
    """Hold a session just opened (a cookie one) in this browser; returns its CSRF token."""
    session.clear()
    session.permanent = True
    csrf = secrets.token_urlsafe(32)
    session.update({_SECRET: opened.secret, _CSRF: csrf})
    return csrf


def log_out_here() -> None:
    """End the login this request came with (a token or a cookie session) for every process, and
    make this browser forget its cookie."""
    uow = current_uow()
    assert uow.auth_session_id is not None, "an authenticated request has a login"
    log_out(uow.ctx, uow.auth_session_id)
    session.clear()


def csrf_token() -> str | None:
    """The CSRF token of the cookie session that authenticated this request, if it was one."""
    if request.headers.get("Authorization") is not None:
        return None
    token = session.get(_CSRF)
    return token if isinstance(token, str) else None


def form_csrf_token() -> str:
    """The token a web form carries; an anonymous visitor (the login page) gets one in the cookie too,
    so that no other site can post a login on the visitor's behalf."""
    token = session.get(_CSRF)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_CSRF] = token
    return token


def require_csrf() -> None:
    """The token must come back in the `X-CSRF-Token` header or, from a web form, in its hidden field."""
    expected = session.get(_CSRF)
    given = request.headers.get(CSRF_HEADER)
    if given is None and request.mimetype in FORM_TYPES:
        given = request.form.get(CSRF_FIELD)
    given = given or ""
    if not isinstance(expected, str) or not hmac.compare_digest(expected.encode(), given.encode()):
        raise CsrfRefused(f"Thiếu hoặc sai mã chống giả mạo yêu cầu (tiêu đề {CSRF_HEADER} hoặc trường {CSRF_FIELD}).")


# ---- per request ---------------------------------------------------------------------------------

def _is_public() -> bool:
    endpoint = request.endpoint
    if endpoint is None:  # no route matched: let the 404 or 405 answer
        return True
    view = current_app.view_functions.get(endpoint)
    return endpoint in PUBLIC_ENDPOINTS or bool(getattr(view, _PUBLIC, False))


def _authenticate() -> Response | None:
    if _is_public():
        return None
    _identify()
    user = current_uow().actor
    if getattr(user, "must_change_password", False) and request.endpoint not in WHILE_PASSWORD_MUST_CHANGE:
        if (request.endpoint or "").startswith("web.") and request.method in SAFE_METHODS:
            return redirect(url_for("web.session.change_password", next=request.full_path.rstrip("?")))
        raise Forbidden(MUST_CHANGE_PASSWORD)
    return None


def _identify() -> None:
    uow = current_uow()
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Tiêu đề Authorization phải có dạng 'Bearer <mã truy cập>'.")
        uow.actor, uow.auth_session_id = session_user(uow.ctx, token.strip(), SessionKind.TOKEN)
        return
    secret = session.get(_SECRET)
    if not isinstance(secret, str):
        raise Unauthenticated("Cần đăng nhập.")
    try:
        uow.actor, uow.auth_session_id = session_user(uow.ctx, secret, SessionKind.COOKIE)
    except Unauthenticated:
        session.clear()  # the browser forgets a session that has ended
        raise
    if request.method not in SAFE_METHODS:
        require_csrf()


def init_app(app: Flask) -> None:
    """Register after the unit of work's hook: authentication loads the user through its session."""
    app.session_interface = _SessionInterface()
    app.before_request(_authenticate)


def session_config(settings: Settings) -> dict[str, Any]:
    return {
        "SESSION_COOKIE_NAME": SESSION_COOKIE,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,  # decided per request, see _SessionInterface
        "PERMANENT_SESSION_LIFETIME": timedelta(seconds=settings.token_ttl_seconds),
    }
