"""The reward fund's pages for the standing office (its head reads): /quy shows a unit's fund for a
year (money in, payouts per decision, paid or not, the balance), with the forms to record money in,
to make a decision's payouts and to mark one paid, and the yearly report (XLSX); and /dien-hinh, the
office's registry of exemplary people and models (add with a photo, publish)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.downloads import send_document
from api.web.common import arg_int, ctx, render
from engine.errors import Conflict, DomainError, InvalidInput
from engine.models import ExemplarKind, User
from engine.operations.award.inputs import MAX_YEAR, MIN_YEAR
from engine.operations.fund import commands as fund
from engine.operations.fund import queries as fund_queries
from engine.operations.fund.inputs import ENTERED_KINDS, read_entry
from engine.operations.public import commands as public
from engine.operations.public import queries as public_queries
from engine.operations.public.inputs import read_exemplar

bp = Blueprint("fund", __name__)


def keeps_fund(user: User | None) -> bool:
    """Show "Quỹ, điển hình" in the navigation to a unit's standing office and head."""
    return user is not None and bool(fund_queries.fund_units(ctx().as_actor(user)))


def _year() -> int:
    return arg_int("nam", MIN_YEAR, MAX_YEAR) or fund_queries.today_year(ctx())


@bp.route("/quy")
def index() -> tuple[str, int]:
    context = ctx()
    units = fund_queries.fund_units(context)
    chosen = arg_int("don-vi")
    unit = next((u for u in units if u.id == chosen), units[0] if units else None)
    year = _year()
    if unit is None:
        return render("web/fund.html", units=[], unit=None, year=year)
    payouts = fund_queries.payouts(context, unit.id, year, per_page=200)
    return render("web/fund.html", units=units, unit=unit, year=year,
                  summary=fund_queries.summary(context, unit.id, year), payouts=payouts.items,
                  entries=fund_queries.entries(context, unit.id, year),
                  pending=fund_queries.decisions_without_payouts(context, unit.id, year),
                  keeps=fund_queries.may_keep(context, context.actor, unit.id) if context.actor else False,
                  kinds=list(ENTERED_KINDS))


def _back(unit_id: Any, year: Any) -> Response:
    return redirect(url_for(".index", **{"don-vi": unit_id, "nam": year}))


@bp.route("/quy/nguon", methods=["POST"])
def add_entry() -> Response:
    form = request.form
    try:
        fund.add_entry(ctx(), read_entry({key: form.get(key) or None for key in
                                          ("unit_id", "year", "kind", "amount", "entered_on", "note")}))
        flash("Đã ghi khoản nguồn của quỹ.", "success")
    except InvalidInput as error:
        flash(error.detail + " " + " ".join(error.errors.values()), "error")
    return _back(form.get("unit_id"), form.get("year"))


@bp.route("/quy/quyet-dinh/<id:decision_id>/lap-danh-sach-chi", methods=["POST"])
def create_payouts(decision_id: int) -> Response:
    made = fund.create_payouts(ctx(), decision_id)
    flash(f"Đã lập {len(made)} khoản chi tiền thưởng.", "success")
    return _back(request.form.get("unit_id"), request.form.get("year"))


@bp.route("/quy/khoan-chi/<id:payout_id>/da-chi", methods=["POST"])
def mark_paid(payout_id: int) -> Response:
    try:
        payout = fund.mark_paid(ctx(), payout_id)
        flash(f"Đã ghi chi tiền thưởng cho {payout.awardee_name}.", "success")
    except Conflict as error:
        flash(error.detail, "error")
    return _back(request.form.get("unit_id"), request.form.get("year"))


@bp.route("/quy/bao-cao.xlsx")
def report() -> Response:
    unit = arg_int("don-vi")
    if unit is None:
        raise InvalidInput("Chọn đơn vị.", {"don-vi": "Bắt buộc."})
    return send_document(fund_queries.yearly_report(ctx(), unit, _year()))


# ---- exemplary people and models (the office's side) ---------------------------------------------------

@bp.route("/dien-hinh")
def exemplars() -> tuple[str, int]:
    context = ctx()
    units = public_queries.curated_units(context)
    page = public_queries.exemplars(context, published_only=False, unit_ids=[u.id for u in units], per_page=100)
    return render("web/exemplars.html", units=units, items=page.items, kinds=list(ExemplarKind),
                  year=fund_queries.today_year(context))


def _exemplar_raw(form: Any, published: bool) -> dict[str, Any]:
    return {"unit_id": form.get("unit_id") or None, "kind": form.get("kind") or None, "name": form.get("name"),
            "movement": form.get("movement") or None, "year": form.get("year") or None, "story": form.get("story"),
            "published": published}


@bp.route("/dien-hinh", methods=["POST"])
def add_exemplar() -> Response:
    form = request.form
    try:
        row = public.create_exemplar(ctx(), read_exemplar(_exemplar_raw(form, form.get("published") == "1")))
        photo = request.files.get("photo")
        if photo is not None and photo.filename:
            public.set_exemplar_photo(ctx(), row.id, photo.stream)
        flash(f"Đã thêm {row.name}.", "success")
    except DomainError as error:
        ctx().session.rollback()
        flash(error.detail + " " + " ".join(error.errors.values()), "error")
    return redirect(url_for(".exemplars"))


@bp.route("/dien-hinh/<id:exemplar_id>/cong-bo", methods=["POST"])
def publish_exemplar(exemplar_id: int) -> Response:
    context = ctx()
    row = public_queries.exemplar_of_office(context, exemplar_id)
    raw = {"unit_id": row.unit_id, "kind": row.kind.value, "name": row.name, "awardee_id": row.awardee_id,
           "movement": row.movement, "year": row.year, "story": row.story,
           "published": request.form.get("published") == "1"}
    public.update_exemplar(context, exemplar_id, read_exemplar(raw))
    flash("Đã công bố." if raw["published"] else "Đã thôi công bố.", "success")
    return redirect(url_for(".exemplars"))
