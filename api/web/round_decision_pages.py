"""The head decides a review round in the web pages (`/rounds/<id>/decision`): the nominations waiting
at `decide`, grouped by award type, with one choice per group and a per-name override (approve,
forward, reject with a reason, or a lower form this level gives); the round's decisions and the tờ
trình it sent up or received from below, with the lower level's council minutes, to download."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.downloads import send_document
from api.web.common import ctx, render
from engine.errors import InvalidInput
from engine.operations.award import round_decision as decide
from engine.operations.award.inputs import read_round_decision

bp = Blueprint("round_decision", __name__)

ACTIONS = {"approve": "Khen thưởng", "forward": "Trình cấp trên", "reject": "Không khen thưởng"}
LOWER = "lower:"  # a select's value for a lower form: "lower:BK_TINH"


def _page(round_id: int, status: int = 200, errors: dict[str, str] | None = None, problem: str = "",
          posted: dict[str, str] | None = None) -> tuple[str, int]:
    context = ctx()
    view = decide.round_decision_view(context, round_id)
    return render("web/round_decision.html", status, view=view, actions=ACTIONS, lower=LOWER,
                  sent=[decide.submission_view(context, s) for s in view.sent],
                  received=[decide.submission_view(context, s) for s in view.received],
                  errors=errors or {}, problem=problem, posted=posted or {})


@bp.route("/rounds/<id:round_id>/decision")
def page(round_id: int) -> tuple[str, int]:
    return _page(round_id)


def _row(item: Any, group: str) -> dict[str, Any]:
    form = request.form
    chosen = form.get(f"action_{item.nomination_id}") or form.get(f"all_{group}") or None
    lower = chosen.removeprefix(LOWER) if chosen and chosen.startswith(LOWER) else None
    return {"nomination_id": item.nomination_id, "action": "lower_award" if lower else chosen,
            "note": (form.get(f"note_{item.nomination_id}") or form.get(f"note_all_{group}") or "").strip() or None,
            "lower_award": lower}


@bp.route("/rounds/<id:round_id>/decision", methods=["POST"])
def submit(round_id: int) -> Response | tuple[str, int]:
    context = ctx()
    view = decide.round_decision_view(context, round_id)
    items = [(item, group.award_type) for group in view.groups for item in group.items]
    rows = [_row(item, group) for item, group in items]
    try:
        outcome = decide.decide_round(context, round_id, read_round_decision({"nominations": rows}))
    except InvalidInput as error:
        named = {}
        for path, message in error.errors.items():
            index = path.removeprefix("nominations[").partition("]")[0]
            who = items[int(index)][0].nominee if index.isdigit() and int(index) < len(items) else ""
            named[path] = f"{who}: {message}" if who else message
        return _page(round_id, 422, named, error.detail, dict(request.form))
    flash(f"Đã quyết định đợt xét: {len(outcome.dossiers)} hồ sơ, {len(outcome.decisions)} quyết định"
          + (f", {len(outcome.submissions)} tờ trình gửi cấp trên." if outcome.submissions else "."), "success")
    return redirect(url_for(".page", round_id=round_id), 303)


@bp.route("/round-submissions/<id:submission_id>/document.docx")
def submission_document(submission_id: int) -> Response:
    return send_document(decide.submission_file(ctx(), submission_id))
