"""Filing complaints (khiếu nại) and denunciations (tố cáo), reading them, their public status by
tracking code, and the escalation of a first-instance result to the second instance.

The public endpoints answer without login, so each use is counted per address (rows of
`rate_event`) and refused beyond a limit; the caller commits the count even when it refuses.
"""
from __future__ import annotations

import secrets
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import exists, select

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Complaint,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    Dossier,
    DossierStatus,
    Nomination,
    NominationStatus,
    Unit,
    User,
)
from engine.operations.access import require_actor
from engine.operations.award.queries import can_see, can_see_decision, reviewing_ancestors
from engine.operations.complaints.queries import escalation_deadline, get_complaint
from engine.operations.processes import start_process
from engine.operations.throttle import RateLimit, throttle
from engine.vocabulary import AuditAction

PUBLIC_FILING = RateLimit("public-complaint", limit=5, window=timedelta(hours=1))

TRACKING_PREFIX = {ComplaintKind.COMPLAINT: "KN", ComplaintKind.DENUNCIATION: "TC"}
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
TRACKING_LENGTH = 8
SUBJECT_FIELDS = ("decision_id", "nomination_id", "dossier_id")
MAX_NAME, MAX_CONTACT, MAX_CONTENT = 200, 300, 20000
MAX_ID = 2**31 - 1
NO_SUBJECT = "Không tìm thấy đối tượng khiếu nại"
UNDER_REVIEW = (DossierStatus.SUBMITTED, DossierStatus.IN_REVIEW, DossierStatus.SUPPLEMENT_REQUESTED)

# ---- throttling of public actions ----------------------------------------------------------------


# ---- the filing, as sent -------------------------------------------------------------------------

@dataclass(frozen=True)
class Filing:
    kind: ComplaintKind
    subject_field: str
    subject_id: int
    full_name: str
    contact: str
    content: str
    remote_area: bool


def _text(value: Any, path: str, high: int, errors: dict[str, str]) -> str:
    if value is None:
        errors[path] = "Bắt buộc nhập."
    elif not isinstance(value, str):
        errors[path] = "Cần một chuỗi ký tự."
    elif not value.strip():
        errors[path] = "Không được để trống."
    elif len(value) > high:
        errors[path] = f"Tối đa {high} ký tự."
    else:
        return value.strip()
    return ""


def _object(value: Any, path: str, errors: dict[str, str]) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    errors[path] = "Bắt buộc nhập." if value is None else "Cần một đối tượng JSON."
    return {}


def read_filing(payload: Any) -> Filing:
    """Check the shape of a filing, every fault at once (422 with field paths)."""
    errors: dict[str, str] = {}
    body = _object(payload, "body", errors)
    for key in sorted(set(body) - {"kind", "subject", "complainant", "content", "remote_area"}):
        errors[str(key)] = "Trường không được hỗ trợ."
    kind = body.get("kind")
    if kind not in {k.value for k in ComplaintKind}:
        errors["kind"] = "Bắt buộc nhập." if kind is None else "Chỉ nhận 'complaint' hoặc 'denunciation'."
    subject = _object(body.get("subject"), "subject", errors)
    for key in sorted(set(subject) - set(SUBJECT_FIELDS)):
        errors[f"subject.{key}"] = "Trường không được hỗ trợ."
    given = [(f, subject[f]) for f in SUBJECT_FIELDS if subject.get(f) is not None]
    for field, value in given:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_ID:
            errors[f"subject.{field}"] = f"Mã số phải là số nguyên từ 1 đến {MAX_ID}."
    if "subject" not in errors and len(given) != 1:
        errors["subject"] = "Cần đúng một đối tượng: quyết định, đề nghị hoặc hồ sơ."
    complainant = _object(body.get("complainant"), "complainant", errors)
    for key in sorted(set(complainant) - {"full_name", "contact"}):
        errors[f"complainant.{key}"] = "Trường không được hỗ trợ."
    full_name = _text(complainant.get("full_name"), "complainant.full_name", MAX_NAME, errors)
    contact = _text(complainant.get("contact"), "complainant.contact", MAX_CONTACT, errors)
    content = _text(body.get("content"), "content", MAX_CONTENT, errors)
    remote_area = body.get("remote_area", False)
    if not isinstance(remote_area, bool):
        errors["remote_area"] = "Cần giá trị đúng/sai (true/false)."
    if errors:
        raise InvalidInput("Đơn không hợp lệ.", errors)
    field, subject_id = given[0]
    return Filing(ComplaintKind(kind), field, subject_id, full_name, contact, content, remote_area)


