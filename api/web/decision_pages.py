"""Decisions on awards: the list a user may see, and the decision document (DOCX) to download."""
from __future__ import annotations

from flask import Blueprint, Response

from api.downloads import send_document
from api.web.common import PER_PAGE, Pager, arg_int, ctx, render
from engine.operations.award import queries as access
from engine.operations.award.inputs import MAX_YEAR, MIN_YEAR

bp = Blueprint("decisions", __name__)


@bp.route("/decisions")
def index() -> tuple[str, int]:
    context = ctx()
    year = arg_int("year", MIN_YEAR, MAX_YEAR)
    page = access.list_decisions(context, year=year, page=arg_int("page") or 1, per_page=PER_PAGE)
    return render("web/decisions.html", items=page.items, pager=Pager.of(page), year=year,
                  names=access.award_names(context))


@bp.route("/decisions/<id:decision_id>/document.docx")
def document(decision_id: int) -> Response:
    return send_document(access.decision_file(ctx(), decision_id))
