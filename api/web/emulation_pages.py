"""The emulation year's pages: the year at a glance (plans, movements, clusters), a plan with its tasks
and who is behind, a movement with who answered it and what it produced, the registrations of a unit
and those below it (typed or from Excel), a cluster's scores, ranking and vote (suy tôn). Plain forms, no
JavaScript."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.downloads import send_document
from api.errors import status_of
from api.web.common import arg_int, ctx, discard_changes, me, render
from api.web.labels import CLUSTER_VOTE_CHOICE, CLUSTER_VOTE_STATUS
from api.web.registry_pages import person_page
from engine.clock import local_today
from engine.errors import Conflict, InvalidInput
from engine.models import AwardeeKind, MovementKind
from engine.operations.emulation import cluster_vote, commands, inputs, queries, registration_sheet
from engine.operations.registry import history

bp = Blueprint("emulation", __name__)


def _form(*names: str) -> dict[str, Any]:
    """The named fields of the posted form; blank ones left out (optional)."""
    return {name: request.form[name] for name in names if request.form.get(name, "").strip()}


def _year() -> int:
    return arg_int("year", 2000, 2100) or local_today(ctx().clock).year


def _index(status: int = 200, **values: Any) -> tuple[str, int]:
    context, year = ctx(), _year()
    return render("web/emulation.html", status, year=year, plans=queries.list_plans(context, year),
                  movements=queries.list_movements(context, year), clusters=queries.list_clusters(context, year),
                  kept=queries.kept_units(context), mine=queries.my_units(context),
                  parents=queries.list_movements(context), kinds=list(MovementKind), **values)


@bp.route("/emulation")
def index() -> tuple[str, int]:
    return _index()


@bp.route("/emulation/plans", methods=["POST"])
def create_plan() -> tuple[str, int] | Response:
    try:
        plan = commands.record_plan(ctx(), inputs.read_plan(
            _form("unit", "year", "title", "document_number", "document_date", "registration_due_on")))
    except InvalidInput as error:
        discard_changes()
        return _index(422, error=error, form=request.form)
    return redirect(url_for("web.emulation.plan", plan_id=plan.id), 303)


@bp.route("/emulation/movements", methods=["POST"])
def launch() -> tuple[str, int] | Response:
    try:
        movement = commands.launch_movement(ctx(), inputs.read_movement(
            _form("unit", "kind", "theme", "content", "criteria", "starts_on", "ends_on", "parent")))
    except InvalidInput as error:
        discard_changes()
        return _index(422, error=error, form=request.form)
    return redirect(url_for("web.emulation.movement", movement_id=movement.id), 303)


# ---- a plan ---------------------------------------------------------------------------------------

def _plan(plan_id: int, status: int = 200, **values: Any) -> tuple[str, int]:
    context = ctx()
    view = queries.get_plan(context, plan_id)
    return render("web/emulation_plan.html", status, view=view,
                  keeps=queries.can_keep(context, me(), view.plan.unit_id), units=queries.kept_units(context),
                  **values)


@bp.route("/emulation/plans/<id:plan_id>")
def plan(plan_id: int) -> tuple[str, int]:
    return _plan(plan_id)


@bp.route("/emulation/plans/<id:plan_id>/tasks", methods=["POST"])
def add_task(plan_id: int) -> tuple[str, int] | Response:
    try:
        commands.add_task(ctx(), plan_id, inputs.read_task(_form("title", "owner_unit", "due_on")))
    except InvalidInput as error:
        discard_changes()
        return _plan(plan_id, 422, error=error)
    return redirect(url_for("web.emulation.plan", plan_id=plan_id), 303)


@bp.route("/emulation/tasks/<id:task_id>", methods=["POST"])
def follow(task_id: int) -> tuple[str, int] | Response:
    plan_id = arg_int("plan") or 0
    try:
        commands.follow_task(ctx(), task_id, inputs.read_follow(_form("done_on", "note")))
    except InvalidInput as error:
        discard_changes()
        return _plan(plan_id, 422, error=error)
    return redirect(url_for("web.emulation.plan", plan_id=plan_id), 303)


@bp.route("/emulation/plans/<id:plan_id>/file", methods=["GET", "POST"])
def plan_file(plan_id: int) -> tuple[str, int] | Response:
    if request.method == "GET":
        return send_document(queries.plan_file(ctx(), plan_id))
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Chưa chọn tệp.", {"file": "Chọn văn bản kế hoạch (PDF, DOCX…)."})
        commands.attach_plan_file(ctx(), plan_id, upload.filename, upload.stream)
    except InvalidInput as error:
        discard_changes()
        return _plan(plan_id, 422, error=error)
    return redirect(url_for("web.emulation.plan", plan_id=plan_id), 303)


# ---- a movement -----------------------------------------------------------------------------------

def _movement(movement_id: int, status: int = 200, **values: Any) -> tuple[str, int]:
    return render("web/emulation_movement.html", status, view=queries.get_movement(ctx(), movement_id), **values)


@bp.route("/emulation/movements/<id:movement_id>")
def movement(movement_id: int) -> tuple[str, int]:
    return _movement(movement_id)


@bp.route("/emulation/movements/<id:movement_id>/responses", methods=["POST"])
def respond(movement_id: int) -> tuple[str, int] | Response:
    try:
        commands.respond(ctx(), movement_id, inputs.read_response(_form("unit", "commitment", "report")))
    except InvalidInput as error:
        discard_changes()
        return _movement(movement_id, 422, error=error)
    return redirect(url_for("web.emulation.movement", movement_id=movement_id), 303)


# ---- registrations --------------------------------------------------------------------------------

def _registrations(status: int = 200, **values: Any) -> tuple[str, int]:
    context, year = ctx(), _year()
    mine = queries.my_units(context)
    unit_id = arg_int("unit", 1, 2**31 - 1) or (mine[0].id if mine else None)
    listing = queries.consolidated(context, unit_id, year) if unit_id is not None else None
    return render("web/emulation_registrations.html", status, year=year, unit_id=unit_id, listing=listing,
                  mine=mine, kinds=list(AwardeeKind), **values)


@bp.route("/emulation/registrations")
def registrations() -> tuple[str, int]:
    return _registrations()


@bp.route("/emulation/registrations", methods=["POST"])
def register() -> tuple[str, int] | Response:
    line = _form("kind", "name", "position", "award_type", "movement")
    try:
        commands.register(ctx(), inputs.read_registrations({**_form("unit", "year"), "registrations": [line]}))
    except InvalidInput as error:
        discard_changes()
        return _registrations(422, error=error)
    return redirect(url_for("web.emulation.registrations", unit=request.form.get("unit"),
                            year=request.form.get("year")), 303)


@bp.route("/emulation/registrations/template.xlsx")
def registration_template() -> Response:
    return send_document(registration_sheet.template_file())


@bp.route("/emulation/registrations/import", methods=["POST"])
def import_registrations() -> tuple[str, int] | Response:
    upload = request.files.get("file")
    try:
        given = inputs.read_registrations({**_form("unit", "year"), "registrations": []})
        if upload is None or not upload.filename:
            raise InvalidInput("Chưa chọn tệp đăng ký thi đua.", {"file": "Chọn tệp Excel (.xlsx)."})
        registration_sheet.import_registrations(ctx(), given.unit_id, given.year,
                                                upload.stream.read(history.MAX_BYTES + 1))
    except InvalidInput as error:
        discard_changes()
        return _registrations(422, error=error)
    return redirect(url_for("web.emulation.registrations", unit=request.form.get("unit"),
                            year=request.form.get("year")), 303)


# ---- a cluster ------------------------------------------------------------------------------------

def _cluster(cluster_year_id: int, status: int = 200, **values: Any) -> tuple[str, int]:
    context = ctx()
    view = queries.get_cluster_year(context, cluster_year_id)
    mine = {u.id for u in queries.my_units(context)}
    return render("web/emulation_cluster.html", status, view=view,
                  scoring=[m for m in view.members if m.id in mine or queries.can_keep(context, me(), m.id)],
                  vote=cluster_vote.vote_view(context, cluster_year_id),
                  may_open=queries.can_speak_for(context, me(), view.year.head_unit_id),
                  choices=CLUSTER_VOTE_CHOICE, statuses=CLUSTER_VOTE_STATUS, **values)


@bp.route("/emulation/clusters/<id:cluster_year_id>")
def cluster(cluster_year_id: int) -> tuple[str, int]:
    return _cluster(cluster_year_id)


@bp.route("/emulation/clusters/<id:cluster_year_id>/scores", methods=["POST"])
def self_score(cluster_year_id: int) -> tuple[str, int] | Response:
    criterion = request.form.get("criterion", "")
    raw = {**_form("unit"), "scores": [{"criterion": criterion, **_form("points", "evidence")}]}
    try:
        unit, lines = inputs.read_scores(raw)
        commands.self_score(ctx(), cluster_year_id, unit, lines)
    except InvalidInput as error:
        discard_changes()
        return _cluster(cluster_year_id, 422, error=error)
    return redirect(url_for("web.emulation.cluster", cluster_year_id=cluster_year_id), 303)


@bp.route("/emulation/clusters/<id:cluster_year_id>/adjustments", methods=["POST"])
def adjust(cluster_year_id: int) -> tuple[str, int] | Response:
    try:
        commands.adjust_score(ctx(), cluster_year_id, inputs.read_adjust(
            _form("unit", "criterion", "points", "reason")))
    except InvalidInput as error:
        discard_changes()
        return _cluster(cluster_year_id, 422, error=error)
    return redirect(url_for("web.emulation.cluster", cluster_year_id=cluster_year_id), 303)


@bp.route("/emulation/clusters/<id:cluster_year_id>/vote", methods=["POST"])
def open_vote(cluster_year_id: int) -> tuple[str, int] | Response:
    """The cluster head opens the vote (suy tôn); each member unit's head then finds its ballot in its inbox."""
    try:
        cluster_vote.open_vote(ctx(), cluster_year_id)
    except (InvalidInput, Conflict) as error:
        discard_changes()
        return _cluster(cluster_year_id, status_of(error), error=error)
    flash("Đã mở bỏ phiếu suy tôn: thủ trưởng mỗi đơn vị thành viên có một phiếu trong mục Việc cần làm.", "success")
    return redirect(url_for("web.emulation.cluster", cluster_year_id=cluster_year_id), 303)


# ---- yearly grades --------------------------------------------------------------------------------

@bp.route("/emulation/grades", methods=["POST"])
def record_grade() -> tuple[str, int] | Response:
    """A yearly grade entered from a person's page in the registry."""
    awardee_id = arg_form_id("awardee")
    try:
        awardee, year, grade = inputs.read_grade(_form("awardee", "year", "grade"))
        commands.record_grade(ctx(), awardee, year, grade)
    except InvalidInput as error:
        discard_changes()
        if awardee_id is None:
            raise
        return person_page(awardee_id, 422, grade_error=error)
    return redirect(url_for("web.registry.person", awardee_id=awardee), 303)


def arg_form_id(name: str) -> int | None:
    raw = request.form.get(name, "").strip()
    return int(raw) if raw.isdigit() and 1 <= int(raw) <= 2**31 - 1 else None
