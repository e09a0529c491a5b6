"""Reading complaints and denunciations: those a handler handles or a complainant filed (with their
open tasks and what they are about), the public status by tracking code, and the deadline for the
second instance."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.sql import ColumnElement

from engine.clock import LOCAL_TZ, local_today
from engine.context import Context
from engine.db import is_postgres
from engine.errors import NotFound
from engine.models import (
    Complaint,
    ComplaintAttachment,
    ComplaintKind,
    ComplaintStatus,
    Decision,
    Dossier,
    HumanTask,
    HumanTaskState,
    Nomination,
    Revocation,
    Role,
    RoleGrant,
    User,
)
from engine.operations.access import is_admin, require_actor
from engine.operations.paging import Page, paginate
from engine.operations.readmodels import Extended, by_id
from engine.operations.throttle import RateLimit, throttle
from engine.rules import load_rules
from engine.storage import NamedFile, attachment_store, with_type_extension

PUBLIC_LOOKUP = RateLimit("public-complaint-status", limit=60, window=timedelta(hours=1))  # reads: lighter


HANDLERS = (Role.COMPLAINT_OFFICER, Role.HEAD)  # who sees the complaints of their unit


def handles_complaints(ctx: Context, user: User) -> bool:
    """Complaint officers, heads and administrators see the complaints of their units."""
    return bool(ctx.session.scalar(select(exists().where(
        RoleGrant.user_id == user.id, RoleGrant.role.in_(HANDLERS))))) or is_admin(ctx.session, user)


def _visible(user: User) -> ColumnElement[bool]:
    """SQL filter: the user's own complaints and those of the units where they handle complaints."""
    handled = select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id, RoleGrant.role.in_(HANDLERS))
    return or_(Complaint.complainant_user_id == user.id, Complaint.handling_unit_id.in_(handled))


