"""Review rounds (đợt xét khen thưởng) in the web pages: the list of rounds a user sees, with the
form the standing office opens a round with (`/rounds`); a round's page with its dossiers and
nominations, their state, what is still missing and the countdown to the cut-off (`/rounds/<id>`),
where the office closes it."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.web.common import ctx, render
from api.web.labels import LATE_POLICY, ROUND_KIND, ROUND_STATUS
from engine.errors import InvalidInput
from engine.operations.award.queries import award_types_in_force
from engine.operations.rounds import commands as rounds
from engine.operations.rounds import queries as round_queries
from engine.operations.rounds.inputs import read_round

bp = Blueprint("rounds", __name__)

FIELDS = ("unit_id", "title", "kind", "movement", "cutoff_on", "council_on", "late_policy")


def _list(values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None,
          problem: str = "") -> tuple[str, int]:
    context = ctx()
    return render("web/rounds.html", status, rows=round_queries.list_rounds(context),
                  offices=round_queries.office_units(context), award_types=award_types_in_force(context),
                  values=values, errors=errors or {}, problem=problem, kinds=ROUND_KIND, statuses=ROUND_STATUS,
                  policies=LATE_POLICY)


@bp.route("/rounds")
def index() -> tuple[str, int]:
    return _list({"award_types": [], "late_policy": "refuse"})


@bp.route("/rounds", methods=["POST"])
def create() -> Response | tuple[str, int]:
    form = request.form
    values: dict[str, Any] = {name: form.get(name, "").strip() for name in FIELDS}
    values["award_types"] = form.getlist("award_types")
    raw = {**{k: v or None for k, v in values.items() if k != "award_types"}, "award_types": values["award_types"]}
    try:
        rnd = rounds.create_round(ctx(), read_round(raw))
    except InvalidInput as error:
        errors = {path.split("[")[0]: message for path, message in error.errors.items()}
        return _list(values, 422, errors, error.detail)
    flash(f"Đã mở đợt xét «{rnd.title}».", "success")
    return redirect(url_for(".detail", round_id=rnd.id), 303)


@bp.route("/rounds/<id:round_id>")
def detail(round_id: int) -> tuple[str, int]:
    return render("web/round.html", view=round_queries.round_detail(ctx(), round_id), kinds=ROUND_KIND,
                  statuses=ROUND_STATUS, policies=LATE_POLICY)


@bp.route("/rounds/<id:round_id>/close", methods=["POST"])
def close(round_id: int) -> Response:
    rnd = rounds.close_round(ctx(), round_id)
    flash(f"Đã đóng đợt xét «{rnd.title}».", "success")
    return redirect(url_for(".detail", round_id=rnd.id), 303)
