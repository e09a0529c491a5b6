"""Reading decisions (a cancellation decision is one too): the list a caller may see, one decision
with its nominations, its document under a name that says whose it is, and the issued decisions a
complainant may name."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from engine.context import Context
from engine.documents.certificate import Certificate, certificate_award, render_certificates
from engine.documents.pdf import docx_to_pdf
from engine.errors import NotFound
from engine.models import Awardee, Decision, DecisionStatus, Nomination, Unit
from engine.operations.access import require_actor
from engine.operations.award.queries.access import can_see_decision, visible_decisions
from engine.operations.award.queries.catalogue import rules_of
from engine.operations.paging import Page, paginate
from engine.rules import AwardKind
from engine.storage import DOCX, PDF, NamedFile, attachment_store
from engine.text import file_name


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
    stmt = stmt.order_by(Decision.signed_on.desc(), Decision.id.desc()).options(
        selectinload(Decision.issuer), selectinload(Decision.dossier), selectinload(Decision.nominations))
    return paginate(ctx.session, stmt, page, per_page)


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
    return NamedFile(_document_of(ctx, decision), decision_file_name(decision, decision.issuer), DOCX)


def decision_pdf_file(ctx: Context, decision_id: int) -> NamedFile:
    """The PDF made when the decision was issued (signed when a certificate was configured), as kept:
    NotFound when none was made (KHENTHUONG_DECISION_PDF off at the time). Never regenerated."""
    decision = get_decision(ctx, decision_id)
    if decision.pdf_sha256 is None:
        raise NotFound(f"Quyết định {decision.label} không có bản PDF.")
    name = decision_file_name(decision, decision.issuer).removesuffix(".docx") + ".pdf"
    return NamedFile(attachment_store(ctx.settings).read(decision.pdf_sha256), name, PDF)


def certificates_file(ctx: Context, decision_id: int) -> NamedFile:
    """The certificates (phôi) of every awardee of a decision, one page each, as a PDF to print: the
    award named by its issuer, the name, position and unit, the achievement, the decision's number
    and date, the signer. Made on demand from the issued decision (a print aid, not a record)."""
    decision = get_decision(ctx, decision_id)
    if decision.dossier is None or decision.status is not DecisionStatus.ISSUED:
        raise NotFound(f"Quyết định {decision.label} không có phôi khen thưởng.")
    rules, _ = rules_of(ctx, decision.dossier)
    issuer = decision.issuer
    head = (decision.signer_title or "").removeprefix("PHÓ ")
    deputy = bool(decision.signer_title) and decision.signer_title != head
    items = []
    for nomination in decision_nominations(ctx, decision):
        award_type = rules.award_type(nomination.award_type)
        verb, award = certificate_award(award_type.printed_name(issuer.level), award_type.kind == AwardKind.TITLE,
                                        decision.dossier.year)
        awardee = ctx.session.get(Awardee, nomination.awardee_id) if nomination.awardee_id else None
        unit = (nomination.nominee_unit or "").strip() or (awardee.unit.name if awardee and awardee.unit else "")
        position = ", ".join(p for p in ((nomination.nominee_position or "").strip(), unit)
                             if p and p != nomination.nominee_name)
        items.append(Certificate(
            authority=f"{head or 'CHỦ TỊCH'} {issuer.spelled_name.upper()}", verb=verb, award=award,
            name=nomination.nominee_name, position=position or None,
            achievement=(nomination.achievements or "").strip() or None, decision_label=decision.label,
            decision_date=decision.signed_on, place=issuer.place_name,
            signer_capacity=f"KT. {head}" if deputy else None, signer_title=decision.signer_title or head,
            signer_name=decision.signer_name or ""))
    name = decision_file_name(decision, issuer).removesuffix(".docx").replace("QĐ-", "Phôi-QĐ-", 1) + ".pdf"
    return NamedFile(docx_to_pdf(render_certificates(items)), name, PDF)


def issued_decisions_by_issuer(ctx: Context, limit: int) -> list[tuple[Unit, list[Decision]]]:
    """The newest `limit` issued decisions, grouped by issuing unit (by name), newest first in each: what
    anyone may name in a complaint, logged in or not."""
    rows = ctx.session.execute(select(Decision, Unit).join(Unit, Unit.id == Decision.issuer_unit_id)
                               .where(Decision.status == DecisionStatus.ISSUED)
                               .order_by(Unit.name, Decision.year.desc(), Decision.number.desc()).limit(limit))
    groups: dict[int, tuple[Unit, list[Decision]]] = {}
    for decision, unit in rows:
        groups.setdefault(unit.id, (unit, []))[1].append(decision)
    return list(groups.values())
