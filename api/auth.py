"""Who is calling: a bearer token (API clients) or the web session cookie, protected against CSRF.

Every endpoint needs one of them unless its view is marked `@public`. A token is signed with
the instance secret and carries the user id and its time of issue (read from the injected clock,
so expiry is testable); a cookie session carries the user id, its start and a CSRF token that
must come back in `X-CSRF-Token` (or, from a web page's form, its `csrf_token` field) on every
unsafe request. Both are refused once the account is no longer active.
"""
from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

from flask import Flask, current_app, request, session
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadData, SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from api.state import app_state
from api.unit_of_work import current_uow
from engine.clock import Clock
from engine.config import Settings
from engine.errors import Forbidden, Unauthenticated
from engine.models import User
from engine.operations.auth import active_user

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"  # the hidden field of the web pages' forms, which cannot send headers
FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
SESSION_COOKIE = "khenthuong_session"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKEN_SALT = "khenthuong.access-token"
_USER, _CSRF, _STARTED = "uid", "csrf", "started"
_PUBLIC = "_khenthuong_public"
# Endpoints registered by libraries, whose views we cannot mark.
PUBLIC_ENDPOINTS = frozenset({"api-docs.openapi_json"})

View = TypeVar("View", bound=Callable[..., Any])


class CsrfRefused(Forbidden):
    """An unsafe request without the session's CSRF token (forged, or from a page older than the session)."""


def public(view: View) -> View:
    """Mark a view as answering without login (put it closest to the function)."""
    setattr(view, _PUBLIC, True)
    return view


class _ClockSigner(TimestampSigner):
    def __init__(self, *args: Any, clock: Clock, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clock = clock

    def get_timestamp(self) -> int:
        return int(self._clock.now().timestamp())


class TokenCodec:
    """Bearer tokens: `{"uid": id}` signed and time-stamped; valid for settings.token_ttl_seconds."""

    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.ttl = settings.token_ttl_seconds
        self._serializer = URLSafeTimedSerializer(settings.secret_key, salt=TOKEN_SALT, signer=_ClockSigner,
                                                  signer_kwargs={"clock": clock})

    def issue(self, user: User) -> str:
        return str(self._serializer.dumps({_USER: user.id}))

    def user_id(self, token: str) -> object:
        try:
            payload = self._serializer.loads(token, max_age=self.ttl)
        except SignatureExpired:
            raise Unauthenticated("Mã truy cập đã hết hạn. Vui lòng đăng nhập lại.") from None
        except BadData:
            raise Unauthenticated("Mã truy cập không hợp lệ.") from None
        return payload.get(_USER) if isinstance(payload, dict) else None


def token_codec() -> TokenCodec:
    state = app_state()
    return TokenCodec(state.settings, state.clock)


# ---- the web session ------------------------------------------------------------------------------

class _SessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, marked Secure whenever the request itself came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"]) or request.is_secure


def start_session(user: User) -> str:
    """Log the user in on this browser; returns the session's CSRF token."""
    session.clear()
    session.permanent = True
    csrf = secrets.token_urlsafe(32)
    session.update({_USER: user.id, _CSRF: csrf, _STARTED: int(app_state().clock.now().timestamp())})
    return csrf


def end_session() -> None:
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


def _authenticate() -> None:
    if _is_public():
        return
    uow = current_uow()
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated("Tiêu đề Authorization phải có dạng 'Bearer <mã truy cập>'.")
        uow.actor = active_user(uow.ctx, token_codec().user_id(token.strip()))
        return
    user_id = session.get(_USER)
    if user_id is None:
        raise Unauthenticated("Cần đăng nhập.")
    started = session.get(_STARTED)
    now = app_state().clock.now().timestamp()
    if not isinstance(started, int) or not 0 <= now - started <= app_state().settings.token_ttl_seconds:
        session.clear()
        raise Unauthenticated("Phiên đăng nhập đã hết hạn. Vui lòng đăng nhập lại.")
    if request.method not in SAFE_METHODS:
        require_csrf()
    uow.actor = active_user(uow.ctx, user_id)


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
