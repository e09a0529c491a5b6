"""Review rounds (đợt xét khen thưởng) in the web pages: the list of rounds a user sees, with the
form the standing office opens a round with (`/rounds`); a round's page with its dossiers and
nominations, their state, what is still missing and the countdown to the cut-off (`/rounds/<id>`),
where the office closes it and opens the round's council sitting with its ban kiểm phiếu
(`/council-sittings/<id>`: a member's one ballot over the whole agenda, the ban kiểm phiếu's paper
ballots of absent members, the chair's closing form, the biên bản họp and biên bản kiểm phiếu)."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.downloads import send_document
from api.web.common import ctx, render
from api.web.labels import LATE_POLICY, ROUND_KIND, ROUND_STATUS, VOTE_CHOICE
from engine.errors import InvalidInput
from engine.operations.award.queries import award_names, award_types_in_force
from engine.operations.council import sitting as sittings
from engine.operations.council.inputs import read_sitting_ballot, read_sitting_close, read_sitting_paper_ballot
from engine.operations.council.sitting_minutes import sitting_document
from engine.operations.rounds import commands as rounds
from engine.operations.rounds import queries as round_queries
from engine.operations.rounds.inputs import read_round

bp = Blueprint("rounds", __name__)

FIELDS = ("unit_id", "title", "kind", "movement", "cutoff_on", "council_on", "late_policy")


def _list(values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None,
          problem: str = "") -> tuple[str, int]:
    context = ctx()
    offices = round_queries.office_units(context)
    return render("web/rounds.html", status, rows=round_queries.list_rounds(context),
                  offices=offices, province_cutoffs=round_queries.province_cutoffs(context, offices),
                  award_types=award_types_in_force(context),
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
    context = ctx()
    can_open = sittings.can_open_sitting(context, round_id)
    return render("web/round.html", view=round_queries.round_detail(context, round_id), kinds=ROUND_KIND,
                  statuses=ROUND_STATUS, policies=LATE_POLICY, sitting=sittings.sitting_of_round(context, round_id),
                  can_open_sitting=can_open,
                  council=sittings.council_of_round(context, round_id) if can_open else [])


@bp.route("/rounds/<id:round_id>/close", methods=["POST"])
def close(round_id: int) -> Response:
    rnd = rounds.close_round(ctx(), round_id)
    flash(f"Đã đóng đợt xét «{rnd.title}».", "success")
    return redirect(url_for(".detail", round_id=rnd.id), 303)


@bp.route("/rounds/<id:round_id>/sitting", methods=["POST"])
def open_sitting(round_id: int) -> Response:
    chosen = tuple(int(v) for v in request.form.getlist("counting_board") if v.isdigit())
    sitting = sittings.open_sitting(ctx(), round_id, chosen or None)
    flash(f"Đã mở phiên họp Hội đồng của đợt xét: {len(sitting.sessions)} hồ sơ.", "success")
    return redirect(url_for(".sitting", sitting_id=sitting.id), 303)


@bp.route("/council-sittings/<id:sitting_id>")
def sitting(sitting_id: int) -> tuple[str, int]:
    """The sitting: its dossiers and results; a member's ONE ballot over the whole agenda, grouped by
    award type with "đồng ý tất cả" per group and a per-name override; the board's closing form."""
    context = ctx()
    found = sittings.get_sitting(context, sitting_id)
    ballot = sittings.sitting_ballot(context, sitting_id) if sittings.is_member(context, found) else None
    counting = sittings.is_counting_board(context, found)
    return render("web/council_sitting.html", view=sittings.sitting_view(context, found), ballot=ballot,
                  board=sittings.is_board(context, found), choices=VOTE_CHOICE,
                  award_names=award_names(context), counting=counting,
                  names={m.user_id: m.user.full_name for m in sittings.council_members(context, found)},
                  absent=sittings.members_without_ballot(context, found)
                  if counting and found.status.value == "open" else [])


