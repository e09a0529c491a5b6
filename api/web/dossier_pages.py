"""Dossier pages: the list with search and filters, the detail page (nominations and outcomes,
documents, due dates, decisions, timeline, process diagram), uploads, submit and withdraw."""
from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, request, url_for

from api.downloads import send_document
from api.errors import status_of
from api.web import labels
from api.web.common import PER_PAGE, Pager, arg_int, arg_text, ctx, discard_changes, me, render
from api.web.dossier_views import process_diagrams
from api.web.timeline import timeline
from engine.errors import DomainError, InvalidInput
from engine.models import AttachmentKind, DossierStatus
from engine.operations import tasks
from engine.operations.award import commands as dossiers
from engine.operations.award import queries as access
from engine.operations.award import state_awards
from engine.operations.award.commands import EDITABLE
from engine.operations.award.inputs import MAX_AWARD_CODE, MAX_YEAR, MIN_YEAR
from engine.operations.award.state_submission import has_state_submission, state_submission_file
from engine.operations.council import queries as council_access
from engine.operations.directory import units_within_reach

AUTO_KIND = "auto"  # the upload form's default: each file's kind (and nomination) guessed from its name
bp = Blueprint("dossiers", __name__)


@bp.route("/dossiers")
def index() -> tuple[str, int]:
    context, user = ctx(), me()
    status = request.args.get("status") or None
    status = status if status in set(DossierStatus) else None
    award_type = arg_text("award_type", MAX_AWARD_CODE) or None
    filters = {"status": status, "unit": arg_int("unit"), "year": arg_int("year", MIN_YEAR, MAX_YEAR),
               "award_type": award_type, "q": arg_text("q")}
    page = access.list_dossiers(context, **filters, page=arg_int("page") or 1, per_page=PER_PAGE)
    return render("web/dossiers.html", items=page.items, pager=Pager.of(page), filters=filters,
                  units=units_within_reach(context), award_types=access.award_types_in_force(context),
                  can_propose=bool(access.proposer_units(context.session, user)))


def detail_page(dossier_id: int, status: int = 200, **problems: Any) -> tuple[str, int]:
    """The dossier's page; `problems` are the errors of a refused upload, submission or withdrawal."""
    context, user = ctx(), me()
    dossier = access.dossier_detail(context, dossier_id)
    can_change = access.can_change(context.session, user, dossier.base)
    events = access.dossier_audit(context, dossier.id, per_page=200).items
    names = access.award_names(context)
    actionable = {t.id for t in tasks.list_tasks(context, dossier_id=dossier.id, per_page=200).items}
    return render(
        "web/dossier.html", status, dossier=dossier, can_change=can_change,
        editable=can_change and dossier.status in EDITABLE, names=names,
        actionable=actionable, timeline=timeline(context.session, events, names),
        diagrams=process_diagrams(context, dossier.base),
        sessions=council_access.list_sessions(context, dossier.id),
        missing=access.missing_before_submission(context, dossier.base), document_kinds=list(AttachmentKind),
        receipts=access.dossier_receipts(context, dossier.id), problems=problems,
        waiting_outside=state_awards.waiting_outside(dossier.base),
        records_state=state_awards.can_record(context, dossier.base),
        has_state_submission=has_state_submission(context, dossier.base))


@bp.route("/dossiers/<id:dossier_id>")
def detail(dossier_id: int) -> tuple[str, int]:
    return detail_page(dossier_id)


def _refused(dossier_id: int, error: DomainError, key: str) -> tuple[str, int]:
    """Show the page again with what was refused; nothing of this request is kept."""
    discard_changes()
    return detail_page(dossier_id, status_of(error), **{key: error})


@bp.route("/dossiers/<id:dossier_id>/attachments", methods=["POST"])
def upload(dossier_id: int) -> Response | tuple[str, int]:
    context = ctx()
    files = [f for f in request.files.getlist("file") if f.filename]
    raw_nomination = request.form.get("nomination_id", "")
    try:
        if not files:
            raise InvalidInput("Chưa chọn tệp.", {"file": "Chọn ít nhất một tệp để tải lên."})
        nomination_id = int(raw_nomination) if raw_nomination.isdigit() and len(raw_nomination) < 10 else None
        kind = request.form.get("kind", "")
        if kind == AUTO_KIND:
            added = dossiers.add_attachments_guessed(
                context, dossier_id, [(f.stream, f.filename or "") for f in files], nomination_id)
        else:
            for upload_file in files:
                dossiers.add_attachment(context, dossier_id, upload_file.stream, upload_file.filename, kind,
                                        nomination_id)
    except DomainError as error:
        return _refused(dossier_id, error, "upload")
    if kind == AUTO_KIND:
        what = "; ".join(f"«{a.filename}»: {labels.DOCUMENT_KIND[g.kind]}"
                         + (f" của {g.nomination.nominee_name}" if g.nomination else " (cả hồ sơ)") for a, g in added)
        flash(f"Đã tải lên {len(files)} tệp, loại tài liệu đoán theo tên tệp — {what}. Nếu đoán sai, bấm «Gỡ bỏ» "
              "rồi tải lại tệp đó với loại đúng.", "success")
    else:
        flash(f"Đã tải lên {len(files)} tệp.", "success")
    return redirect(url_for(".detail", dossier_id=dossier_id, _anchor="tai-lieu"))


