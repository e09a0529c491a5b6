"""Unsubscribing from one kind of mail by the signed link every mail carries (engine/operations/mail.py),
without logging in; the page asks for a press of the button, so that a mail scanner opening the link
unsubscribes no one."""
from __future__ import annotations

from flask import Blueprint, request

from api.auth import public, require_csrf
from api.unit_of_work import current_uow
from api.web.common import render
from engine.errors import InvalidInput
from engine.operations import mail

bp = Blueprint("mail", __name__)


@bp.route("/thu/huy-nhan/<token>", methods=["GET", "POST"])
@public
def unsubscribe(token: str) -> tuple[str, int]:
    uow = current_uow()
    if request.method == "POST":
        require_csrf()
    try:
        user, kind = mail.read_token(uow.ctx, token[:100])
    except InvalidInput as error:
        return render("web/unsubscribe.html", 404, error=error.detail)
    if request.method == "POST":
        subscribed = request.form.get("subscribe") == "1"
        mail.set_subscribed(uow.ctx, user, kind, subscribed)
        return render("web/unsubscribe.html", kind=kind, done=True, subscribed=subscribed, token=token)
    return render("web/unsubscribe.html", kind=kind, token=token,
                  unsubscribed=kind.value in (user.mail_unsubscribed or []))
