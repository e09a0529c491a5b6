"""The receipt and appointment slips (giấy tiếp nhận hồ sơ và hẹn trả kết quả) of a dossier: one for each
time a level found it complete (`receive_dossier` of level_review.bpmn), read back from that moment's
audit event (the level, the day received, the working days of the rules and the day the result is due,
all fixed then) and the papers the dossier held at that moment. Made on demand, always the same."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from engine.clock import LOCAL_TZ
from engine.context import Context
from engine.documents.receipt import ReceiptDocument, render_receipt
from engine.errors import NotFound
from engine.models import Attachment, AuditEvent, Dossier, RemovedAttachment, Unit, UnitLevel, User
from engine.operations.award.queries.access import visible_dossier
from engine.storage import DOCX, NamedFile
from engine.text import file_name
from engine.vocabulary import AuditAction


@dataclass(frozen=True)
class Receipt:
    """One slip: `seq` is the audit event it was made from (its number on the slip)."""
    seq: int
    unit: Unit
    received_at: datetime
    received_on: date
    due_on: date
    working_days: int
    officer: str | None
    source: str | None = None  # the provincial layer that set the working days, if one did

    @property
    def number(self) -> str:
        return f"{self.seq}/TNHS-{self.unit.abbreviation or 'UBND'}"


def dossier_receipts(ctx: Context, dossier_id: int) -> list[Receipt]:
    """Every slip of the dossier, oldest first, for whoever may see it."""
    _, dossier = visible_dossier(ctx, dossier_id)
    return _receipts(ctx, dossier)


def _receipts(ctx: Context, dossier: Dossier) -> list[Receipt]:
    events = list(ctx.session.scalars(select(AuditEvent).where(
        AuditEvent.dossier_id == dossier.id, AuditEvent.action == AuditAction.DOSSIER_RECEIVED.value)
        .order_by(AuditEvent.seq)))
    units = {u.id: u for u in ctx.session.scalars(select(Unit).where(Unit.id.in_({e.unit_id for e in events})))}
    officers = {u.id: u.full_name for u in ctx.session.scalars(
        select(User).where(User.id.in_({e.actor_id for e in events if e.actor_id is not None})))}
    receipts = []
    for event in events:
        after = event.after or {}
        unit = units.get(event.unit_id or 0)
        if unit is None or not after.get("received_on") or not after.get("result_due_on"):
            continue
        receipts.append(Receipt(event.seq, unit, event.at, date.fromisoformat(after["received_on"]),
                                date.fromisoformat(after["result_due_on"]), int(after.get("working_days", 0)),
                                officers.get(event.actor_id or 0), after.get("source")))
    return receipts


def receipt_file(ctx: Context, dossier_id: int, seq: int) -> NamedFile:
    """One slip as DOCX, named by its number and the receiving level."""
    _, dossier = visible_dossier(ctx, dossier_id)
    receipt = next((r for r in _receipts(ctx, dossier) if r.seq == seq), None)
    if receipt is None:
        raise NotFound(f"Hồ sơ không có giấy tiếp nhận số {seq}.")
    unit = receipt.unit
    governing = unit.parent.spelled_name if unit.level == UnitLevel.DEPARTMENT and unit.parent else None
    document = ReceiptDocument(
        governing_body=governing, receiver=unit.spelled_name, number=receipt.number, place=unit.place_name,
        received_on=receipt.received_on, received_at=receipt.received_at.astimezone(LOCAL_TZ),
        submitter=dossier.proposing_unit.spelled_name, dossier_title=dossier.title,
        nominations=len(dossier.nominations), documents=_papers(ctx, dossier, receipt.received_at),
        working_days=receipt.working_days, due_on=receipt.due_on, receiving_officer=receipt.officer,
        source=receipt.source)
    name = file_name("Giấy-tiếp-nhận", str(receipt.seq), unit.name, extension="docx")
    return NamedFile(render_receipt(document), name, DOCX)


def _papers(ctx: Context, dossier: Dossier, moment: datetime) -> list[str]:
    """The papers the dossier held at `moment`: those still attached and those removed since."""
    held = [(a.id, a.kind, a.filename) for a in ctx.session.scalars(select(Attachment).where(
        Attachment.dossier_id == dossier.id, Attachment.uploaded_at <= moment))]
    held += [(r.attachment_id, r.kind, r.filename) for r in ctx.session.scalars(select(RemovedAttachment).where(
        RemovedAttachment.dossier_id == dossier.id, RemovedAttachment.uploaded_at <= moment,
        RemovedAttachment.removed_at > moment))]
    return [f"{kind.label.capitalize()}: {filename}" for _, kind, filename in sorted(held)]
