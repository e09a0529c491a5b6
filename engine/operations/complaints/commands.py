"""Filing complaints (khiếu nại) and denunciations (tố cáo), from the typed filing of
complaints/inputs.py, and the escalation of a first-instance result to the second instance.

The public filing answers without login, so each use is counted per address (rows of
`rate_event`) and refused beyond a limit; the caller commits the count even when it refuses.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, BinaryIO

from sqlalchemy import exists, select

from engine import audit
from engine.clock import LOCAL_TZ, end_of_day, local_today
from engine.context import Context
from engine.db import is_postgres
from engine.errors import Conflict, Forbidden, InvalidInput, NotFound
from engine.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    Dossier,
    DossierStatus,
    HumanTask,
    HumanTaskState,
    Nomination,
    NominationStatus,
    Role,
    Unit,
    User,
)
from engine.operations.access import holds_role, is_admin, require_actor
from engine.operations.award.queries import can_see, can_see_decision, reviewing_ancestors
from engine.operations.complaints.inputs import (
    MAX_ATTACHMENTS,
    SUBJECT_FIELDS,
    ComplaintFiling,
    read_acceptance_extension,
    read_escalation,
    read_filing,
    read_public_escalation,
)
from engine.operations.complaints.queries import escalation_deadline, escalation_opens, get_complaint
from engine.operations.processes import start_process
from engine.operations.throttle import RateLimit, throttle
from engine.rules import load_rules
from engine.rules.catalogue import DENUNCIATION_EXTENDED
from engine.storage import attachment_store, clean_upload_name
from engine.vocabulary import AuditAction

PUBLIC_FILING = RateLimit("public-complaint", limit=5, window=timedelta(hours=1))
PUBLIC_ESCALATION = RateLimit("public-complaint-escalation", limit=10, window=timedelta(hours=1))

TRACKING_PREFIX = {ComplaintKind.COMPLAINT: "KN", ComplaintKind.DENUNCIATION: "TC"}
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud over the phone
TRACKING_LENGTH = 8
SECRET_GROUPS, SECRET_GROUP = 4, 4  # 16 characters of 32: 80 bits, read as XXXX-XXXX-XXXX-XXXX
NO_SUBJECT = "Không tìm thấy đối tượng khiếu nại"
UNDER_REVIEW = (DossierStatus.SUBMITTED, DossierStatus.IN_REVIEW, DossierStatus.SUPPLEMENT_REQUESTED)

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


def _subject(ctx: Context, filing: ComplaintFiling, user: User | None) -> int:
    """The handling unit of the subject. Absent, or invisible to the filer, the same 422: filing learns
    nothing of another unit's decisions and dossiers, nor a public filer of drafts."""
    session, path = ctx.session, f"subject.{filing.subject_field}"
    absent = InvalidInput(f"{NO_SUBJECT}.", {path: f"{NO_SUBJECT} số {filing.subject_id}."})
    handler: int | None
    if filing.subject_field == "decision_id":
        decision = session.get(Decision, filing.subject_id)
        if decision is None or (user is not None and not can_see_decision(session, user, decision)):
            raise absent
        handler = decision.issuer_unit_id
    else:
        nomination = session.get(Nomination, filing.subject_id) if filing.subject_field == "nomination_id" else None
        dossier_id = nomination.dossier_id if nomination is not None else (
            filing.subject_id if filing.subject_field == "dossier_id" else None)
        dossier = session.get(Dossier, dossier_id) if dossier_id is not None else None
        if dossier is None or (user is None and dossier.status == DossierStatus.DRAFT) or (
                user is not None and not can_see(session, user, dossier)):
            raise absent
        handler = _nomination_handler(ctx, nomination, dossier) if nomination else _dossier_handler(ctx, dossier)
    if handler is None:
        raise InvalidInput("Không xác định được đơn vị có thẩm quyền giải quyết đơn.",
                           {path: "Đối tượng này không có cấp giải quyết khiếu nại, tố cáo."})
    return handler


def _places(ctx: Context, filing: ComplaintFiling, handler: int) -> list[int]:
    """The units a filing concerns: its handler and the unit that proposed the award it is about."""
    session, dossier_id = ctx.session, None
    if filing.subject_field == "decision_id":
        decision = session.get(Decision, filing.subject_id)
        dossier_id = decision.dossier_id if decision is not None else None
    elif filing.subject_field == "nomination_id":
        nomination = session.get(Nomination, filing.subject_id)
        dossier_id = nomination.dossier_id if nomination is not None else None
    else:
        dossier_id = filing.subject_id
    dossier = session.get(Dossier, dossier_id) if dossier_id is not None else None
    return [handler] + ([dossier.proposing_unit_id] if dossier is not None else [])


