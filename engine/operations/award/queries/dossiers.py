"""Reading dossiers: the list a caller may see, one dossier with what is shown beside it (open
tasks, decisions), its attachments, audit trail and process diagram, and the documents it still
lacks before it may be submitted."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import selectinload

from engine.clock import local_today
from engine.context import Context
from engine.errors import InvalidInput, NotFound
from engine.models import (
    Attachment,
    AttachmentKind,
    AuditEvent,
    Decision,
    Dossier,
    DossierStatus,
    HumanTask,
    HumanTaskState,
    Nomination,
    ProcessInstance,
    Role,
)
from engine.operations.access import council_readers, require_actor
from engine.operations.award.queries.access import visible_dossier, visible_dossiers
from engine.operations.award.queries.catalogue import rules_on
from engine.operations.award.queries.search import NEWEST_FIRST, search_page
from engine.operations.paging import Page, paginate
from engine.operations.readmodels import Extended
from engine.rules.eligibility import achievement_conflict
from engine.runtime import Step
from engine.storage import NamedFile, attachment_store, with_type_extension
from engine.text import fold
from engine.vocabulary import AuditAction

# Documents that speak for the whole batch: one at dossier level serves every nomination.
BATCH_DOCUMENTS = frozenset({AttachmentKind.SUBMISSION, AttachmentKind.COUNCIL_MINUTES})
# What a dossier's summary shows beside its columns, loaded with the page rather than row by row.
SUMMARY = (selectinload(Dossier.proposing_unit), selectinload(Dossier.reviewing_unit),
           selectinload(Dossier.nominations))
# The list counts its matches up to this many rows past the page's first: a registry of 100,000 dossiers
# says "hơn …" instead of counting every one on every page (`Page.capped`; the total is then a floor).
LIST_COUNT_CAP = 1000


def get_dossier(ctx: Context, dossier_id: int) -> Dossier:
    return visible_dossier(ctx, dossier_id)[1]


def list_dossiers(ctx: Context, *, status: DossierStatus | str | None = None, unit: int | None = None,
                  year: int | None = None, award_type: str | None = None, q: str | None = None,
                  page: int = 1, per_page: int = 20) -> Page:
    """Dossiers the caller may see, newest first. `unit`: proposed by or now reviewed at that unit.
    `q` matches the title or a nominee's name, ignoring case and Vietnamese diacritics."""
    user = require_actor(ctx.actor)
    filters = [visible_dossiers(ctx.session, user)]
    if status is not None:
        filters.append(Dossier.status == DossierStatus(status))
    if unit is not None:
        filters.append(or_(Dossier.proposing_unit_id == unit, Dossier.reviewing_unit_id == unit))
    if year is not None:
        filters.append(Dossier.year == year)
    if award_type:
        filters.append(Dossier.nominations.any(Nomination.award_type == award_type.strip().upper()))
    needle = fold(q or "")
    if needle:  # the matches first, then the page (search.py)
        return search_page(ctx.session, filters, needle, SUMMARY, page, per_page, LIST_COUNT_CAP)
    stmt = select(Dossier).where(*filters).order_by(*NEWEST_FIRST).options(*SUMMARY)
    return paginate(ctx.session, stmt, page, per_page, count_cap=LIST_COUNT_CAP)


def any_dossier(ctx: Context) -> bool:
    """Whether any dossier exists at all (the demo seeds an empty database only)."""
    return bool(ctx.session.scalar(select(exists().where(Dossier.id.is_not(None)))))


def open_tasks(ctx: Context, dossier: Dossier) -> list[HumanTask]:
    """The dossier's tasks waiting for someone, soonest due first."""
    return list(ctx.session.scalars(
        select(HumanTask).where(HumanTask.dossier_id == dossier.id, HumanTask.state == HumanTaskState.READY)
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id).options(selectinload(HumanTask.unit))
    ))


def dossier_audit(ctx: Context, dossier_id: int, *, page: int = 1, per_page: int = 200) -> Page:
    """The audit events of one dossier, oldest first."""
    user, dossier = visible_dossier(ctx, dossier_id)
    participation = or_(AuditEvent.action == AuditAction.BALLOT_CAST.value,  # NULL roles are not the council's
                        func.coalesce(AuditEvent.role, "") == Role.COUNCIL.value)
    stmt = select(AuditEvent).where(AuditEvent.dossier_id == dossier.id,  # who voted when: the council's and
                                    ~participation | AuditEvent.unit_id.in_(council_readers(user)))  # office's
    return paginate(ctx.session, stmt.order_by(AuditEvent.seq), page, per_page)


@dataclass(frozen=True)
class Diagram:
    xml: str
    active: list[str]
    called: dict[str, str]
    path: list[Step]  # what the engine completed, in order (Runtime.path_taken)


