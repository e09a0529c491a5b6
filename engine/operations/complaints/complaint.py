"""The steps of the `complaint` and `denunciation` processes, and the freeze/release of nominations
they cause in the dossier's process (messages `nomination_frozen` / `nomination_released`)."""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from engine import audit
from engine.clock import LOCAL_TZ, end_of_day, local_today
from engine.context import Context, current_context
from engine.errors import InvalidInput, NotFound
from engine.models import (
    Complaint,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintStatus,
    Decision,
    Dossier,
    HumanTask,
    InstanceStatus,
    Nomination,
    NominationStatus,
    ProcessInstance,
    RevocationGround,
    Role,
    User,
)
from engine.operations.access import users_with_role
from engine.operations.complaints.inputs import form_day
from engine.operations.complaints.revocation import start_revocation
from engine.operations.hooks import Outcome, before_complete, prefill
from engine.operations.notifications import notify
from engine.operations.processes import send_message
from engine.rules import load_rules
from engine.rules.catalogue import DENUNCIATION_EXTENDED
from engine.runtime.helpers import register
from engine.vocabulary import AuditAction


def _complaint(ctx: Context, complaint_id: int) -> Complaint:
    complaint = ctx.session.get(Complaint, int(complaint_id))
    if complaint is None:
        raise NotFound(f"Không có đơn số {complaint_id}.")
    return complaint


def _deadlines(ctx: Context, complaint: Complaint) -> Any:

    catalogue, _ = load_rules(ctx.settings.rules_dir)
    return catalogue.on(complaint.filed_at.date()).complaints


def due_on(ctx: Context, complaint: Complaint, accepted: date) -> date:
    """The statutory deadline in calendar days from acceptance."""
    rules = _deadlines(ctx, complaint)
    if complaint.kind == ComplaintKind.DENUNCIATION:
        return accepted + timedelta(days=rules.denunciation + rules.extension * complaint.extensions)
    return accepted + timedelta(days=rules.resolution_days(complaint.instance_level, complaint.complex,
                                                           complaint.remote_area))


def _event(ctx: Context, action: AuditAction, complaint: Complaint, after: dict[str, Any],
           reason: str | None = None) -> None:
    audit.record(ctx, action, "complaint", complaint.id, after=after, reason=reason,
                 unit_id=complaint.handling_unit_id, complaint_id=complaint.id)


def _tell_complainant(ctx: Context, complaint: Complaint, title: str, body: str) -> None:
    if complaint.complainant_user_id is not None:
        user = ctx.session.get(User, complaint.complainant_user_id)
        notify(ctx, [user] if user else [], None, title, f"{body} (mã theo dõi {complaint.tracking_code})")


# ---- acceptance ------------------------------------------------------------------------------------

@register()
def receive_complaint_case(complaint_id: int) -> str:
    """The filing is received: the period to accept or refuse it starts (its length, how its days count
    and its legal basis are rules data). Returns the end of its last day (ISO time)."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    catalogue, calendar = load_rules(ctx.settings.rules_dir)
    received = complaint.filed_at.astimezone(LOCAL_TZ).date()
    rules = catalogue.on(received).complaints
    assert rules is not None, "every rules version has complaint deadlines"
    complaint.acceptance_due_on = rules.acceptance[complaint.kind.value].last_day(received, calendar)
    return end_of_day(complaint.acceptance_due_on).isoformat()


@register()
def latest_acceptance_due(complaint_id: int) -> str:
    """The end of the longest period the acceptance may be extended to (a denunciation's initial handling,
    `acceptance.denunciation_extended`), else of the period itself: the second timer on the acceptance
    task, which alerts only when the officer extended the period and it passed too."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    catalogue, calendar = load_rules(ctx.settings.rules_dir)
    received = complaint.filed_at.astimezone(LOCAL_TZ).date()
    rules = catalogue.on(received).complaints
    assert rules is not None and complaint.acceptance_due_on is not None
    longer = rules.acceptance.get(DENUNCIATION_EXTENDED) if complaint.kind == ComplaintKind.DENUNCIATION else None
    return end_of_day(longer.last_day(received, calendar) if longer else complaint.acceptance_due_on).isoformat()


