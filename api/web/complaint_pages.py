"""Complaints (khiếu nại) and denunciations (tố cáo) in the web pages.

Public, without login: the filing form (`/khieu-nai`), the page that shows the tracking code (and,
on its first view, the secret for the second instance), the tracking page (`/khieu-nai/tra-cuu`)
that tells where a filing stands, nothing personal, and the second-instance form
(`/khieu-nai/lan-hai`: tracking code and secret).
Both public actions are counted per address by the engine and refused beyond its limit (429), the
count kept even when the answer is a refusal, as the JSON API does.

For complaint officers and heads of the handling unit (and a logged-in complainant's own filings):
the list (`/complaints`) and the detail (`/complaints/<id>`) with the open tasks, each done on its
task page (/tasks/<id>).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, Response, flash, redirect, request, session, url_for

from api.auth import public, require_csrf
from api.downloads import send_document
from api.errors import status_of
from api.request_text import reads_own_text
from api.unit_of_work import current_uow
from api.web.common import PER_PAGE, Pager, arg_int, arg_text, ctx, me, render
from api.web.labels import COMPLAINT_INSTANCE_LEVEL, COMPLAINT_KIND, COMPLAINT_OUTCOME, COMPLAINT_STATUS
from engine.errors import Conflict, DomainError, InvalidInput, NotFound, Throttled, TooLarge, UnsupportedType
from engine.models import ComplaintKind, ComplaintStatus, Decision, Unit, User
from engine.operations import tasks
from engine.operations.access import can_act_on, can_see
from engine.operations.award.queries import issued_decisions_by_issuer
from engine.operations.complaints import commands as complaints
from engine.operations.complaints import queries as complaint_queries
from engine.operations.complaints.queries import ComplaintSubject

bp = Blueprint("complaints", __name__)

TONE = {ComplaintStatus.RECEIVED: "info", ComplaintStatus.REFUSED: "neutral",
        ComplaintStatus.INVESTIGATING: "warn", ComplaintStatus.RESOLVED: "good"}
# The engine's field paths → the form's fields (errors are shown next to the field they concern).
FIELD_OF = {"kind": "kind", "subject": "decision_id", "subject.decision_id": "decision_id",
            "complainant.full_name": "full_name", "complainant.contact": "contact",
            "complainant.address": "address", "content": "content", "files": "files", "file": "files",
            "remote_area": "remote_area", "learned_on": "learned_on"}
FIELD_TEXT = {"kind": "Chọn khiếu nại hoặc tố cáo.", "decision_id": "Chọn quyết định bị khiếu nại, tố cáo."}
MAX_DECISIONS = 500  # the newest issued decisions offered in the list
FILED_CODE = "khieu_nai_ma"  # the session key holding the code just filed, shown once
FILED_SECRET = "khieu_nai_bi_mat"  # the secret for the second instance, shown on the first view only
CODE_LENGTH = 24


@dataclass
class Subject:
    """What a complaint is about, for a reader: a decision, a nomination or a dossier, with a link."""

    text: str
    url: str | None


def _handles_complaints(user: User | None) -> bool:
    """Show "Khiếu nại" in the navigation to complaint officers, heads and administrators."""
    if user is None:
        return False
    return complaint_queries.handles_complaints(ctx(), user)


def attach(parent: Blueprint, app: Flask) -> None:
    """Register these pages under the web pages' blueprint (once) and the navigation's test on the app."""
    if not any(child is bp for child, _ in parent._blueprints):
        parent.register_blueprint(bp)  # before the parent's first registration on an application
    app.jinja_env.globals["handles_complaints"] = _handles_complaints


def _decisions_by_issuer() -> list[tuple[Unit, list[Decision]]]:
    """Issued decisions, newest first, grouped by their issuing unit (what a citizen can name)."""
    return issued_decisions_by_issuer(ctx(), MAX_DECISIONS)


def _form_values() -> dict[str, Any]:
    form = request.form
    return {"kind": form.get("kind", ""), "decision_id": form.get("decision_id", "").strip(),
            "full_name": form.get("full_name", ""), "contact": form.get("contact", ""),
            "address": form.get("address", ""),
            "content": form.get("content", ""), "remote_area": form.get("remote_area") == "1",
            "learned_on": form.get("learned_on", "").strip()}


def _payload(values: dict[str, Any]) -> dict[str, Any]:
    raw = values["decision_id"]
    subject = {"decision_id": int(raw)} if raw.isdigit() and len(raw) <= 10 else {}
    return {"kind": values["kind"] or None, "subject": subject,
            "complainant": {"full_name": values["full_name"], "contact": values["contact"],
                            "address": values["address"]},
            "content": values["content"], "remote_area": values["remote_area"],
            "learned_on": values["learned_on"] or None}


def _field_errors(error: InvalidInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for path, message in error.errors.items():
        field = FIELD_OF.get(path)
        if field is None:
            continue
        errors.setdefault(field, FIELD_TEXT.get(field, message) if path in ("kind", "subject") else message)
    return errors


def _form(values: dict[str, Any], status: int = 200, errors: dict[str, str] | None = None,
          problem: str = "") -> tuple[str, int]:
    return render("web/complaint_form.html", status, values=values, errors=errors or {}, problem=problem,
                  groups=_decisions_by_issuer(), kinds=COMPLAINT_KIND)


def _throttled(error: Throttled, template: str, **values: Any) -> Response:
    minutes = max(1, -(-error.retry_after // 60))
    until = ctx().clock.now() + timedelta(seconds=error.retry_after)
    page, status = render(template, 429, throttled={"minutes": minutes, "until": until}, **values)
    return Response(page, status, headers={"Retry-After": str(error.retry_after)})


@bp.route("/khieu-nai")
@public
def public_form() -> tuple[str, int]:
    chosen = request.args.get("quyet-dinh", "").strip()
    return _form({"kind": "", "decision_id": chosen if chosen.isdigit() else "", "full_name": "", "contact": "",
                  "address": "",
                  "content": "", "remote_area": False, "learned_on": ""})


@bp.route("/khieu-nai", methods=["POST"])
@public
@reads_own_text  # read_filing refuses NUL beside its field
def public_file() -> Response | tuple[str, int]:
    require_csrf()
    values = _form_values()
    uow = current_uow()
    uow.keep_writes_on_refusal()  # a refused filing still counts towards the limit of the address
    files = [(f.stream, f.filename) for f in request.files.getlist("files") if f.filename]
    try:
        filed = complaints.file_public_complaint(uow.ctx, _payload(values), address=request.remote_addr, files=files)
    except (TooLarge, UnsupportedType) as error:  # the file was refused: nothing of the filing is kept
        return _form(values, status_of(error), {"files": error.detail})
    except Throttled as error:
        return _throttled(error, "web/complaint_form.html", values=values, errors={}, problem="",
                          groups=_decisions_by_issuer(), kinds=COMPLAINT_KIND)
    except InvalidInput as error:
        errors = _field_errors(error)
        return _form(values, 422, errors, "" if errors else error.detail)
    session[FILED_CODE], session[FILED_SECRET] = filed.tracking_code, filed.secret
    return redirect(url_for(".filed"))


@bp.route("/khieu-nai/da-gui")
@public
def filed() -> Response | tuple[str, int]:
    code = session.get(FILED_CODE)
    if not isinstance(code, str):
        return redirect(url_for(".public_form"))
    secret = session.pop(FILED_SECRET, None)  # shown once: only its digest is kept
    return render("web/complaint_filed.html", code=code, secret=secret if isinstance(secret, str) else None)


@bp.route("/khieu-nai/tra-cuu")
@public
def track() -> Response | tuple[str, int]:
    code = request.args.get("ma", "").strip().upper()[:CODE_LENGTH + 1]
    if not code:
        return render("web/complaint_track.html", code="", result=None, error="")
    if len(code) > CODE_LENGTH:
        return render("web/complaint_track.html", 404, code="", result=None,
                      error="Không tìm thấy đơn có mã theo dõi này.")
    uow = current_uow()
    uow.keep_writes_on_refusal()  # unknown codes count too: guessing codes is throttled
    try:
        status = complaint_queries.public_status(uow.ctx, code, address=request.remote_addr)
    except Throttled as error:
        return _throttled(error, "web/complaint_track.html", code=code, result=None, error="")
    except NotFound as error:
        return render("web/complaint_track.html", 404, code=code, result=None, error=error.detail)
    if session.get(FILED_CODE) == status["tracking_code"]:
        session.pop(FILED_CODE, None)  # the code has been read on its page; the "filed" page is done
    result = {**status, "kind_label": COMPLAINT_KIND[ComplaintKind(status["kind"])],
              "status_label": COMPLAINT_STATUS[ComplaintStatus(status["status"])],
              "tone": TONE[ComplaintStatus(status["status"])],
              "level_label": COMPLAINT_INSTANCE_LEVEL.get(status["instance_level"], ""),
              "outcome_label": COMPLAINT_OUTCOME.get(status["outcome"], "")}
    return render("web/complaint_track.html", code=status["tracking_code"], result=result, error="")


def _escalation_form(values: dict[str, str], status: int = 200, errors: dict[str, str] | None = None,
                     problem: str = "") -> tuple[str, int]:
    return render("web/complaint_escalate.html", status, values=values, errors=errors or {}, problem=problem)


@bp.route("/khieu-nai/lan-hai")
@public
def public_escalation() -> tuple[str, int]:
    code = request.args.get("ma", "").strip().upper()[:CODE_LENGTH]
    return _escalation_form({"tracking_code": code, "content": ""})


@bp.route("/khieu-nai/lan-hai", methods=["POST"])
@public
@reads_own_text  # read_public_escalation refuses NUL beside its field
def public_escalate() -> Response | tuple[str, int]:
    """A public filer takes a complaint to the second instance with its tracking code and secret."""
    require_csrf()
    form = request.form
    values = {"tracking_code": form.get("tracking_code", ""), "content": form.get("content", "")}
    raw = {"tracking_code": values["tracking_code"], "secret": form.get("secret", ""),
           "content": values["content"] if values["content"].strip() else None}
    uow = current_uow()
    uow.keep_writes_on_refusal()  # wrong secrets count too: guessing is throttled
    try:
        second = complaints.escalate_public(uow.ctx, raw, address=request.remote_addr)
    except Throttled as error:
        return _throttled(error, "web/complaint_escalate.html", values=values, errors={}, problem="")
    except InvalidInput as error:
        errors = {path: message for path, message in error.errors.items()
                  if path in ("tracking_code", "secret", "content")}
        return _escalation_form(values, 422, errors, "" if errors else error.detail)
    except NotFound as error:
        return _escalation_form(values, 404, None, error.detail)
    except Conflict as error:
        return _escalation_form(values, 409, None, error.detail)
    session[FILED_CODE] = second.tracking_code
    return redirect(url_for(".filed"))


# ---- officers and heads -----------------------------------------------------------------------------

def _subject(found: ComplaintSubject) -> Subject:
    if found.dossier_id is not None:
        return Subject(found.text, url_for("web.dossiers.detail", dossier_id=found.dossier_id))
    if found.decision_year is not None:
        return Subject(found.text, url_for("web.decisions.index", year=found.decision_year))
    return Subject(found.text, None)


def _choice(name: str, table: dict[Any, str]) -> str | None:
    value = arg_text(name, 40)
    return value if value in {str(k) for k in table} else None


@bp.route("/complaints")
def index() -> tuple[str, int]:
    context = ctx()
    status, kind = _choice("status", COMPLAINT_STATUS), _choice("kind", COMPLAINT_KIND)
    page = complaint_queries.complaint_page(context, status=status, kind=kind, page=arg_int("page") or 1,
                                            per_page=PER_PAGE)
    rows = [(c, _subject(c.subject), c.handling_unit) for c in page.items]
    return render("web/complaint_list.html", rows=rows, pager=Pager.of(page), status=status, kind=kind,
                  statuses=COMPLAINT_STATUS, kinds=COMPLAINT_KIND, tone=TONE)


@bp.route("/complaints/<id:complaint_id>")
def detail(complaint_id: int) -> tuple[str, int]:
    context, user = ctx(), me()
    complaint = complaint_queries.complaint_view(context, complaint_id)
    session = context.session
    open_tasks = [t for t in complaint.open_tasks if can_see(session, user, t)]
    rows = [(row, can_act_on(session, user, row.task)) for row in tasks.task_rows(context, open_tasks)]
    parent, second = complaint_queries.instances_of(context, complaint.base)
    return render("web/complaint_detail.html", complaint=complaint, subject=_subject(complaint.subject),
                  unit=complaint.handling_unit, tasks=rows, parent=parent, second=second,
                  kinds=COMPLAINT_KIND, statuses=COMPLAINT_STATUS, tone=TONE, outcomes=COMPLAINT_OUTCOME,
                  levels=COMPLAINT_INSTANCE_LEVEL)



@bp.route("/complaints/<id:complaint_id>/acceptance-extension", methods=["POST"])
def extend_acceptance(complaint_id: int) -> Response:
    """The officer extends a denunciation's initial handling, with a reason (Luật Tố cáo 2018 Art. 24(1))."""
    try:
        complaint = complaints.extend_acceptance(ctx(), complaint_id, {"reason": request.form.get("reason", "")})
    except DomainError as error:
        if isinstance(error, NotFound):
            raise
        flash(" ".join([error.detail, *getattr(error, "errors", {}).values()]), "error")
    else:
        assert complaint.acceptance_due_on is not None
        flash(f"Đã gia hạn thời hạn xử lý ban đầu đến hết ngày {complaint.acceptance_due_on:%d/%m/%Y}.", "success")
    return redirect(url_for(".detail", complaint_id=complaint_id))


@bp.route("/complaints/<id:complaint_id>/attachments/<id:attachment_id>")
def attachment(complaint_id: int, attachment_id: int) -> Response:
    return send_document(complaint_queries.attachment_file(ctx(), complaint_id, attachment_id))