# ---- the subject and the unit that handles it ----------------------------------------------------

def _first_reviewer(ctx: Context, unit_id: int) -> int | None:
    unit = ctx.session.get(Unit, unit_id)
    reviewers = reviewing_ancestors(unit) if unit is not None else []
    return reviewers[0].id if reviewers else None


def _dossier_handler(ctx: Context, dossier: Dossier) -> int | None:
    return dossier.reviewing_unit_id or _first_reviewer(ctx, dossier.proposing_unit_id)


def _nomination_handler(ctx: Context, nomination: Nomination, dossier: Dossier) -> int | None:
    under_review = dossier.status in UNDER_REVIEW and nomination.status in (NominationStatus.PENDING,
                                                                            NominationStatus.FROZEN)
    if under_review and dossier.reviewing_unit_id is not None:
        return dossier.reviewing_unit_id
    return nomination.decided_by_unit_id or _dossier_handler(ctx, dossier)


def _subject(ctx: Context, filing: Filing, user: User | None) -> int:
    """The handling unit of the subject. Absent: 422; invisible to a logged-in filer: 404; a public filer
    learns nothing about dossiers beyond what is already public (drafts look absent)."""
    session, path = ctx.session, f"subject.{filing.subject_field}"
    absent = InvalidInput(f"{NO_SUBJECT}.", {path: f"{NO_SUBJECT} số {filing.subject_id}."})
    handler: int | None
    if filing.subject_field == "decision_id":
        decision = session.get(Decision, filing.subject_id)
        if decision is None:
            raise absent
        if user is not None and not can_see_decision(session, user, decision):
            raise NotFound(f"Không tìm thấy quyết định số {filing.subject_id}.")
        handler = decision.issuer_unit_id
    else:
        nomination = session.get(Nomination, filing.subject_id) if filing.subject_field == "nomination_id" else None
        dossier_id = nomination.dossier_id if nomination is not None else (
            filing.subject_id if filing.subject_field == "dossier_id" else None)
        dossier = session.get(Dossier, dossier_id) if dossier_id is not None else None
        if dossier is None or (user is None and dossier.status == DossierStatus.DRAFT):
            raise absent
        if user is not None and not can_see(session, user, dossier):
            raise NotFound(f"Không tìm thấy {'đề nghị' if nomination else 'hồ sơ'} số {filing.subject_id}.")
        handler = _nomination_handler(ctx, nomination, dossier) if nomination else _dossier_handler(ctx, dossier)
    if handler is None:
        raise InvalidInput("Không xác định được đơn vị có thẩm quyền giải quyết đơn.",
                           {path: "Đối tượng này không có cấp giải quyết khiếu nại, tố cáo."})
    return handler


def _tracking_code(ctx: Context, kind: ComplaintKind) -> str:
    while True:
        code = TRACKING_PREFIX[kind] + "-" + "".join(secrets.choice(TRACKING_ALPHABET)
                                                     for _ in range(TRACKING_LENGTH))
        if not ctx.session.scalar(select(exists().where(Complaint.tracking_code == code))):
            return code


def _start(ctx: Context, complaint: Complaint) -> None:
    instance, _ = start_process(ctx, complaint.kind.value, {"complaint_id": complaint.id,
                                                            "handling_unit": complaint.handling_unit_id},
                                complaint_id=complaint.id)
    complaint.instance_id = instance.id
    ctx.session.flush()


def _event(ctx: Context, action: AuditAction, complaint: Complaint, after: dict[str, Any]) -> None:
    # Never the complainant's name, contact or words: the trail is read by many.
    audit.record(ctx, action, "complaint", complaint.id, after=after, unit_id=complaint.handling_unit_id,
                 complaint_id=complaint.id)


