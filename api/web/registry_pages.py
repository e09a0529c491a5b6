"""The registry's pages: people and collectives with their whole history (across units, the decision
behind each award, printable as the "lý lịch khen thưởng"), and, for the standing office, the import
of award history from Excel, the likely duplicates compared side by side, merged and unmerged."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from werkzeug.wrappers import Response

from api.downloads import send_document
from api.errors import status_of
from api.web.common import Pager, ctx, discard_changes, me, render
from engine.clock import local_today
from engine.errors import Conflict, DomainError, InvalidInput
from engine.models import HistoryImport, TaskGrade
from engine.operations.registry import duplicates, history
from engine.operations.registry.commands import lift_bar, set_bar
from engine.operations.registry.inputs import BAR_FIELDS, LIFT_FIELDS, read_bar, read_lift
from engine.operations.registry.queries import can_keep_awardee, can_keep_registry, get_awardee, list_awardees
from engine.vocabulary import BarReason

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


def _fields(names: tuple[str, ...]) -> dict[str, str]:
    """The form's fields of that input (the CSRF token is the page's, not the input's)."""
    return {name: request.form[name] for name in names if name in request.form}


def person_page(awardee_id: int, status: int = 200, **values: object) -> tuple[str, int]:
    """A person's page; the office keeping the record also gets the forms for yearly grades and barred cases."""
    context = ctx()
    awardee = get_awardee(context, awardee_id)
    return render("web/registry_person.html", status, awardee=awardee, reasons=list(BarReason),
                  grades=list(TaskGrade), keeps=can_keep_awardee(context, me(), awardee),
                  today=local_today(context.clock), **values)


@bp.route("/registry/people/<id:awardee_id>")
def person(awardee_id: int) -> tuple[str, int]:
    return person_page(awardee_id)


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


@bp.route("/registry/people/<id:awardee_id>/bars", methods=["POST"])
def bar(awardee_id: int) -> tuple[str, int]:
    """The office records a barred case (disciplinary review, investigation…) from a date, with its reason."""
    context = ctx()
    try:
        set_bar(context, awardee_id, read_bar(context, _fields(BAR_FIELDS)))
    except InvalidInput as error:
        discard_changes()
        return person_page(awardee_id, 422, error=error, form=dict(request.form))
    return person_page(awardee_id, saved="Đã ghi trường hợp chưa được đề nghị khen thưởng.")


@bp.route("/registry/people/<id:awardee_id>/bars/<id:bar_id>/lift", methods=["POST"])
def lift(awardee_id: int, bar_id: int) -> tuple[str, int]:
    context = ctx()
    try:
        lift_bar(context, awardee_id, bar_id, read_lift(context, _fields(LIFT_FIELDS)))
    except (InvalidInput, Conflict) as error:
        discard_changes()
        return person_page(awardee_id, 409 if isinstance(error, Conflict) else 422, error=error)
    return person_page(awardee_id, saved="Đã bỏ ghi trường hợp.")