@register()
def alert_acceptance_overdue(complaint_id: int) -> None:
    """The filing was neither accepted nor refused in time: flag it, tell the handling unit's complaint
    officers and its head (the task stays open: a late decision is still due). A timer reaching a day the
    officer has since extended (`commands.extend_acceptance`), or a filing flagged already, does nothing."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    assert complaint.acceptance_due_on is not None
    if complaint.acceptance_overdue or ctx.clock.now() < end_of_day(complaint.acceptance_due_on):
        return
    complaint.acceptance_overdue = True
    assert complaint.acceptance_due_on is not None
    _event(ctx, AuditAction.COMPLAINT_ACCEPTANCE_OVERDUE, complaint, {"due_on": str(complaint.acceptance_due_on)})
    unit = complaint.handling_unit_id
    people = {u.id: u for role in (Role.COMPLAINT_OFFICER, Role.HEAD) for u in users_with_role(ctx, role, unit)}
    notify(ctx, list(people.values()), None, "Quá hạn thụ lý đơn",
           f"Đơn {complaint.tracking_code} chưa được xem xét thụ lý trong thời hạn "
           f"(đến hết ngày {complaint.acceptance_due_on:%d/%m/%Y}).")


def _accept(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    assert task.complaint_id is not None
    complaint = _complaint(ctx, task.complaint_id)
    complaint.complex = bool(data.get("complex"))
    complaint.especially_complex = bool(data.get("especially_complex"))
    complaint.remote_area = bool(data.get("remote_area", complaint.remote_area))
    if complaint.kind == ComplaintKind.COMPLAINT:
        decision = ctx.session.get(Decision, complaint.decision_id) if complaint.decision_id else None
        complaint.learned_on = _checked_learned_on(complaint, decision, data.get("learned_on"))
        start = complaint.learned_on or (decision.signed_on if decision is not None else None)
        limit = _deadlines(ctx, complaint).filing
        filed_on = complaint.filed_at.astimezone(LOCAL_TZ).date()
        if data["outcome"] == "accept" and start is not None and filed_on > start + timedelta(days=limit):
            # Refused at acceptance, whatever the officer chose: the law gives no discretion here.
            since = ("ngày nhận được hoặc biết được quyết định" if complaint.learned_on is not None
                     else "ngày ban hành quyết định")
            reason = (f"Quá thời hiệu khiếu nại: đơn nộp ngày {filed_on:%d/%m/%Y}, sau {limit} ngày kể từ "
                      f"{since} ({start:%d/%m/%Y}).")
            complaint.reason = reason
            return Outcome({**data, "outcome": "reject", "reason": reason})
    complaint.reason = data.get("reason")
    return Outcome(data)


def _checked_learned_on(complaint: Complaint, decision: Decision | None, given: Any) -> date | None:
    """The officer's date (dd/mm/yyyy) when given, else the filer's: not after the filing, not before
    the decision was signed."""
    day = form_day(given, "learned_on") or complaint.learned_on
    filed_on = complaint.filed_at.astimezone(LOCAL_TZ).date()
    if day is not None and day > filed_on:
        raise InvalidInput("Ngày nhận được hoặc biết được quyết định không hợp lệ.",
                           {"learned_on": f"Không được sau ngày nhận đơn ({filed_on:%d/%m/%Y})."})
    if day is not None and decision is not None and day < decision.signed_on:
        raise InvalidInput("Ngày nhận được hoặc biết được quyết định không hợp lệ.", {
            "learned_on": f"Không được trước ngày ký quyết định ({decision.signed_on:%d/%m/%Y})."})
    return day


@prefill("complaint", "accept_complaint")
def _accept_prefill(ctx: Context, task: HumanTask) -> dict[str, Any]:
    """What the filer said, for the officer to check: the day they learned of the decision (else its
    signing date, the earliest it can be) and whether they are in a remote area."""
    assert task.complaint_id is not None
    complaint = _complaint(ctx, task.complaint_id)
    decision = ctx.session.get(Decision, complaint.decision_id) if complaint.decision_id else None
    day = complaint.learned_on or (decision.signed_on if decision is not None else None)
    return {"remote_area": complaint.remote_area, **({"learned_on": f"{day:%d/%m/%Y}"} if day else {})}


before_complete("complaint", "accept_complaint")(_accept)
before_complete("denunciation", "accept_denunciation")(_accept)


@register()
def open_complaint_case(complaint_id: int) -> str:
    """Accepted: the clock starts, and a nomination still under review is frozen."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    complaint.status = ComplaintStatus.INVESTIGATING
    complaint.accepted_on = local_today(ctx.clock)
    complaint.due_on = due_on(ctx, complaint, complaint.accepted_on)
    _event(ctx, AuditAction.COMPLAINT_ACCEPTED, complaint, {"due_on": str(complaint.due_on),
                                                            "complex": complaint.complex,
                                                            "remote_area": complaint.remote_area})
    nomination = _nomination_under_review(ctx, complaint)
    if nomination is not None:
        complaint.froze_nomination = True
        _message(ctx, nomination, "nomination_frozen", {"nomination_id": nomination.id, "complaint_id": complaint.id})
    _tell_complainant(ctx, complaint, "Đơn đã được thụ lý",
                      f"Đơn đã được thụ lý; thời hạn giải quyết đến ngày {complaint.due_on:%d/%m/%Y}")
    return end_of_day(complaint.due_on).isoformat()


