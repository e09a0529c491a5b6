"""A dossier's audit trail as a timeline a person reads: who did what, when, in Vietnamese."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from api.web.labels import DOCUMENT_KIND, format_date, label_of, sentence
from engine.models import AttachmentKind, AuditEvent, Decision, HumanTask, Nomination
from engine.operations.auditlog import Referents, referents
from engine.vocabulary import AuditAction

# Bookkeeping the reader does not need on a dossier's page (the audit trail keeps it).
HIDDEN = frozenset({AuditAction.AWARDEE_CREATED, AuditAction.AWARD_RECORDED, AuditAction.INITIATIVE_USED,
                    AuditAction.TIMER_FIRED, AuditAction.MESSAGE_RECEIVED})
UNKNOWN = "Sự kiện khác"  # an action no longer in the vocabulary: said in Vietnamese all the same


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    text: str
    detail: str
    tone: str  # good | bad | warn | info | neutral


class _Names:
    """Names of the things events refer to, from the rows loaded once for all of them."""

    def __init__(self, found: Referents, awards: dict[str, str]) -> None:
        self.found, self.awards = found, awards

    def award(self, code: object) -> str:
        """The award's name ("Giấy khen"), not its code."""
        return self.awards.get(str(code or ""), str(code or ""))

    def entity(self, model: type[Any], key: str | None, attribute: str) -> str:
        row = self.found.entities.get((model, int(key))) if key and key.isdigit() else None
        return str(getattr(row, attribute)) if row is not None else ""

    def unit(self, code: object) -> str:
        unit = self.found.units.get(str(code)) if code else None
        return unit.name if unit is not None else str(code or "")

    def user(self, event: AuditEvent) -> str:
        user = self.found.users.get(event.actor_id) if event.actor_id is not None else None
        return user.full_name if user is not None else ("Hệ thống" if event.actor is None else event.actor)


def _due(after: dict[str, Any]) -> str:
    raw = after.get("result_due_on")
    try:
        return format_date(date.fromisoformat(str(raw))) if raw else ""
    except ValueError:
        return str(raw)


Describe = Callable[[_Names, AuditEvent, dict[str, Any]], str]
# Where the action's label is not enough: the text names the unit, task, nominee or decision concerned.
_TEXT: dict[AuditAction, Describe] = {
    AuditAction.DOSSIER_ROUTED: lambda n, e, a: f"Chuyển hồ sơ đến {n.unit(a.get('reviewing_unit'))} xét duyệt",
    AuditAction.DOSSIER_RECEIVED: lambda n, e, a: f"{n.unit(a.get('reviewing_unit'))} tiếp nhận hồ sơ",
    AuditAction.TASK_CLAIMED: lambda n, e, a: f"Nhận xử lý «{n.entity(HumanTask, e.entity_id, 'name')}»",
    AuditAction.TASK_UNCLAIMED: lambda n, e, a: f"Trả lại «{n.entity(HumanTask, e.entity_id, 'name')}»",
    AuditAction.TASK_COMPLETED: lambda n, e, a: f"Hoàn thành «{n.entity(HumanTask, e.entity_id, 'name')}»",
    AuditAction.NOMINATION_APPROVED: lambda n, e, a: (
        f"Quyết định khen thưởng {n.entity(Nomination, e.entity_id, 'nominee_name')} ({n.award(a.get('award_type'))})"),
    AuditAction.NOMINATION_REJECTED: lambda n, e, a: (
        f"Không khen thưởng {n.entity(Nomination, e.entity_id, 'nominee_name')} ({n.award(a.get('award_type'))})"),
    AuditAction.NOMINATION_FORWARDED: lambda n, e, a: (
        f"Trình cấp trên đề nghị của {n.entity(Nomination, e.entity_id, 'nominee_name')} "
        f"({n.award(a.get('award_type'))})"),
    AuditAction.NOMINATION_FROZEN: lambda n, e, a: (
        f"Tạm dừng xét đề nghị của {n.entity(Nomination, e.entity_id, 'nominee_name')} do khiếu nại, tố cáo"),
    AuditAction.NOMINATION_RELEASED: lambda n, e, a: (
        f"Hết tạm dừng xét đề nghị của {n.entity(Nomination, e.entity_id, 'nominee_name')}"),
    AuditAction.DECISION_ISSUED: lambda n, e, a: f"Ban hành Quyết định số {n.entity(Decision, e.entity_id, 'label')}",
}
_DETAIL: dict[AuditAction, Callable[[dict[str, Any]], str]] = {
    AuditAction.ATTACHMENT_ADDED: lambda a: (
        f"{label_of(DOCUMENT_KIND, _kind(a.get('kind')))}: {a.get('filename', '')}"),
    AuditAction.ATTACHMENT_REMOVED: lambda a: (
        f"{a.get('removed_filename', '')}" + (f", thay bằng {a.get('filename')}" if a.get("replaced_by") else "")
        + " (bản cũ vẫn được lưu)"),
    AuditAction.DOSSIER_RECEIVED: lambda a: f"Hạn trả kết quả thẩm định: {_due(a)}" if _due(a) else "",
    AuditAction.DOSSIER_SUPPLEMENT_REQUESTED: lambda a: str(a.get("missing") or ""),
    AuditAction.DOSSIER_SUPPLEMENTED: lambda a: str(a.get("note") or ""),
}
_TONE = {
    AuditAction.NOMINATION_APPROVED: "good", AuditAction.DOSSIER_DECIDED: "good", AuditAction.DECISION_ISSUED: "good",
    AuditAction.NOMINATION_REJECTED: "bad", AuditAction.DOSSIER_RETURNED: "bad",
    AuditAction.DOSSIER_WITHDRAWN: "neutral", AuditAction.DOSSIER_SUPPLEMENT_REQUESTED: "warn",
    AuditAction.DOSSIER_SUPPLEMENT_OVERDUE: "warn", AuditAction.DOSSIER_ESCALATED: "warn",
    AuditAction.NOMINATION_FROZEN: "warn",
}


def _kind(value: object) -> object:
    return AttachmentKind(value) if value in set(AttachmentKind) else value


def _describe(names: _Names, event: AuditEvent, action: AuditAction | None) -> tuple[str, str]:
    """The sentence and the detail shown for one event; never a code."""
    if action is None:
        return UNKNOWN, ""
    after = event.after if isinstance(event.after, dict) else {}
    describe, detail = _TEXT.get(action), _DETAIL.get(action)
    return (describe(names, event, after) if describe else sentence(action.label),
            detail(after) if detail else "")


def timeline(session: Session, events: list[AuditEvent], awards: dict[str, str] | None = None) -> list[Entry]:
    """`awards`: award names by code, so that the timeline names awards rather than coding them."""
    names = _Names(referents(session, events), awards or {})
    entries = []
    for event in events:
        action = AuditAction(event.action) if event.action in set(AuditAction) else None
        if action in HIDDEN:
            continue
        text, detail = _describe(names, event, action)
        detail = " ".join(part for part in (detail, f"Lý do: {event.reason}" if event.reason else "") if part)
        entries.append(Entry(event.at, names.user(event), text, detail, _TONE.get(action, "info")))
    return entries
