"""Who may see and act on a dossier, asked of the dossier itself; and the reads those answers
guard: dossiers, their attachments, tasks, audit trail and diagram, decisions, notifications.

A dossier is seen by anyone holding a role at the proposing unit or at any unit above it (higher
levels see what comes from below) and by administrators; to everybody else it does not exist
(NotFound). Changing it is for the proposers of the proposing unit; others who see it are told
Forbidden. A decision is seen by those who see its dossier or hold a role at or above its issuer.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from engine.clock import local_today
from engine.context import Context
from engine.db import is_postgres
from engine.errors import Forbidden, NotFound
from engine.models import (
    Attachment,
    AuditEvent,
    Council,
    CouncilMember,
    Decision,
    Dossier,
    DossierStatus,
    HumanTask,
    HumanTaskState,
    Nomination,
    NominationStatus,
    ProcessInstance,
    Role,
    RoleGrant,
    Unit,
    User,
)
from engine.operations.access import holds_role, is_admin, require_actor, visible_units
from engine.operations.paging import Page, paginate
from engine.rules import load_rules
from engine.storage import DOCX, NamedFile, attachment_store
from engine.text import file_name, fold


def role_units(session: Session, user: User) -> set[int]:
    """Units where the user holds any role, council membership included."""
    granted = session.scalars(select(RoleGrant.unit_id).where(RoleGrant.user_id == user.id))
    councils = session.scalars(
        select(Council.unit_id).join(CouncilMember, CouncilMember.council_id == Council.id)
        .where(CouncilMember.user_id == user.id)
    )
    return set(granted) | set(councils)


def visible_dossiers(session: Session, user: User) -> ColumnElement[bool]:
    """SQL filter on Dossier mirroring `can_see`."""
    if is_admin(session, user):
        return Dossier.id.is_not(None)
    return Dossier.proposing_unit_id.in_(visible_units(user))


def visible_decisions(session: Session, user: User) -> ColumnElement[bool]:
    """SQL filter on Decision: its dossier is visible, or its issuer is at or below the user's units."""
    if is_admin(session, user):
        return Decision.id.is_not(None)
    below = visible_units(user)
    by_dossier = exists().where(Dossier.id == Decision.dossier_id, Dossier.proposing_unit_id.in_(below))
    return or_(Decision.issuer_unit_id.in_(below), by_dossier)


def _unit_and_ancestors(session: Session, unit_id: int) -> set[int]:
    unit = session.get(Unit, unit_id)
    return set() if unit is None else {unit.id, *(u.id for u in unit.ancestors())}


def can_see(session: Session, user: User, dossier: Dossier) -> bool:
    if role_units(session, user) & _unit_and_ancestors(session, dossier.proposing_unit_id):
        return True
    return is_admin(session, user)


def can_change(session: Session, user: User, dossier: Dossier) -> bool:
    """Edit, attach, submit, withdraw: a proposer of the proposing unit."""
    return holds_role(session, user, Role.PROPOSER, dossier.proposing_unit_id)


def can_see_decision(session: Session, user: User, decision: Decision) -> bool:
    units = role_units(session, user)
    if units & _unit_and_ancestors(session, decision.issuer_unit_id):
        return True
    dossier = session.get(Dossier, decision.dossier_id) if decision.dossier_id is not None else None
    if dossier is not None and units & _unit_and_ancestors(session, dossier.proposing_unit_id):
        return True
    return is_admin(session, user)


def visible_dossier(ctx: Context, dossier_id: int, *, for_update: bool = False) -> tuple[User, Dossier]:
    """The dossier if the caller may see it; NotFound otherwise (absent and invisible look alike).

    `for_update` locks the row on PostgreSQL so that two state changes of one dossier queue up;
    SQLite already serializes writers.
    """
    user = require_actor(ctx.actor)
    if for_update and is_postgres(ctx.session):
        dossier = ctx.session.scalar(
            select(Dossier).where(Dossier.id == dossier_id).with_for_update().execution_options(
                populate_existing=True)
        )
    else:
        dossier = ctx.session.get(Dossier, dossier_id)
    if dossier is None or not can_see(ctx.session, user, dossier):
        raise NotFound(f"Không tìm thấy hồ sơ số {dossier_id}.")
    return user, dossier