def _nomination_under_review(ctx: Context, complaint: Complaint) -> Nomination | None:
    if complaint.nomination_id is None:
        return None
    nomination = ctx.session.get(Nomination, complaint.nomination_id)
    if nomination is None or nomination.status != NominationStatus.PENDING:
        return None
    dossier = ctx.session.get(Dossier, nomination.dossier_id)
    instance = ctx.session.get(ProcessInstance, dossier.instance_id) if dossier and dossier.instance_id else None
    return nomination if instance is not None and instance.status == InstanceStatus.RUNNING else None


def _message(ctx: Context, nomination: Nomination, name: str, payload: dict[str, Any]) -> None:

    dossier = ctx.session.get(Dossier, nomination.dossier_id)
    assert dossier is not None and dossier.instance_id is not None
    send_message(ctx, dossier.instance_id, name, payload)


@register()
def refuse_complaint_case(complaint_id: int) -> None:
    """The case is not accepted: close it with the reason and tell the complainant."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    complaint.status, complaint.resolved_at = ComplaintStatus.REFUSED, ctx.clock.now()
    _event(ctx, AuditAction.COMPLAINT_REFUSED, complaint, {}, reason=complaint.reason)
    _tell_complainant(ctx, complaint, "Đơn không được thụ lý", f"Đơn không được thụ lý: {complaint.reason}")


@register()
def escalate_complaint_case(complaint_id: int) -> None:
    """The handling deadline passed: flag the case and tell the head of the handling unit."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    complaint.overdue = True
    _event(ctx, AuditAction.COMPLAINT_OVERDUE, complaint, {"due_on": str(complaint.due_on)})
    notify(ctx, users_with_role(ctx, Role.HEAD, complaint.handling_unit_id), None, "Quá hạn giải quyết đơn",
           f"Đơn {complaint.tracking_code} đã quá thời hạn giải quyết ({complaint.due_on:%d/%m/%Y}).")


# ---- denunciation extensions -----------------------------------------------------------------------

