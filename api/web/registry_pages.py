"""The registry's pages: people and collectives with their whole history (across units, the decision
behind each award, printable as the "lý lịch khen thưởng"), and, for the standing office, the import
of award history from Excel."""
from __future__ import annotations

from flask import Blueprint, request
from werkzeug.wrappers import Response

from api.downloads import send_document
from api.web.common import Pager, ctx, discard_changes, me, render
from engine.errors import InvalidInput
from engine.models import HistoryImport, TaskGrade
from engine.operations.registry import history
from engine.operations.registry.queries import can_keep_awardee, can_keep_registry, get_awardee, list_awardees

bp = Blueprint("registry", __name__)


def _page(status: int = 200, **values: object) -> tuple[str, int]:
    context = ctx()
    query = request.args.get("q", "")[:200]
    try:
        page = max(1, min(int(request.args.get("page", "1")), 10_000))
    except ValueError:
        page = 1
    people = list_awardees(context, q=query or None, page=page, per_page=50)
    return render("web/registry.html", status, people=people, pager=Pager.of(people), q=query,
                  keeps=can_keep_registry(context, me()), **values)


@bp.route("/registry")
def index() -> tuple[str, int]:
    return _page()


@bp.route("/registry/template.xlsx")
def template() -> Response:
    return send_document(history.template_file(ctx()))


@bp.route("/registry/import", methods=["POST"])
def import_history() -> tuple[str, int]:
    context = ctx()
    upload = request.files.get("file")
    preview = request.form.get("mode") == "preview"
    record: HistoryImport | None = None
    try:
        if upload is None or not upload.filename:
            raise InvalidInput("Chưa chọn tệp lịch sử khen thưởng.", {"file": "Chọn tệp Excel (.xlsx) để nhập."})
        data = upload.stream.read(history.MAX_BYTES + 1)
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1][:100]
        if preview:
            record = history.preview_history(context, name, data)
        else:
            record = history.import_history(context, name, data)
    except InvalidInput as error:
        discard_changes()
        return _page(422, error=error)
    return _page(record=record)


@bp.route("/registry/imports/<id:import_id>/confirm", methods=["POST"])
def confirm(import_id: int) -> tuple[str, int]:
    return _page(record=history.confirm_history(ctx(), import_id))


@bp.route("/registry/people/<id:awardee_id>")
def person(awardee_id: int) -> tuple[str, int]:
    return person_page(awardee_id)


def person_page(awardee_id: int, status: int = 200, **values: object) -> tuple[str, int]:
    """A person's page; the office keeping the record also gets the form to enter a yearly grade."""
    context = ctx()
    awardee = get_awardee(context, awardee_id)
    return render("web/registry_person.html", status, awardee=awardee, grades=list(TaskGrade),
                  keeps=can_keep_awardee(context, me(), awardee), **values)
