"""A task's page: what the task is about, the dossier it concerns, and its form rendered from the
task's JSON Schema, pre-filled; claim, hand back, complete."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.errors import status_of
from api.web.common import ctx, discard_changes, me, render
from api.web.council_pages import member_options, vote_count
from api.web.schema_form import build_fields, merge, placed_paths, read_form
from engine.errors import Conflict, InvalidInput
from engine.models import HumanTask
from engine.operations import tasks
from engine.operations.access import can_act_on
from engine.operations.award import queries as access
from engine.operations.award.round_decision import round_of_task
from engine.operations.complaints.queries import cases_of_tasks
from engine.operations.council import sitting as sittings
from engine.operations.council.queries import results_by_nomination
from engine.operations.hooks import prefilled

bp = Blueprint("tasks", __name__)
ADD_ROW = "add:"  # the value of the `action` button that adds a row to a list field


def _page(task: HumanTask, values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None,
          problem: str = "") -> tuple[str, int]:
    context, user = ctx(), me()
    schema = tasks.task_form(context, task)
    prefill = _prefill_or_empty(context, task)
    fields = build_fields(schema, values, errors, prefill, member_options(context, task))
    unplaced = {path: message for path, message in (errors or {}).items() if path not in placed_paths(fields)}
    [row] = tasks.task_rows(context, [task])
    dossier = row.dossier
    return render("web/task.html", status, task=task, row=row, schema=schema, fields=fields,
                  errors=errors or {}, unplaced=unplaced, problem=problem, dossier=dossier,
                  case=cases_of_tasks(context, [task]).get(task.id), votes=vote_count(context, task),
                  can_act=can_act_on(context.session, user, task),
                  look={"names": access.award_names(context),
                        "nominations": {n.id: n for n in dossier.nominations} if dossier is not None else {},
                        "council": results_by_nomination(context, dossier.id, task.unit_id) if dossier else {}})


def _prefill_or_empty(context: Any, task: HumanTask) -> dict[str, Any]:
    """What the form starts from; nothing once the task can no longer be done (e.g. the session closed)."""
    try:
        return prefilled(context, task)
    except Conflict:
        return {}


@bp.route("/tasks/<id:task_id>")
def show(task_id: int) -> Response | tuple[str, int]:
    context = ctx()
    task = tasks.get_task(context, task_id)
    sitting = sittings.sitting_of_task(context, task)
    if sitting is not None:  # a round's sitting: its ballot of hundreds of names and its close are on its page
        return redirect(url_for("web.rounds.sitting", sitting_id=sitting.id), 303)
    rnd = round_of_task(context, task)
    if rnd is not None:  # a round's decision: its hundreds of names by award type are on the round's page
        return redirect(url_for("web.round_decision.page", round_id=rnd.id), 303)
    return _page(task, _prefill_or_empty(context, task))


@bp.route("/tasks/<id:task_id>", methods=["POST"])
def complete(task_id: int) -> Response | tuple[str, int]:
    context = ctx()
    task = tasks.get_task(context, task_id)
    schema = tasks.task_form(context, task)
    data = read_form(schema, request.form)
    action = request.form.get("action", "")
    if action.startswith(ADD_ROW):
        values = merge(prefilled(context, task), data)
        path = action[len(ADD_ROW):]
        if isinstance(values.get(path), list):
            values[path] = [*values[path], {}]
        return _page(task, values)
    try:
        done = tasks.complete_task(context, task_id, data)
    except (InvalidInput, Conflict) as error:
        discard_changes()
        task = tasks.get_task(context, task_id)
        return _page(task, merge(_prefill_or_empty(context, task), data), status_of(error), error.errors, error.detail)
    flash(f"Đã hoàn thành «{done.task.name}».", "success")
    if done.reply.get("receipt"):
        flash(str(done.reply["receipt"]), "receipt")  # shown once, on the receipt page, never in an address
        return redirect(url_for("web.council.ballot"))
    mine = [t for t in done.next_tasks if can_act_on(context.session, me(), t)]
    if len(mine) == 1:
        flash(f"Việc tiếp theo của bạn: «{mine[0].name}».", "info")
        return redirect(url_for(".show", task_id=mine[0].id))
    return redirect(url_for("web.inbox.inbox"))


@bp.route("/tasks/<id:task_id>/claim", methods=["POST"])
def claim(task_id: int) -> Response:
    tasks.claim_task(ctx(), task_id)
    flash("Bạn đã nhận xử lý nhiệm vụ này; đồng nghiệp sẽ thấy nhiệm vụ đang do bạn xử lý.", "info")
    return redirect(url_for(".show", task_id=task_id))


@bp.route("/tasks/<id:task_id>/unclaim", methods=["POST"])
def unclaim(task_id: int) -> Response:
    tasks.unclaim_task(ctx(), task_id)
    flash("Đã trả lại nhiệm vụ cho đơn vị.", "info")
    return redirect(url_for(".show", task_id=task_id))