def changeable_dossier(ctx: Context, dossier_id: int) -> tuple[User, Dossier]:
    """The dossier, locked, if the caller is a proposer of its unit; 404 or 403 otherwise."""
    user, dossier = visible_dossier(ctx, dossier_id, for_update=True)
    if not can_change(ctx.session, user, dossier):
        raise Forbidden("Chỉ cán bộ đề nghị khen thưởng của đơn vị lập hồ sơ được thay đổi hồ sơ này.")
    return user, dossier


def proposer_units(session: Session, user: User) -> list[Unit]:
    """Units where the user may propose, by code."""
    return list(session.scalars(
        select(Unit).join(RoleGrant, RoleGrant.unit_id == Unit.id)
        .where(RoleGrant.user_id == user.id, RoleGrant.role == Role.PROPOSER).order_by(Unit.code)
    ))


def open_attachment(ctx: Context, dossier_id: int, attachment_id: int) -> tuple[Attachment, BinaryIO]:
    """The attachment and its bytes, for whoever may see the dossier."""
    _, dossier = visible_dossier(ctx, dossier_id)
    attachment = ctx.session.get(Attachment, attachment_id)
    if attachment is None or attachment.dossier_id != dossier.id:
        raise NotFound(f"Hồ sơ không có tài liệu số {attachment_id}.")
    return attachment, attachment_store(ctx.settings).open(attachment.sha256)


def attachment_file(ctx: Context, dossier_id: int, attachment_id: int) -> NamedFile:
    """An attachment under the name it was uploaded with."""
    attachment, stream = open_attachment(ctx, dossier_id, attachment_id)
    return NamedFile(stream, attachment.filename, attachment.content_type)


# ---- reading ------------------------------------------------------------------------------------

def get_dossier(ctx: Context, dossier_id: int) -> Dossier:
    return visible_dossier(ctx, dossier_id)[1]


def list_dossiers(ctx: Context, *, status: DossierStatus | str | None = None, unit: int | None = None,
                  year: int | None = None, award_type: str | None = None, q: str | None = None,
                  page: int = 1, per_page: int = 20) -> Page:
    """Dossiers the caller may see, newest first. `unit`: proposed by or now reviewed at that unit.
    `q` matches the title or a nominee's name, ignoring case and Vietnamese diacritics."""
    user = require_actor(ctx.actor)
    stmt = select(Dossier).where(visible_dossiers(ctx.session, user))
    if status is not None:
        stmt = stmt.where(Dossier.status == DossierStatus(status))
    if unit is not None:
        stmt = stmt.where(or_(Dossier.proposing_unit_id == unit, Dossier.reviewing_unit_id == unit))
    if year is not None:
        stmt = stmt.where(Dossier.year == year)
    if award_type:
        stmt = stmt.where(Dossier.nominations.any(Nomination.award_type == award_type.strip().upper()))
    needle = fold(q or "")
    if needle:
        # Nominee names have no folded column: fold them here, for the dossiers the filters kept.
        names = ctx.session.execute(
            select(Nomination.dossier_id, Nomination.nominee_name)
            .where(Nomination.dossier_id.in_(stmt.with_only_columns(Dossier.id)))
        )
        by_name = {dossier_id for dossier_id, name in names if needle in fold(name)}
        stmt = stmt.where(or_(Dossier.title_folded.contains(needle, autoescape=True), Dossier.id.in_(by_name)))
    return paginate(ctx.session, stmt.order_by(Dossier.created_at.desc(), Dossier.id.desc()), page, per_page)


def open_tasks(ctx: Context, dossier: Dossier) -> list[HumanTask]:
    """The dossier's tasks waiting for someone, soonest due first."""
    return list(ctx.session.scalars(
        select(HumanTask).where(HumanTask.dossier_id == dossier.id, HumanTask.state == HumanTaskState.READY)
        .order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    ))


def dossier_audit(ctx: Context, dossier_id: int, *, page: int = 1, per_page: int = 200) -> Page:
    """The audit events of one dossier, oldest first."""
    _, dossier = visible_dossier(ctx, dossier_id)
    stmt = select(AuditEvent).where(AuditEvent.dossier_id == dossier.id)
    return paginate(ctx.session, stmt.order_by(AuditEvent.seq), page, per_page)


@dataclass(frozen=True)
class Diagram:
    xml: str
    active: list[str]
    called: dict[str, str]


def dossier_diagram(ctx: Context, dossier_id: int) -> Diagram:
    """The BPMN of the dossier's process (and of the processes it calls), with the open task keys."""
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
    return Diagram(xml.decode("utf-8"), active, called)


