"""The registry's pages: people and collectives with their whole history (across units, the decision
behind each award, printable as the "lý lịch khen thưởng"), and, for the standing office, the import
of award history from Excel, the likely duplicates compared side by side, merged and unmerged."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.downloads import send_document
from api.errors import status_of
from api.web.common import Pager, ctx, discard_changes, me, render
from engine.errors import DomainError, InvalidInput
from engine.models import HistoryImport, TaskGrade
from engine.operations.registry import duplicates, history
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


def _duplicates(status: int = 200, **values: object) -> tuple[str, int]:
    context = ctx()
    return render("web/registry_duplicates.html", status, pairs=duplicates.likely_duplicates(context),
                  merges=duplicates.recent_merges(context), limit=duplicates.MAX_PAIRS, **values)


@bp.route("/registry/duplicates")
def duplicate_list() -> tuple[str, int]:
    return _duplicates()


@bp.route("/registry/duplicates/<id:first_id>/<id:second_id>")
def compare(first_id: int, second_id: int) -> tuple[str, int]:
    context = ctx()
    duplicates.require_registry_office(context)
    return render("web/registry_compare.html", first=get_awardee(context, first_id),
                  second=get_awardee(context, second_id))


def _form_id(name: str) -> int:
    raw = request.form.get(name, "")
    if not raw.isdigit() or len(raw) > 12:
        raise InvalidInput("Chưa chọn hồ sơ.", {name: "Chọn hồ sơ giữ lại và hồ sơ gộp vào."})
    return int(raw)


@bp.route("/registry/merges", methods=["POST"])
def merge() -> Response | tuple[str, int]:
    try:
        record = duplicates.merge_awardees(ctx(), _form_id("kept"), _form_id("merged"))
    except DomainError as error:
        discard_changes()
        return _duplicates(status_of(error), error=error)
    flash(f"Đã gộp hồ sơ số {record.merged_id} vào hồ sơ số {record.kept_id} (lần gộp số {record.id}; "
          "có thể hoàn tác).", "success")
    return redirect(url_for(".duplicate_list"))


@bp.route("/registry/merges/<id:merge_id>/undo", methods=["POST"])
def undo(merge_id: int) -> Response | tuple[str, int]:
    try:
        record = duplicates.undo_merge(ctx(), merge_id)
    except DomainError as error:
        discard_changes()
        return _duplicates(status_of(error), error=error)
    flash(f"Đã hoàn tác lần gộp số {record.id}: hồ sơ số {record.merged_id} trở lại như trước.", "success")
    return redirect(url_for(".duplicate_list"))