def _subject_of(complaint: Complaint) -> dict[str, int]:
    return {f: v for f in SUBJECT_FIELDS if (v := getattr(complaint, f)) is not None}


# ---- operations -----------------------------------------------------------------------------------

def file_complaint(ctx: Context, payload: Any, *, public: bool = False, address: str | None = None) -> Complaint:
    """File a complaint or denunciation and start its process.

    `public`: sent without login from `address`, counted against the public limit before anything
    else (the caller commits the count even when the filing is refused)."""
    if public:
        throttle(ctx, PUBLIC_FILING, address)
        user = None
    else:
        user = require_actor(ctx.actor)
    # The count above stays whatever happens; the filing itself is all or nothing.
    with ctx.session.begin_nested() if public else nullcontext():
        return _file(ctx, read_filing(payload), user, public)


def _file(ctx: Context, filing: Filing, user: User | None, public: bool) -> Complaint:
    handler = _subject(ctx, filing, user)
    complaint = Complaint(
        kind=filing.kind, tracking_code=_tracking_code(ctx, filing.kind), instance_level=1,
        handling_unit_id=handler, complainant_name=filing.full_name, complainant_contact=filing.contact,
        complainant_user_id=user.id if user is not None else None, public=public, content=filing.content,
        remote_area=filing.remote_area, status=ComplaintStatus.RECEIVED, filed_at=ctx.clock.now(),
        **{filing.subject_field: filing.subject_id},
    )
    ctx.session.add(complaint)
    ctx.session.flush()
    _event(ctx, AuditAction.COMPLAINT_FILED, complaint, {"kind": complaint.kind.value,
                                                         "subject": _subject_of(complaint),
                                                         "handling_unit": handler, "public": public})
    _start(ctx, complaint)
    return complaint



def escalate(ctx: Context, complaint_id: int, content: str | None = None) -> Complaint:
    """The complainant takes a resolved first-instance complaint to the next reviewing level up."""
    user = require_actor(ctx.actor)
    first = get_complaint(ctx, complaint_id, for_update=True)
    if first.complainant_user_id != user.id:
        raise Forbidden("Chỉ người khiếu nại được khiếu nại lần hai.")
    if first.kind != ComplaintKind.COMPLAINT:
        raise Conflict("Chỉ khiếu nại mới được giải quyết lần hai; tố cáo không có thủ tục này.")
    if first.instance_level != 1:
        raise Conflict("Đơn này đã là khiếu nại lần hai.")
    if first.status != ComplaintStatus.RESOLVED:
        raise Conflict("Khiếu nại lần đầu chưa có kết quả giải quyết.")
    deadline = escalation_deadline(ctx, first)
    if local_today(ctx.clock) > deadline:
        raise Conflict(f"Đã hết thời hạn khiếu nại lần hai (đến hết ngày {deadline:%d/%m/%Y}).")
    if ctx.session.scalar(select(exists().where(Complaint.parent_id == first.id))):
        raise Conflict("Khiếu nại này đã được khiếu nại lần hai.")
    handler = _first_reviewer(ctx, first.handling_unit_id)
    if handler is None:
        raise Conflict("Không có cấp trên để khiếu nại lần hai.")
    if content is not None and not content.strip():
        raise InvalidInput("Đơn không hợp lệ.", {"content": "Không được để trống."})
    second = Complaint(
        kind=first.kind, tracking_code=_tracking_code(ctx, first.kind), instance_level=2, parent_id=first.id,
        decision_id=first.decision_id, nomination_id=first.nomination_id, dossier_id=first.dossier_id,
        handling_unit_id=handler, complainant_name=first.complainant_name,
        complainant_contact=first.complainant_contact, complainant_user_id=user.id, public=False,
        content=content.strip() if content else first.content, remote_area=first.remote_area,
        status=ComplaintStatus.RECEIVED, filed_at=ctx.clock.now(),
    )
    ctx.session.add(second)
    ctx.session.flush()
    _event(ctx, AuditAction.COMPLAINT_ESCALATED, second, {"parent_id": first.id, "subject": _subject_of(second),
                                                "handling_unit": handler, "instance_level": 2})
    _start(ctx, second)
    return second
