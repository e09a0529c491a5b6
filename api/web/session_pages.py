"""Logging in and out of the web pages (the cookie session of api/auth.py), throttled like the API."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.auth import log_out_here, public, require_csrf, start_session
from api.request_text import reads_own_text
from api.unit_of_work import current_uow
from api.web.common import discard_changes, render
from engine.errors import InvalidInput, Throttled, Unauthenticated
from engine.models import SessionKind
from engine.operations.administration import change_own_password
from engine.operations.auth import authenticate
from engine.operations.sessions import open_session
from engine.text import clean_text, shown

bp = Blueprint("session", __name__)


MAX_NEXT = 2000


def local_path(raw: str | None) -> str | None:
    r"""`raw` if it is a path of this site (`/dossiers?q=…`), else None.

    Browsers drop tabs and newlines inside a URL and read a backslash as a slash, so `/\t/evil`,
    `/\\evil` and `//evil` all lead elsewhere: any control character, any backslash, any scheme or
    host, and a path not starting with exactly one slash are refused (and a newline could not go
    in a Location header anyway)."""
    if not raw or len(raw) > MAX_NEXT or "\\" in raw or any(ch < " " or ch == "\x7f" for ch in raw):
        return None
    parts = urlsplit(raw)
    if parts.scheme or parts.netloc or not raw.startswith("/") or raw.startswith("//"):
        return None
    return raw


def _next_page(raw: str | None) -> str:
    """Where to go after login: a path on this site, else the inbox."""
    return local_path(raw) or url_for("web.inbox.inbox")


@bp.route("/login", methods=["GET", "POST"])
@public
@reads_own_text
def login() -> Response | tuple[str, int]:
    target = local_path(request.values.get("next"))
    if request.method == "GET":
        return render("web/login.html", next=target, username="")
    require_csrf()
    username = request.form.get("username", "").strip()[:80]
    password = request.form.get("password", "")[:256]
    if not username or not password:
        return render("web/login.html", 400, next=target, username=username,
                      error="Vui lòng nhập tên đăng nhập và mật khẩu.")
    if not clean_text(username + password):
        return render("web/login.html", 422, next=target, username=shown(username),
                      error="Tên đăng nhập hoặc mật khẩu chứa ký tự không hợp lệ.")
    uow = current_uow()
    uow.keep_writes_on_refusal()  # a refused attempt still counts towards the throttle
    try:
        user = authenticate(uow.ctx, username, password, request.remote_addr)
    except Throttled as exc:
        page, status = render("web/login.html", 429, next=target, username=username, error=exc.detail)
        return Response(page, status, headers={"Retry-After": str(exc.retry_after)})
    except Unauthenticated as exc:
        return render("web/login.html", 401, next=target, username=username, error=exc.detail)
    start_session(open_session(uow.ctx, user, SessionKind.COOKIE))
    return redirect(_next_page(target))


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    log_out_here()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("web.session.login"))


@bp.route("/")
def home() -> Response:
    return redirect(url_for("web.inbox.inbox"))


@bp.route("/password", methods=["GET", "POST"])
def change_password() -> Response | tuple[str, int]:
    """Choose a new password: asked of every page after an administrator reset it."""
    uow = current_uow()
    user = uow.actor
    must = bool(getattr(user, "must_change_password", False))
    target = local_path(request.values.get("next"))
    if request.method == "GET":
        return render("web/password.html", must=must, next=target)
    current = request.form.get("current_password", "")[:256]
    new = request.form.get("new_password", "")[:256]
    try:
        if new != request.form.get("repeat_password", "")[:256]:
            raise InvalidInput("Hai lần nhập mật khẩu mới không khớp.", {"repeat_password": "Không khớp mật khẩu mới."})
        change_own_password(uow.ctx, current, new, uow.auth_session_id)
    except InvalidInput as error:
        discard_changes()
        return render("web/password.html", 422, must=must, next=target, error=error)
    flash("Đã đổi mật khẩu.", "info")
    return redirect(_next_page(target))