@bp.route("/council-sittings/<id:sitting_id>/ballot", methods=["POST"])
def cast_ballot(sitting_id: int) -> Response:
    context = ctx()
    votes = _votes_from_form(sittings.sitting_ballot(context, sitting_id))
    cast = sittings.cast_sitting_ballot(context, read_sitting_ballot(sitting_id, {"votes": votes}))
    receipt = cast.get("receipt")
    flash("Đã bỏ phiếu." + (f" Biên nhận phiếu kín (giữ để tra cứu): {receipt}" if receipt else ""), "success")
    return redirect(url_for(".sitting", sitting_id=sitting_id), 303)


def _votes_from_form(page: dict[str, Any]) -> list[dict[str, Any]]:
    """A ballot form's choices: per name its own choice, else its group's ("đồng ý tất cả")."""
    votes = []
    for group in page["groups"]:
        whole = request.form.get(f"all_{group['award_type']}", "")
        for item in group["items"]:
            votes.append({"nomination_id": item["nomination_id"],
                          "choice": request.form.get(f"vote_{item['nomination_id']}") or whole or None})
    return votes


@bp.route("/council-sittings/<id:sitting_id>/paper-ballots/<id:member_id>")
def paper_ballot(sitting_id: int, member_id: int) -> tuple[str, int]:
    """The ban kiểm phiếu's form for an absent member's paper ballot: the member's part of the agenda."""
    context = ctx()
    found = sittings.get_sitting(context, sitting_id)
    ballot = sittings.sitting_ballot(context, sitting_id, member_id)
    member = next((m for m in sittings.members_without_ballot(context, found) if m.user_id == member_id), None)
    return render("web/sitting_paper_ballot.html", view=sittings.sitting_view(context, found), ballot=ballot,
                  member=member, choices=VOTE_CHOICE, award_names=award_names(context))


@bp.route("/council-sittings/<id:sitting_id>/paper-ballots/<id:member_id>", methods=["POST"])
def enter_paper_ballot(sitting_id: int, member_id: int) -> Response:
    context = ctx()
    page = sittings.sitting_ballot(context, sitting_id, member_id)
    entered = sittings.enter_sitting_paper_ballot(context, read_sitting_paper_ballot(
        sitting_id, {"member_id": member_id, "votes": _votes_from_form(page)}))
    receipt = entered.get("receipt")
    flash("Đã nhập phiếu bằng văn bản." + (f" Biên nhận phiếu kín (chuyển cho thành viên): {receipt}"
                                          if receipt else ""), "success")
    return redirect(url_for(".sitting", sitting_id=sitting_id), 303)


@bp.route("/council-sittings/<id:sitting_id>/minutes.docx")
def sitting_minutes(sitting_id: int) -> Response:
    return send_document(sitting_document(ctx(), sitting_id, "minutes"))


@bp.route("/council-sittings/<id:sitting_id>/counting.docx")
def sitting_counting(sitting_id: int) -> Response:
    return send_document(sitting_document(ctx(), sitting_id, "counting"))


@bp.route("/council-sittings/<id:sitting_id>/close", methods=["POST"])
def close_sitting(sitting_id: int) -> Response:
    form = request.form
    raw: dict[str, Any] = {"held_at": form.get("held_at", "").strip() or None,
                           "place": form.get("place", "").strip() or None,
                           "present": form.get("present", "").strip() or None,
                           "written_votes": form.get("written_votes", "").strip() or "0"}
    for name in ("present", "written_votes"):
        if raw[name] is not None and raw[name].isdigit():
            raw[name] = int(raw[name])
    sittings.close_sitting(ctx(), read_sitting_close(sitting_id, raw))
    flash("Đã kết thúc phiên họp và kiểm phiếu; các hồ sơ chuyển thủ trưởng quyết định.", "success")
    return redirect(url_for(".sitting", sitting_id=sitting_id), 303)