def _in_remote_area(ctx: Context, unit_ids: list[int]) -> bool:
    """Whether one of these units is flagged in the org chart as in a remote area (vùng sâu, vùng xa)."""
    return bool(ctx.session.scalar(select(exists().where(Unit.id.in_(unit_ids), Unit.remote_area.is_(True)))))


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

Upload = tuple[BinaryIO, str | None]  # a document's stream and the name it was sent under


def file_complaint(ctx: Context, filing: ComplaintFiling, files: Sequence[Upload] = ()) -> Complaint:
    """File a complaint or denunciation as the caller, with its documents, and start its process."""
    return _file(ctx, filing, require_actor(ctx.actor), public=False, files=files)


@dataclass(frozen=True)
class PublicFiling:
    """A public filing and the secret that, with its tracking code, lets the filer escalate it: shown
    once, only its digest is stored."""

    complaint: Complaint
    secret: str

    @property
    def tracking_code(self) -> str:
        return self.complaint.tracking_code

    @property
    def status(self) -> ComplaintStatus:
        return self.complaint.status


def _new_secret() -> str:
    return "-".join("".join(secrets.choice(TRACKING_ALPHABET) for _ in range(SECRET_GROUP))
                    for _ in range(SECRET_GROUPS))


def _secret_digest(secret: str) -> str:
    """What is stored and compared: the secret without case, spaces or dashes, hashed."""
    return hashlib.sha256("".join(secret.upper().replace("-", " ").split()).encode()).hexdigest()


def file_public_complaint(ctx: Context, raw: Any, *, address: str | None, files: Sequence[Upload] = ()) -> PublicFiling:
    """File without login from `address`: the attempt is counted against the public limit before
    anything else, so this one operation reads the raw filing itself (through `read_filing`); the
    caller commits the count even when the filing is refused."""
    throttle(ctx, PUBLIC_FILING, address)
    # The count above stays whatever happens; the filing itself is all or nothing.
    with ctx.session.begin_nested():
        complaint = _file(ctx, read_filing(raw), None, public=True, files=files)
        secret = _new_secret()
        complaint.secret_hash = _secret_digest(secret)
        return PublicFiling(complaint, secret)


def _check_learned_on(ctx: Context, filing: ComplaintFiling) -> None:
    """Not after today, not before the decision complained about was signed."""
    day, today = filing.learned_on, local_today(ctx.clock)
    if day is None:
        return
    if day > today:
        raise InvalidInput("Ngày nhận được hoặc biết được quyết định không hợp lệ.",
                           {"learned_on": f"Không được sau ngày hôm nay ({today:%d/%m/%Y})."})
    decision = ctx.session.get(Decision, filing.subject_id) if filing.subject_field == "decision_id" else None
    if decision is not None and day < decision.signed_on:
        raise InvalidInput("Ngày nhận được hoặc biết được quyết định không hợp lệ.", {
            "learned_on": f"Không được trước ngày ký quyết định ({decision.signed_on:%d/%m/%Y})."})


def _file(ctx: Context, filing: ComplaintFiling, user: User | None, *, public: bool,
          files: Sequence[Upload]) -> Complaint:
    if len(files) > MAX_ATTACHMENTS:
        raise InvalidInput("Đơn không hợp lệ.", {"files": f"Đính kèm tối đa {MAX_ATTACHMENTS} tệp."})
    handler = _subject(ctx, filing, user)
    _check_learned_on(ctx, filing)
    complaint = Complaint(
        kind=filing.kind, tracking_code=_tracking_code(ctx, filing.kind), instance_level=1,
        handling_unit_id=handler, complainant_name=filing.full_name, complainant_contact=filing.contact,
        complainant_address=filing.address, complainant_user_id=user.id if user is not None else None,
        public=public, content=filing.content,
        remote_area=filing.remote_area or _in_remote_area(ctx, _places(ctx, filing, handler)),
        learned_on=filing.learned_on, status=ComplaintStatus.RECEIVED, filed_at=ctx.clock.now(),
        **{filing.subject_field: filing.subject_id},
    )
    ctx.session.add(complaint)
    ctx.session.flush()
    for stream, name in files:
        _store_document(ctx, complaint, stream, name)
    _event(ctx, AuditAction.COMPLAINT_FILED, complaint, {"kind": complaint.kind.value,
                                                         "subject": _subject_of(complaint),
                                                         "handling_unit": handler, "public": public})
    _start(ctx, complaint)
    return complaint