@before_complete("denunciation", "investigate")
def _investigate_denunciation(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    assert task.complaint_id is not None
    complaint = _complaint(ctx, task.complaint_id)
    if data.get("request_extension"):
        limits = _deadlines(ctx, complaint).max_extensions
        allowed = (limits["especially_complex"] if complaint.especially_complex else
                   limits["complex"] if complaint.complex else 0)
        if complaint.extensions >= allowed:
            raise InvalidInput("Không được gia hạn thêm.", {"request_extension": (
                f"Vụ việc này được gia hạn tối đa {allowed} lần; đã gia hạn {complaint.extensions} lần.")})
    return Outcome(data)


@register()
def extend_complaint_case(complaint_id: int) -> str:
    """Extend a denunciation's deadline once more and tell the parties; returns the new due time (ISO)."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    complaint.extensions += 1
    assert complaint.accepted_on is not None
    complaint.due_on = due_on(ctx, complaint, complaint.accepted_on)
    complaint.overdue = False
    _event(ctx, AuditAction.COMPLAINT_EXTENDED, complaint,
           {"extensions": complaint.extensions, "due_on": str(complaint.due_on)})
    _tell_complainant(ctx, complaint, "Gia hạn giải quyết tố cáo",
                      f"Thời hạn giải quyết được gia hạn đến ngày {complaint.due_on:%d/%m/%Y}")
    return end_of_day(complaint.due_on).isoformat()


# ---- resolution ------------------------------------------------------------------------------------

def _resolve(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    assert task.complaint_id is not None
    complaint = _complaint(ctx, task.complaint_id)
    outcome = ComplaintOutcome(data["outcome"])  # one of the form's choices, checked before this hook
    if data.get("revoke") and (not outcome.upholds or _decision_of(ctx, complaint) is None):
        raise InvalidInput("Không thể hủy bỏ khen thưởng.", {"revoke": (
            "Chỉ hủy bỏ khi khiếu nại, tố cáo đúng và đối tượng là khen thưởng đã có quyết định.")})
    complaint.outcome, complaint.revoke, complaint.reason = outcome, bool(data.get("revoke")), data["reason"]
    return Outcome(data)


before_complete("complaint", "resolve_complaint")(_resolve)
before_complete("denunciation", "resolve_denunciation")(_resolve)


def _decision_of(ctx: Context, complaint: Complaint) -> Decision | None:
    decision_id = complaint.decision_id
    if decision_id is None and complaint.nomination_id is not None:
        nomination = ctx.session.get(Nomination, complaint.nomination_id)
        decision_id = nomination.decision_id if nomination else None
    return ctx.session.get(Decision, decision_id) if decision_id else None


@register()
def close_complaint_case(complaint_id: int) -> None:
    """Release (or reject) a frozen nomination, start the revocation if decided, tell the complainant."""
    ctx = current_context()
    complaint = _complaint(ctx, complaint_id)
    complaint.status, complaint.resolved_at = ComplaintStatus.RESOLVED, ctx.clock.now()
    assert complaint.outcome is not None, "set by the resolve task"
    upheld = complaint.outcome.upholds
    if complaint.froze_nomination and complaint.nomination_id is not None:
        nomination = ctx.session.get(Nomination, complaint.nomination_id)
        if nomination is not None and nomination.status == NominationStatus.FROZEN:
            _message(ctx, nomination, "nomination_released", {
                "nomination_id": nomination.id, "complaint_id": complaint.id, "reject": upheld,
                "reason": f"Khiếu nại, tố cáo {complaint.tracking_code} được kết luận đúng: {complaint.reason}"})
    _event(ctx, AuditAction.COMPLAINT_RESOLVED, complaint, {"outcome": complaint.outcome, "revoke": complaint.revoke},
           reason=complaint.reason)
    if complaint.revoke:
        decision = _decision_of(ctx, complaint)
        assert decision is not None
        nominations = ([complaint.nomination_id] if complaint.nomination_id else
                       [n.id for n in ctx.session.query(Nomination).filter_by(decision_id=decision.id)])
        start_revocation(ctx, decision.id, nominations, RevocationGround.CRITERIA_NOT_MET, complaint.reason or "",
                         complaint_id=complaint.id)
    _tell_complainant(ctx, complaint, "Kết quả giải quyết đơn",
                      f"Kết quả: {complaint.outcome.label}. {complaint.reason}")


# ---- in the dossier's process ---------------------------------------------------------------------