def dossier_diagram(ctx: Context, dossier_id: int) -> Diagram:
    """The BPMN of the dossier's process (and of the processes it calls), with the open task keys and
    the path taken as the engine records it."""
    assert ctx.runtime is not None
    _, dossier = visible_dossier(ctx, dossier_id)
    if dossier.instance_id is None:
        raise NotFound("Hồ sơ chưa được nộp nên chưa có quy trình.")
    instance = ctx.session.get(ProcessInstance, dossier.instance_id)
    assert instance is not None
    definition = ctx.runtime.definition_of(ctx.session, instance)
    current = ctx.runtime.definitions.get(instance.process_key)
    xml = definition.source_xml or (current.source_xml if current else b"")
    called = {key: d.source_xml.decode("utf-8") for key in definition.subprocess_specs
              if (d := ctx.runtime.definitions.get(key)) is not None and d.source_xml}
    active = sorted({t.key for t in open_tasks(ctx, dossier)})
    return Diagram(xml.decode("utf-8"), active, called, ctx.runtime.path_taken(ctx.session, instance.id))


def dossier_decisions(ctx: Context, dossier: Dossier) -> list[Decision]:
    """Decisions issued on this dossier's nominations, oldest first."""
    by_nomination = select(Nomination.decision_id).where(Nomination.dossier_id == dossier.id)
    return list(ctx.session.scalars(
        select(Decision).where(or_(Decision.dossier_id == dossier.id, Decision.id.in_(by_nomination)))
        .order_by(Decision.signed_on, Decision.id).options(selectinload(Decision.issuer))
    ))


@dataclass(frozen=True)
class DossierDetail(Extended[Dossier]):
    """A dossier with what its page and the API show beside it: the tasks waiting (soonest due first)
    and the decisions issued on it (oldest first)."""

    open_tasks: list[HumanTask]
    decisions: list[Decision]


def detail_of(ctx: Context, dossier: Dossier) -> DossierDetail:
    """The detail of a dossier the caller already holds (just read, created or changed)."""
    return DossierDetail(dossier, open_tasks(ctx, dossier), dossier_decisions(ctx, dossier))


def dossier_detail(ctx: Context, dossier_id: int) -> DossierDetail:
    return detail_of(ctx, get_dossier(ctx, dossier_id))


def open_attachment(ctx: Context, dossier_id: int, attachment_id: int) -> tuple[Attachment, BinaryIO]:
    """The attachment and its bytes, for whoever may see the dossier."""
    _, dossier = visible_dossier(ctx, dossier_id)
    attachment = ctx.session.get(Attachment, attachment_id)
    if attachment is None or attachment.dossier_id != dossier.id:
        raise NotFound(f"Hồ sơ không có tài liệu số {attachment_id}.")
    return attachment, attachment_store(ctx.settings).open(attachment.sha256)


def attachment_file(ctx: Context, dossier_id: int, attachment_id: int) -> NamedFile:
    """An attachment under the name it was uploaded with, ending in its type's extension (rows kept
    before names were corrected at upload are served corrected too)."""
    attachment, stream = open_attachment(ctx, dossier_id, attachment_id)
    return NamedFile(stream, with_type_extension(attachment.filename, attachment.content_type),
                     attachment.content_type)


def missing_documents(ctx: Context, dossier: Dossier, rules: Any, day: date) -> dict[str, str]:
    """What keeps the dossier from being submitted, by field path; empty when it is complete."""
    if not dossier.nominations:
        return {"nominations": "Hồ sơ chưa có đề nghị khen thưởng nào."}
    errors: dict[str, str] = {}
    batch = {a.kind for a in dossier.attachments if a.nomination_id is None}
    batch_missing: set[AttachmentKind] = set()
    for i, nomination in enumerate(dossier.nominations):
        try:
            award = rules.award_type(nomination.award_type)
        except InvalidInput:
            errors[f"nominations[{i}].award_type"] = (f"Loại khen thưởng '{nomination.award_type}' không áp dụng "
                                                      f"ngày {day:%d/%m/%Y}.")
            continue
        if conflict := achievement_conflict(ctx.session, nomination, year=dossier.year, rules=rules.eligibility):
            errors[f"nominations[{i}].award_type"] = conflict.detail
        own = {a.kind for a in dossier.attachments if a.nomination_id == nomination.id}
        lacking = [AttachmentKind(k) for k in rules.required_documents(dossier.kind, award.code)
                   if AttachmentKind(k) not in own]
        batch_missing.update(k for k in lacking if k in BATCH_DOCUMENTS and k not in batch)
        per_nominee = [k for k in lacking if k not in BATCH_DOCUMENTS]
        if per_nominee:
            errors[f"nominations[{i}].attachments"] = (
                f"Thiếu {', '.join(k.label for k in per_nominee)} của {nomination.nominee_name} "
                f"({nomination.award_type}).")
    if batch_missing:
        kinds = [k for k in AttachmentKind if k in batch_missing]
        errors["attachments"] = f"Thiếu {', '.join(k.label for k in kinds)} của hồ sơ."
    return errors


def missing_before_submission(ctx: Context, dossier: Dossier) -> dict[str, str]:
    """What the proposer still has to add to a draft; empty when it may be submitted (or is no draft)."""
    if dossier.status != DossierStatus.DRAFT:
        return {}
    today = local_today(ctx.clock)
    return missing_documents(ctx, dossier, rules_on(ctx, today), today)