def escalate(ctx: Context, complaint_id: int, content: str | None = None) -> Complaint:
    """The complainant takes a first-instance complaint to the next reviewing level up (a denouncer
    their denunciation: tố cáo tiếp), once it has a result or once its resolution period has ended
    without one; `content` (None: the first one's) is checked by `read_escalation`."""
    user = require_actor(ctx.actor)
    first = get_complaint(ctx, complaint_id, for_update=True)
    if first.complainant_user_id != user.id:
        raise Forbidden("Chỉ người gửi đơn được khiếu nại lần hai hoặc tố cáo tiếp.")
    return _escalate(ctx, first, read_escalation(content), user)


def escalate_public(ctx: Context, raw: Any, *, address: str | None) -> Complaint:
    """A public filer takes their complaint to the second instance with its tracking code and the secret
    shown at filing. Attempts are counted per address before anything is read (guessing secrets is
    throttled); a wrong code and a wrong secret get the same answer."""
    throttle(ctx, PUBLIC_ESCALATION, address)
    with ctx.session.begin_nested():
        request = read_public_escalation(raw)
        stmt = select(Complaint).where(Complaint.tracking_code == request.tracking_code.strip().upper())
        if is_postgres(ctx.session):
            stmt = stmt.with_for_update().execution_options(populate_existing=True)
        first = ctx.session.scalar(stmt)
        digest = _secret_digest(request.secret)
        if first is None or first.secret_hash is None or not hmac.compare_digest(first.secret_hash, digest):
            raise NotFound("Mã theo dõi hoặc mã bí mật không đúng.")
        return _escalate(ctx, first, request.content, None)


def _escalate(ctx: Context, first: Complaint, content: str | None, user: User | None) -> Complaint:
    """A complaint's second instance (khiếu nại lần hai), or a denunciation denounced again to the level
    above (tố cáo tiếp), when it is overdue or thought wrongly resolved; once, to the level directly above."""
    denunciation = first.kind == ComplaintKind.DENUNCIATION
    step = "tố cáo tiếp" if denunciation else "khiếu nại lần hai"
    if first.instance_level != 1:
        raise Conflict(f"Đơn này đã là đơn {step}.")
    if denunciation:
        if escalation_opens(ctx, first) is None:  # no time limit once open (none in the law that we know of)
            raise Conflict("Chỉ được tố cáo tiếp khi tố cáo đã có kết luận hoặc đã quá thời hạn giải quyết "
                           "mà chưa có kết luận.")
    else:
        deadline = escalation_deadline(ctx, first)
        if deadline is None:
            raise Conflict("Khiếu nại lần đầu chưa có kết quả giải quyết và chưa hết thời hạn giải quyết.")
        if local_today(ctx.clock) > deadline:
            raise Conflict(f"Đã hết thời hạn khiếu nại lần hai (đến hết ngày {deadline:%d/%m/%Y}).")
    if ctx.session.scalar(select(exists().where(Complaint.parent_id == first.id))):
        raise Conflict(f"Đơn này đã được {step}.")
    handler = _first_reviewer(ctx, first.handling_unit_id)
    if handler is None:
        raise Conflict(f"Không có cấp trên để {step}.")
    second = Complaint(
        kind=first.kind, tracking_code=_tracking_code(ctx, first.kind), instance_level=2, parent_id=first.id,
        decision_id=first.decision_id, nomination_id=first.nomination_id, dossier_id=first.dossier_id,
        handling_unit_id=handler, complainant_name=first.complainant_name,
        complainant_contact=first.complainant_contact, complainant_address=first.complainant_address,
        complainant_user_id=user.id if user is not None else None,
        public=user is None, content=content or first.content,
        remote_area=first.remote_area or _in_remote_area(ctx, [handler]), learned_on=first.learned_on,
        status=ComplaintStatus.RECEIVED, filed_at=ctx.clock.now(),
    )
    ctx.session.add(second)
    ctx.session.flush()
    action = AuditAction.DENUNCIATION_RENEWED if denunciation else AuditAction.COMPLAINT_ESCALATED
    _event(ctx, action, second, {"parent_id": first.id, "subject": _subject_of(second),
                                                          "handling_unit": handler, "instance_level": 2,
                                                          "first_resolved": first.status == ComplaintStatus.RESOLVED})
    _start(ctx, second)
    return second


# ---- documents ------------------------------------------------------------------------------------

def _store_document(ctx: Context, complaint: Complaint, stream: BinaryIO, filename: str | None) -> ComplaintAttachment:
    """Store a document as a dossier's are (too large: 413, not PDF, DOCX, XLSX, JPEG, PNG by content:
    415), then its row."""
    stored = attachment_store(ctx.settings).put_upload(stream, ctx.settings.max_upload_bytes)
    attachment = ComplaintAttachment(filename=clean_upload_name(filename, stored.content_type),
                                     content_type=stored.content_type, size=stored.size, sha256=stored.sha256,
                                     uploaded_at=ctx.clock.now())
    complaint.attachments.append(attachment)
    ctx.session.flush()
    _event(ctx, AuditAction.COMPLAINT_DOCUMENT_ADDED, complaint, {
        "filename": attachment.filename, "size": attachment.size, "sha256": attachment.sha256})
    return attachment