@bp.route("/dossiers/<id:dossier_id>/attachments/<id:attachment_id>/remove", methods=["POST"])
def remove_attachment(dossier_id: int, attachment_id: int) -> Response | tuple[str, int]:
    try:
        removed = dossiers.remove_attachment(ctx(), dossier_id, attachment_id)
    except DomainError as error:
        return _refused(dossier_id, error, "upload")
    flash(f"Đã gỡ bỏ tài liệu «{removed.filename}» (bản cũ vẫn được lưu trong nhật ký hồ sơ).", "success")
    return redirect(url_for(".detail", dossier_id=dossier_id, _anchor="tai-lieu"))


@bp.route("/dossiers/<id:dossier_id>/attachments/<id:attachment_id>/replace", methods=["POST"])
def replace_attachment(dossier_id: int, attachment_id: int) -> Response | tuple[str, int]:
    upload_file = request.files.get("file")
    try:
        if upload_file is None or not upload_file.filename:
            raise InvalidInput("Chưa chọn tệp.", {"file": "Chọn tệp thay thế."})
        new = dossiers.replace_attachment(ctx(), dossier_id, attachment_id, upload_file.stream, upload_file.filename)
    except DomainError as error:
        return _refused(dossier_id, error, "upload")
    flash(f"Đã thay tài liệu bằng «{new.filename}» (bản cũ vẫn được lưu trong nhật ký hồ sơ).", "success")
    return redirect(url_for(".detail", dossier_id=dossier_id, _anchor="tai-lieu"))


@bp.route("/dossiers/<id:dossier_id>/attachments/<id:attachment_id>")
def attachment(dossier_id: int, attachment_id: int) -> Response:
    return send_document(access.attachment_file(ctx(), dossier_id, attachment_id))


@bp.route("/dossiers/<id:dossier_id>/submit", methods=["POST"])
def submit(dossier_id: int) -> Response | tuple[str, int]:
    try:
        dossier = dossiers.submit_dossier(ctx(), dossier_id)
    except DomainError as error:
        return _refused(dossier_id, error, "submit")
    flash(f"Đã nộp hồ sơ «{dossier.title}». Hồ sơ được chuyển đến cấp xét duyệt.", "success")
    return redirect(url_for(".detail", dossier_id=dossier_id))


@bp.route("/dossiers/<id:dossier_id>/nominations/<id:nomination_id>/person", methods=["POST"])
def choose_person(dossier_id: int, nomination_id: int) -> Response | tuple[str, int]:
    raw = request.form.get("person_id", "")
    try:
        if not raw.isdigit() or len(raw) > 12:
            raise InvalidInput("Chưa chọn người.", {"person_id": "Chọn một người trong danh sách."})
        nomination = dossiers.choose_nominee(ctx(), dossier_id, nomination_id, int(raw))
    except DomainError as error:
        return _refused(dossier_id, error, "submit")
    flash(f"Đã chọn đúng người trong sổ theo dõi cho đề nghị «{nomination.nominee_name}» (hồ sơ số "
          f"{nomination.awardee_id}).", "success")
    return redirect(url_for(".detail", dossier_id=dossier_id, _anchor="thao-tac"))


@bp.route("/dossiers/<id:dossier_id>/receipts/<id:seq>.docx")
def receipt(dossier_id: int, seq: int) -> Response:
    return send_document(access.receipt_file(ctx(), dossier_id, seq))


@bp.route("/dossiers/<id:dossier_id>/state-submission.docx")
def state_submission(dossier_id: int) -> Response:
    return send_document(state_submission_file(ctx(), dossier_id))


@bp.route("/dossiers/<id:dossier_id>/state-decision", methods=["POST"])
def state_decision(dossier_id: int) -> Response | tuple[str, int]:
    context = ctx()
    raw = {"number": request.form.get("number", ""), "signed_on": request.form.get("signed_on", ""),
           "issuer": request.form.get("issuer", ""), "awarded": request.form.getlist("awarded")}
    try:
        decision = state_awards.record_state_decision(context, dossier_id,
                                                      state_awards.read_state_decision(context, raw))
    except DomainError as error:
        return _refused(dossier_id, error, "state_decision")
    flash(f"Đã ghi {decision.citation} vào sổ theo dõi khen thưởng.", "success")
    return redirect(url_for(".detail", dossier_id=dossier_id))


@bp.route("/dossiers/<id:dossier_id>/withdraw", methods=["POST"])
def withdraw(dossier_id: int) -> Response | tuple[str, int]:
    try:
        dossiers.withdraw_dossier(ctx(), dossier_id, request.form.get("reason", ""))
    except DomainError as error:
        return _refused(dossier_id, error, "withdraw")
    flash("Đã rút hồ sơ.", "success")
    return redirect(url_for(".detail", dossier_id=dossier_id))

