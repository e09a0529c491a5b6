"""A dossier's audit trail as a timeline a person reads: who did what, when, in Vietnamese."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.web.labels import DOCUMENT_KIND, format_date, label_of
from engine.models import AttachmentKind, AuditEvent, Decision, HumanTask, Nomination, Unit, User

# Bookkeeping the reader does not need on a dossier's page (the audit trail keeps it).
HIDDEN = frozenset({"awardee_created", "award_recorded", "initiative_used", "timer_fired", "message_received"})


@dataclass(frozen=True)
class Entry:
    at: datetime
    actor: str
    text: str
    detail: str
    tone: str  # good | bad | warn | info | neutral


class _Names:
    """Names of the things events refer to by id, looked up once each."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def entity(self, model: type[Any], key: str | None, attribute: str) -> str:
        row = self.session.get(model, int(key)) if key and key.isdigit() else None
        return str(getattr(row, attribute)) if row is not None else ""

    def unit(self, code: object) -> str:
        unit = self.session.scalar(select(Unit).where(Unit.code == str(code))) if code else None
        return unit.name if unit is not None else str(code or "")

    def user(self, event: AuditEvent) -> str:
        user = self.session.get(User, event.actor_id) if event.actor_id is not None else None
        return user.full_name if user is not None else ("Hệ thống" if event.actor is None else event.actor)


def _due(after: dict[str, Any]) -> str:
    raw = after.get("result_due_on")
    try:
        return format_date(date.fromisoformat(str(raw))) if raw else ""
    except ValueError:
        return str(raw)


Describe = Callable[[_Names, AuditEvent, dict[str, Any]], tuple[str, str]]
_TEXT: dict[str, Describe] = {
    "dossier_created": lambda n, e, a: ("Lập hồ sơ", ""),
    "dossier_updated": lambda n, e, a: ("Sửa hồ sơ", ""),
    "attachment_added": lambda n, e, a: (
        "Đính kèm tài liệu", f"{label_of(DOCUMENT_KIND, _kind(a.get('kind')))}: {a.get('filename', '')}"),
    "dossier_submitted": lambda n, e, a: ("Nộp hồ sơ", ""),
    "process_started": lambda n, e, a: ("Bắt đầu quy trình xét duyệt", ""),
    "dossier_routed": lambda n, e, a: (f"Chuyển hồ sơ đến {n.unit(a.get('reviewing_unit'))} xét duyệt", ""),
    "dossier_received": lambda n, e, a: (f"{n.unit(a.get('reviewing_unit'))} tiếp nhận hồ sơ",
                                         f"Hạn trả kết quả thẩm định: {_due(a)}" if _due(a) else ""),
    "task_claimed": lambda n, e, a: (f"Nhận xử lý «{n.entity(HumanTask, e.entity_id, 'name')}»", ""),
    "task_unclaimed": lambda n, e, a: (f"Trả lại «{n.entity(HumanTask, e.entity_id, 'name')}»", ""),
    "task_completed": lambda n, e, a: (f"Hoàn thành «{n.entity(HumanTask, e.entity_id, 'name')}»", ""),
    "dossier_supplement_requested": lambda n, e, a: ("Yêu cầu bổ sung hồ sơ", str(a.get("missing") or "")),
    "dossier_supplement_overdue": lambda n, e, a: ("Quá hạn bổ sung hồ sơ", ""),
    "dossier_supplemented": lambda n, e, a: ("Đã bổ sung hồ sơ", str(a.get("note") or "")),
    "dossier_returned": lambda n, e, a: ("Trả lại hồ sơ", ""),
    "dossier_escalated": lambda n, e, a: ("Quá hạn thẩm định: đã báo thủ trưởng", ""),
    "dossier_published": lambda n, e, a: ("Công khai danh sách đề nghị khen thưởng", ""),
    "nomination_approved": lambda n, e, a: (
        f"Quyết định khen thưởng {n.entity(Nomination, e.entity_id, 'nominee_name')} ({a.get('award_type', '')})", ""),
    "nomination_rejected": lambda n, e, a: (
        f"Không khen thưởng {n.entity(Nomination, e.entity_id, 'nominee_name')} ({a.get('award_type', '')})", ""),
    "nomination_forwarded": lambda n, e, a: (
        f"Trình cấp trên đề nghị của {n.entity(Nomination, e.entity_id, 'nominee_name')} ({a.get('award_type', '')})",
        ""),
    "decision_issued": lambda n, e, a: (f"Ban hành Quyết định số {n.entity(Decision, e.entity_id, 'label')}", ""),
    "dossier_decided": lambda n, e, a: ("Hồ sơ đã có kết quả; đơn vị đề nghị được thông báo", ""),
    "process_completed": lambda n, e, a: ("Kết thúc quy trình", ""),
    "process_cancelled": lambda n, e, a: ("Dừng quy trình", ""),
    "dossier_withdrawn": lambda n, e, a: ("Rút hồ sơ", ""),
}
_TONE = {"nomination_approved": "good", "dossier_decided": "good", "decision_issued": "good",
         "nomination_rejected": "bad", "dossier_returned": "bad", "dossier_withdrawn": "neutral",
         "dossier_supplement_requested": "warn", "dossier_supplement_overdue": "warn", "dossier_escalated": "warn"}


def _kind(value: object) -> object:
    return AttachmentKind(value) if value in set(AttachmentKind) else value


def timeline(session: Session, events: list[AuditEvent]) -> list[Entry]:
    names = _Names(session)
    entries = []
    for event in events:
        if event.action in HIDDEN:
            continue
        after = event.after if isinstance(event.after, dict) else {}
        describe = _TEXT.get(event.action)
        text, detail = describe(names, event, after) if describe else (event.action.replace("_", " "), "")
        detail = " ".join(part for part in (detail, f"Lý do: {event.reason}" if event.reason else "") if part)
        entries.append(Entry(event.at, names.user(event), text, detail, _TONE.get(event.action, "info")))
    return entries
