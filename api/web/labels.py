"""What a user reads instead of codes: Vietnamese labels of statuses and kinds, and dates the way
Vietnamese offices write them (dd/mm/yyyy; times HH:MM dd/mm/yyyy in Asia/Ho_Chi_Minh)."""
from __future__ import annotations

from datetime import date, datetime

from engine.clock import LOCAL_TZ
from engine.models import AttachmentKind, DecisionStatus, DossierKind, DossierStatus, NominationStatus
from engine.operations.award.commands import DOCUMENT_LABEL, NOMINEE_LABEL, STATUS_LABEL
from engine.rules.eligibility import KIND_LABELS


def sentence(text: str) -> str:
    """First letter upper case, the rest untouched ("đang soạn" → "Đang soạn")."""
    return text[:1].upper() + text[1:]


DOSSIER_STATUS = {status: sentence(label) for status, label in STATUS_LABEL.items()}
DOSSIER_KIND = {kind: sentence(KIND_LABELS[kind]) for kind in DossierKind}
DOCUMENT_KIND = {kind: sentence(DOCUMENT_LABEL[kind]) for kind in AttachmentKind}
NOMINEE_KIND = {kind: sentence(label) for kind, label in NOMINEE_LABEL.items()}
NOMINATION_STATUS = {
    NominationStatus.PENDING: "Đang xét",
    NominationStatus.FROZEN: "Tạm dừng do khiếu nại, tố cáo",
    NominationStatus.APPROVED: "Được khen thưởng",
    NominationStatus.REJECTED: "Không được khen thưởng",
    NominationStatus.FORWARDED: "Đã trình cấp trên",
    NominationStatus.REVOKED: "Đã bị thu hồi",
}
DECISION_STATUS = {DecisionStatus.ISSUED: "Đã ban hành", DecisionStatus.CANCELLED: "Đã huỷ"}
CHECK_RESULT = {"met": "Đạt", "not_met": "Không đạt", "unknown": "Chưa xác định được"}
# The colour family of a status badge; the text always says the status too (never colour alone).
TONE = {
    DossierStatus.DRAFT: "neutral", DossierStatus.SUBMITTED: "info", DossierStatus.IN_REVIEW: "info",
    DossierStatus.SUPPLEMENT_REQUESTED: "warn", DossierStatus.DECIDED: "good", DossierStatus.WITHDRAWN: "neutral",
    NominationStatus.PENDING: "info", NominationStatus.FROZEN: "warn", NominationStatus.APPROVED: "good",
    NominationStatus.REJECTED: "bad", NominationStatus.FORWARDED: "info", NominationStatus.REVOKED: "bad",
    "met": "good", "not_met": "bad", "unknown": "warn",
}


def local(moment: datetime) -> datetime:
    return moment.astimezone(LOCAL_TZ)


def format_date(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = local(value)
    return f"{value:%d/%m/%Y}"


def format_time(value: datetime | None) -> str:
    return "" if value is None else f"{local(value):%H:%M %d/%m/%Y}"


def format_size(size: int) -> str:
    if size < 1024:
        return f"{size} byte"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB".replace(".", ",")
    return f"{size / 1024 / 1024:.1f} MB".replace(".", ",")


def label_of(table: dict[object, str], value: object) -> str:
    return table.get(value, str(value)) if value is not None else ""