def list_complaints(ctx: Context, *, status: ComplaintStatus | str | None = None,
                    kind: ComplaintKind | str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Complaints the caller handles or filed, newest first (all of them for administrators)."""
    user = require_actor(ctx.actor)
    stmt = select(Complaint)
    if not is_admin(ctx.session, user):
        stmt = stmt.where(_visible(user))
    if status is not None:
        stmt = stmt.where(Complaint.status == ComplaintStatus(status))
    if kind is not None:
        stmt = stmt.where(Complaint.kind == ComplaintKind(kind))
    stmt = stmt.order_by(Complaint.filed_at.desc(), Complaint.id.desc()).options(selectinload(Complaint.handling_unit))
    return paginate(ctx.session, stmt, page, per_page)


def get_complaint(ctx: Context, complaint_id: int, *, for_update: bool = False) -> Complaint:
    """The complaint if the caller handles it or filed it; NotFound otherwise (absent and invisible alike)."""
    user = require_actor(ctx.actor)
    stmt = select(Complaint).where(Complaint.id == complaint_id)
    if not is_admin(ctx.session, user):
        stmt = stmt.where(_visible(user))
    if for_update and is_postgres(ctx.session):
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    complaint = ctx.session.scalar(stmt)
    if complaint is None:
        raise NotFound(f"Không tìm thấy đơn số {complaint_id}.")
    return complaint


@dataclass(frozen=True)
class ComplaintSubject:
    """What a complaint is about, for a reader, and where to read it: a dossier's page, or the
    decisions of a year."""

    text: str
    dossier_id: int | None = None
    decision_year: int | None = None


@dataclass(frozen=True)
class ComplaintView(Extended[Complaint]):
    """A complaint with its tasks waiting (oldest first) and what it is about."""

    open_tasks: list[HumanTask]
    subject: ComplaintSubject


def views_of(ctx: Context, complaints: list[Complaint]) -> list[ComplaintView]:
    """Views of these complaints; tasks and subjects loaded in one query per kind."""
    ids = [c.id for c in complaints]
    tasks: dict[int, list[HumanTask]] = {i: [] for i in ids}
    for task in ctx.session.scalars(select(HumanTask).where(
            HumanTask.complaint_id.in_(ids), HumanTask.state == HumanTaskState.READY).order_by(HumanTask.id)):
        tasks[task.complaint_id].append(task)  # type: ignore[index]
    subjects = _subjects(ctx, complaints)
    return [ComplaintView(c, tasks[c.id], subjects[c.id]) for c in complaints]


def complaint_page(ctx: Context, *, status: ComplaintStatus | str | None = None,
                   kind: ComplaintKind | str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """`list_complaints` as views."""
    found = list_complaints(ctx, status=status, kind=kind, page=page, per_page=per_page)
    return Page(views_of(ctx, found.items), found.total, found.page, found.per_page)


def complaint_view(ctx: Context, complaint_id: int) -> ComplaintView:
    return views_of(ctx, [get_complaint(ctx, complaint_id)])[0]


def instances_of(ctx: Context, complaint: Complaint) -> tuple[Complaint | None, Complaint | None]:
    """The first instance this one continues, and the second instance that continued it."""
    parent = ctx.session.get(Complaint, complaint.parent_id) if complaint.parent_id is not None else None
    return parent, ctx.session.scalar(select(Complaint).where(Complaint.parent_id == complaint.id))


def _subjects(ctx: Context, complaints: list[Complaint]) -> dict[int, ComplaintSubject]:
    session = ctx.session
    decisions = by_id(session, Decision, (c.decision_id for c in complaints), selectinload(Decision.issuer))
    nominations = by_id(session, Nomination, (c.nomination_id for c in complaints))
    dossiers = by_id(session, Dossier, (c.dossier_id for c in complaints))
    subjects = {}
    for c in complaints:
        if c.decision_id is not None:
            decision = decisions.get(c.decision_id)
            subjects[c.id] = ComplaintSubject(f"Quyết định số {c.decision_id}") if decision is None else \
                ComplaintSubject(f"Quyết định số {decision.label} của {decision.issuer.name}",
                                 decision_year=decision.year)
        elif c.nomination_id is not None:
            nomination = nominations.get(c.nomination_id)
            subjects[c.id] = ComplaintSubject(f"Đề nghị số {c.nomination_id}") if nomination is None else \
                ComplaintSubject(f"Đề nghị khen thưởng {nomination.nominee_name}", dossier_id=nomination.dossier_id)
        else:
            dossier = dossiers.get(c.dossier_id) if c.dossier_id is not None else None
            subjects[c.id] = ComplaintSubject(f"Hồ sơ số {c.dossier_id}") if dossier is None else \
                ComplaintSubject(f"Hồ sơ «{dossier.title}»", dossier_id=dossier.id)
    return subjects


@dataclass(frozen=True)
class TaskCase:
    """The case a complaint, denunciation or revocation task is about, as its task page and inbox row
    show it, so that two such tasks never look alike: its code, what it is about (with a link), who
    filed it, what they wrote, when it came in and when it is due."""

    kind: str  # the Vietnamese label of the case: "khiếu nại", "tố cáo", "hủy bỏ khen thưởng"
    code: str  # the complaint's tracking code, or the revocation's number
    subject: ComplaintSubject
    party: str  # the complainant, or who proposed the revocation
    content: str  # what the complainant wrote, or the revocation's ground and reason
    filed_at: datetime
    due_on: date | None = None
    complaint_id: int | None = None  # the complaint's page, when it is one


def cases_of_tasks(ctx: Context, tasks: list[HumanTask]) -> dict[int, TaskCase]:
    """The case of every complaint, denunciation and revocation task among these, by task id (tasks of
    a dossier have none); one query per kind. Callers show it only with a task the reader may see."""
    complaints = by_id(ctx.session, Complaint, (t.complaint_id for t in tasks))
    subjects = _subjects(ctx, list(complaints.values()))
    cases: dict[int, TaskCase] = {}
    for task in tasks:
        complaint = complaints.get(task.complaint_id) if task.complaint_id is not None else None
        if complaint is not None:
            cases[task.id] = TaskCase(complaint.kind.label, complaint.tracking_code, subjects[complaint.id],
                                      complaint.complainant_name, complaint.content, complaint.filed_at,
                                      complaint.due_on, complaint.id)
    rest = {t.instance_id: t.id for t in tasks if t.complaint_id is None and t.dossier_id is None}
    if rest:
        revocations = list(ctx.session.scalars(select(Revocation).where(Revocation.instance_id.in_(rest))))
        decisions = by_id(ctx.session, Decision, (r.decision_id for r in revocations), selectinload(Decision.issuer))
        nominations = by_id(ctx.session, Nomination, (i for r in revocations for i in r.nomination_ids))
        users = by_id(ctx.session, User, (r.created_by_id for r in revocations))
        for revocation in revocations:
            decision = decisions[revocation.decision_id]
            names = ", ".join(nominations[i].nominee_name for i in revocation.nomination_ids if i in nominations)
            subject = ComplaintSubject(f"Quyết định số {decision.label} của {decision.issuer.name}: {names}",
                                       decision_year=decision.year)
            creator = users.get(revocation.created_by_id) if revocation.created_by_id is not None else None
            content = "; ".join(part for part in (revocation.ground.label if revocation.ground else "",
                                                   revocation.reason or "") if part)
            cases[rest[revocation.instance_id]] = TaskCase(  # type: ignore[index]
                "hủy bỏ khen thưởng", f"số {revocation.id}", subject,
                creator.full_name if creator else "theo kết quả giải quyết khiếu nại, tố cáo", content,
                revocation.created_at, complaint_id=revocation.complaint_id)
    return cases


def _local_day(at: datetime | None) -> date | None:
    return at.astimezone(LOCAL_TZ).date() if at is not None else None


def public_status(ctx: Context, tracking_code: str, *, address: str | None = None) -> dict[str, Any]:
    """Where a complaint stands, for whoever holds its tracking code: nothing personal, no content."""
    throttle(ctx, PUBLIC_LOOKUP, address)
    code = tracking_code.strip().upper()
    complaint = ctx.session.scalar(select(Complaint).where(Complaint.tracking_code == code))
    if complaint is None:
        raise NotFound("Không tìm thấy đơn có mã theo dõi này.")
    return {"tracking_code": complaint.tracking_code, "kind": complaint.kind.value,
            "status": complaint.status.value, "instance_level": complaint.instance_level,
            "filed_on": _local_day(complaint.filed_at), "due_on": complaint.due_on,
            "resolved_on": _local_day(complaint.resolved_at), "outcome": complaint.outcome}


def escalation_opens(ctx: Context, complaint: Complaint) -> date | None:
    """The day the second-instance window counts from: the first-instance result's, or the last day of
    its resolution period when that has passed without a result; None while neither has happened."""
    if complaint.status == ComplaintStatus.RESOLVED and complaint.resolved_at is not None:
        return complaint.resolved_at.astimezone(LOCAL_TZ).date()
    if (complaint.status == ComplaintStatus.INVESTIGATING and complaint.due_on is not None
            and local_today(ctx.clock) > complaint.due_on):
        return complaint.due_on
    return None


def escalation_deadline(ctx: Context, complaint: Complaint) -> date | None:
    """The last day to take a first-instance complaint to the second instance (Luật Khiếu nại 2011
    Art. 33(1); the days, longer in remote areas, are rules data), or None while it cannot be (and
    always for a denunciation, whose re-denunciation has no time limit)."""
    opens = escalation_opens(ctx, complaint)
    if opens is None or complaint.kind != ComplaintKind.COMPLAINT:
        return None
    catalogue, _ = load_rules(ctx.settings.rules_dir)
    rules = catalogue.on(opens).complaints
    assert rules is not None
    return opens + timedelta(days=rules.escalation.days(complaint.remote_area))


def attachment_file(ctx: Context, complaint_id: int, attachment_id: int) -> NamedFile:
    """A document filed with a complaint, for whoever may read the complaint (its handlers, its filer)."""
    complaint = get_complaint(ctx, complaint_id)
    attachment = ctx.session.get(ComplaintAttachment, attachment_id)
    if attachment is None or attachment.complaint_id != complaint.id:
        raise NotFound(f"Đơn không có tài liệu số {attachment_id}.")
    return NamedFile(attachment_store(ctx.settings).open(attachment.sha256),
                     with_type_extension(attachment.filename, attachment.content_type), attachment.content_type)