def attach_to_complaint(ctx: Context, complaint_id: int, stream: BinaryIO, filename: str | None) -> ComplaintAttachment:
    """The logged-in filer adds a document to their filing while it is not yet resolved or refused."""
    user = require_actor(ctx.actor)
    complaint = get_complaint(ctx, complaint_id, for_update=True)
    if complaint.complainant_user_id != user.id:
        raise Forbidden("Chỉ người gửi đơn được đính kèm tài liệu vào đơn.")
    if complaint.status in (ComplaintStatus.RESOLVED, ComplaintStatus.REFUSED):
        raise Conflict("Đơn đã được giải quyết hoặc không được thụ lý; không đính kèm thêm tài liệu.")
    if len(complaint.attachments) >= MAX_ATTACHMENTS:
        raise InvalidInput("Đã đủ số tài liệu.", {"file": f"Đính kèm tối đa {MAX_ATTACHMENTS} tệp."})
    return _store_document(ctx, complaint, stream, filename)


ACCEPTANCE_TASK = "accept_denunciation"  # denunciation.bpmn


def extend_acceptance(ctx: Context, complaint_id: int, raw: Any) -> Complaint:
    """Extend a denunciation's initial handling, once, to the rules' longest period
    (`acceptance.denunciation_extended`: 10 working days from receipt, Luật Tố cáo 2018 Art. 24(1)) when
    the checks are needed in several places; by a complaint officer or the head of the handling unit,
    with a reason, while the acceptance is open and its period has not passed. The task's due day moves;
    the timers of denunciation.bpmn read the new day (complaint.alert_acceptance_overdue)."""
    reason = read_acceptance_extension(raw)
    user = require_actor(ctx.actor)
    complaint = get_complaint(ctx, complaint_id, for_update=True)
    if not (is_admin(ctx.session, user) or any(holds_role(ctx.session, user, role, complaint.handling_unit_id)
                                               for role in (Role.COMPLAINT_OFFICER, Role.HEAD))):
        raise Forbidden("Chỉ cán bộ giải quyết khiếu nại, tố cáo hoặc thủ trưởng đơn vị giải quyết được gia hạn.")
    if complaint.kind != ComplaintKind.DENUNCIATION:
        raise Conflict("Chỉ thời hạn xử lý ban đầu của đơn tố cáo được gia hạn.")
    task = ctx.session.scalars(select(HumanTask).where(
        HumanTask.complaint_id == complaint.id, HumanTask.key == ACCEPTANCE_TASK,
        HumanTask.state == HumanTaskState.READY)).first()
    if complaint.status != ComplaintStatus.RECEIVED or task is None or complaint.acceptance_due_on is None:
        raise Conflict("Đơn tố cáo không còn chờ thụ lý.")
    catalogue, calendar = load_rules(ctx.settings.rules_dir)
    received = complaint.filed_at.astimezone(LOCAL_TZ).date()
    rules = catalogue.on(received).complaints
    longer = rules.acceptance.get(DENUNCIATION_EXTENDED) if rules is not None else None
    if longer is None:
        raise Conflict("Quy định đang áp dụng không cho phép gia hạn thời hạn xử lý ban đầu tố cáo.")
    extended = longer.last_day(received, calendar)
    if complaint.acceptance_due_on >= extended:
        raise Conflict(f"Thời hạn xử lý ban đầu đã được gia hạn đến hết ngày {extended:%d/%m/%Y}.")
    if ctx.clock.now() > end_of_day(complaint.acceptance_due_on):
        raise Conflict(f"Thời hạn xử lý ban đầu đã hết ngày {complaint.acceptance_due_on:%d/%m/%Y}; "
                       "không thể gia hạn sau khi đã hết hạn.")
    before = complaint.acceptance_due_on
    complaint.acceptance_due_on = extended
    task.due_at = end_of_day(extended)
    ctx.session.flush()
    audit.record(ctx, AuditAction.DENUNCIATION_ACCEPTANCE_EXTENDED, "complaint", complaint.id,
                 before={"due_on": before.isoformat()},
                 after={"due_on": extended.isoformat(), "working_days": longer.days, "basis": longer.basis},
                 reason=reason, unit_id=complaint.handling_unit_id, complaint_id=complaint.id)
    return complaint