def dossier_decisions(ctx: Context, dossier: Dossier) -> list[Decision]:
    """Decisions issued on this dossier's nominations, oldest first."""
    by_nomination = select(Nomination.decision_id).where(Nomination.dossier_id == dossier.id)
    return list(ctx.session.scalars(
        select(Decision).where(or_(Decision.dossier_id == dossier.id, Decision.id.in_(by_nomination)))
        .order_by(Decision.signed_on, Decision.id)
    ))


# ---- decisions and notifications ----------------------------------------------------------------

def list_decisions(ctx: Context, *, issuer: int | None = None, year: int | None = None,
                   dossier: int | None = None, page: int = 1, per_page: int = 20) -> Page:
    """Decisions the caller may see (issued at or below their units, or on a dossier they see), newest first."""
    user = require_actor(ctx.actor)
    stmt = select(Decision).where(visible_decisions(ctx.session, user))
    if issuer is not None:
        stmt = stmt.where(Decision.issuer_unit_id == issuer)
    if year is not None:
        stmt = stmt.where(Decision.year == year)
    if dossier is not None:
        stmt = stmt.where(Decision.dossier_id == dossier)
    return paginate(ctx.session, stmt.order_by(Decision.signed_on.desc(), Decision.id.desc()), page, per_page)


def get_decision(ctx: Context, decision_id: int) -> Decision:
    user = require_actor(ctx.actor)
    decision = ctx.session.get(Decision, decision_id)
    if decision is None or not can_see_decision(ctx.session, user, decision):
        raise NotFound(f"Không tìm thấy quyết định số {decision_id}.")
    return decision


def decision_nominations(ctx: Context, decision: Decision) -> list[Nomination]:
    return list(ctx.session.scalars(
        select(Nomination).where(Nomination.decision_id == decision.id)
        .order_by(Nomination.dossier_id, Nomination.position)
    ))


def decision_document(ctx: Context, decision_id: int) -> bytes:
    """The generated decision (DOCX); NotFound while none was stored."""
    return _document_of(ctx, get_decision(ctx, decision_id))


def _document_of(ctx: Context, decision: Decision) -> bytes:
    if decision.document_sha256 is None:
        raise NotFound(f"Quyết định {decision.label} chưa có văn bản.")
    return attachment_store(ctx.settings).read(decision.document_sha256)


def decision_file_name(decision: Decision, issuer: Unit) -> str:
    """Number, symbol, year and issuing unit: the commune's and the province's 01/QĐ-UBND differ.
    "QĐ-05-QĐ-UBND-2026-UBND-xã-Bình-Minh.docx"."""
    return file_name("QĐ", f"{decision.number:02d}", decision.symbol, str(decision.year), issuer.name,
                     extension="docx")


def decision_file(ctx: Context, decision_id: int) -> NamedFile:
    """The decision's document (a cancellation decision's too) with the name it is saved under."""
    decision = get_decision(ctx, decision_id)
    issuer = ctx.session.get(Unit, decision.issuer_unit_id)
    assert issuer is not None
    return NamedFile(_document_of(ctx, decision), decision_file_name(decision, issuer), DOCX)



def rules_on(ctx: Context, day: date) -> Any:
    """The rules version in force on `day`."""
    catalogue, _calendar = load_rules(ctx.settings.rules_dir)
    return catalogue.on(day)


def rules_of(ctx: Context, dossier: Dossier) -> Any:
    """The rules version the dossier was submitted under, and the working-day calendar."""
    catalogue, calendar = load_rules(ctx.settings.rules_dir)
    rules = catalogue.version(dossier.rules_version) if dossier.rules_version else catalogue.on(local_today(ctx.clock))
    return rules, calendar


def reviewing_ancestors(unit: Unit) -> list[Unit]:
    """The units above `unit` that review awards, nearest first."""
    return [u for u in unit.ancestors() if u.reviews_awards]


def load_dossier(ctx: Context, dossier_id: int) -> Dossier:
    dossier = ctx.session.get(Dossier, int(dossier_id))
    if dossier is None:
        raise NotFound(f"Không có hồ sơ số {dossier_id}.")
    return dossier


def open_nominations(dossier: Dossier) -> list[Nomination]:
    """Nominations under review at the current level (frozen ones included)."""
    return [n for n in dossier.nominations if n.status in (NominationStatus.PENDING, NominationStatus.FROZEN)]
