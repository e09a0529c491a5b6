"""The parent blueprint of the web pages: its error pages, static files, template context and headers."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Response, flash, g, redirect, request, send_from_directory, url_for
from werkzeug.exceptions import HTTPException

from api.auth import CsrfRefused, public
from api.errors import HTTP_TEXT, handle_http_exception, status_of
from api.request_text import UncleanText
from api.unit_of_work import current_uow
from api.web import (
    admin_pages,
    council_pages,
    decision_pages,
    dossier_form,
    dossier_pages,
    emulation_pages,
    fund_pages,
    inbox,
    mail_pages,
    public_pages,
    registry_pages,
    round_decision_pages,
    round_pages,
    session_pages,
    statistics_pages,
    task_pages,
)
from api.web.common import discard_changes, nav_counts, render
from engine.errors import DomainError, Unauthenticated

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
API_PATH = "/api/"
NOT_LOGGED_IN = "Cần đăng nhập."  # api/auth.py's word for "no session at all": nothing to explain then
UNCLEAN_FORM = "Hãy quay lại trang trước, xoá ký tự đó rồi gửi lại; chưa có gì được lưu."
STALE_FORM = ("Thường là do trang đã mở từ trước khi bạn đăng nhập lại (ví dụ ở một thẻ khác). "
              "Hãy mở lại trang, nhập lại và gửi lại; chưa có gì được lưu.")
# Pages are never framed, never cached by shared caches, and load nothing from elsewhere.
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                                "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}

web = Blueprint("web", __name__)


@web.route("/static/<path:filename>")
@public
def asset(filename: str) -> Response:
    return send_from_directory(STATIC_DIR, filename, max_age=3600)


@web.errorhandler(Unauthenticated)
def _login_first(error: Unauthenticated) -> Response:
    discard_changes()
    if error.detail != NOT_LOGGED_IN:
        flash(error.detail, "error")
    target = request.full_path.rstrip("?") if request.method == "GET" else _same_site(request.referrer)
    return redirect(url_for("web.session.login", next=target))


@web.errorhandler(DomainError)
def _domain_error(error: DomainError) -> tuple[str, int]:
    hint = STALE_FORM if isinstance(error, CsrfRefused) else UNCLEAN_FORM if isinstance(error, UncleanText) else ""
    return render("web/error.html", status_of(error), title=error.title, detail=error.detail, errors=error.errors,
                  hint=hint)


@web.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> tuple[str, int] | Response:
    status = error.code or 500
    title, detail = HTTP_TEXT.get(status, (error.name, error.description or ""))
    if status == 405:
        detail = "Địa chỉ này không hỗ trợ thao tác vừa gửi."
    elif status == 404:
        detail = "Không có trang này."
    return render("web/error.html", status, title=title, detail=detail, errors={}, hint="")


def _same_site(url: str | None) -> str | None:
    """A path on this site to come back to, or None (never an address elsewhere)."""
    if not url:
        return None
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != request.host:
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _template_context() -> dict[str, Any]:
    me = current_uow().actor if g.get("uow") is not None else None
    return {"me": me, "counts": nav_counts(me)}


def _secure(response: Response) -> Response:
    if response.mimetype == "text/html":
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def page_not_found(error: HTTPException) -> tuple[str, int] | Response:
    """Unknown addresses outside the API get a page; inside it, problem+json as before."""
    if request.path.startswith(API_PATH):
        return handle_http_exception(error)
    return _http_error(error)


web.context_processor(_template_context)
web.after_request(_secure)
for _area in (session_pages, inbox, dossier_pages, dossier_form, task_pages, council_pages, decision_pages,
              admin_pages, registry_pages, round_pages, emulation_pages, public_pages, fund_pages, mail_pages,
              statistics_pages, round_decision_pages):
    web.register_blueprint(_area.bp)
