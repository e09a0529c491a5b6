"""Decisions on awards: the list a user may see, and the decision document (DOCX) to download."""
from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import select

from api.downloads import send_document
from api.web.common import PER_PAGE, Pager, arg_int, ctx, render
from api.web.dossier_views import award_names
from engine.models import Dossier, Unit
from engine.operations.award import queries as access
from engine.operations.award.inputs import MAX_YEAR, MIN_YEAR

bp = Blueprint("decisions", __name__)


@bp.route("/decisions")
def index() -> tuple[str, int]:
    context = ctx()
    year = arg_int("year", MIN_YEAR, MAX_YEAR)
    page = access.list_decisions(context, year=year, page=arg_int("page") or 1, per_page=PER_PAGE)
    rows = [(d, access.decision_nominations(context, d)) for d in page.items]
    session = context.session
    unit_ids = {d.issuer_unit_id for d in page.items}
    units = {u.id: u for u in session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))}
    dossier_ids = {d.dossier_id for d in page.items if d.dossier_id is not None}
    dossiers = {d.id: d for d in session.scalars(select(Dossier).where(Dossier.id.in_(dossier_ids)))}
    return render("web/decisions.html", rows=rows, units=units, dossiers=dossiers, pager=Pager.of(page), year=year,
                  names=award_names(context))


@bp.route("/decisions/<id:decision_id>/document.docx")
def document(decision_id: int) -> Response:
    return send_document(access.decision_file(ctx(), decision_id))
