"""What a user reads instead of codes: the labels of engine/vocabulary.py as pages show them (capitalised,
with a badge colour), and dates the way Vietnamese offices write them (dd/mm/yyyy; times HH:MM dd/mm/yyyy
in Asia/Ho_Chi_Minh)."""
from __future__ import annotations

from datetime import date, datetime

from engine.clock import LOCAL_TZ
from engine.vocabulary import (
    COMPLAINT_INSTANCE,
    AttachmentKind,
    AwardeeKind,
    ClusterVoteChoice,
    ClusterVoteStatus,
    Code,
    ComplaintKind,
    ComplaintOutcome,
    ComplaintStatus,
    DecisionStatus,
    DossierKind,
    DossierStatus,
    LatePolicy,
    MemberPosition,
    NominationStatus,
    Result,
    RoundKind,
    RoundStatus,
    SessionStatus,
    Subject,
    VoteChoice,
)


def sentence(text: str) -> str:
    """First letter upper case, the rest untouched ("đang soạn" → "Đang soạn")."""
    return text[:1].upper() + text[1:]


def standalone(codes: type[Code]) -> dict[Code, str]:
    """The labels of a vocabulary (engine/vocabulary.py) as a page shows them on their own."""
    return {code: sentence(code.label) for code in codes}


DOSSIER_STATUS = standalone(DossierStatus)
DOSSIER_KIND = standalone(DossierKind)
DOCUMENT_KIND = standalone(AttachmentKind)
NOMINEE_KIND = standalone(AwardeeKind)
SUBJECT = standalone(Subject)
NOMINATION_STATUS = standalone(NominationStatus)
DECISION_STATUS = standalone(DecisionStatus)
CHECK_RESULT = standalone(Result)
COMPLAINT_KIND = standalone(ComplaintKind)
COMPLAINT_STATUS = standalone(ComplaintStatus)
COMPLAINT_OUTCOME = standalone(ComplaintOutcome)
COMPLAINT_INSTANCE_LEVEL = {level: sentence(text) for level, text in COMPLAINT_INSTANCE.items()}
MEMBER_POSITION = standalone(MemberPosition)
SESSION_STATUS = standalone(SessionStatus)
VOTE_CHOICE = standalone(VoteChoice)
CLUSTER_VOTE_CHOICE = standalone(ClusterVoteChoice)
CLUSTER_VOTE_STATUS = standalone(ClusterVoteStatus)
ROUND_KIND = standalone(RoundKind)
ROUND_STATUS = standalone(RoundStatus)
LATE_POLICY = standalone(LatePolicy)

# The colour family of a status badge; the text always says the status too (never colour alone).
TONE = {
    DossierStatus.DRAFT: "neutral", DossierStatus.SUBMITTED: "info", DossierStatus.IN_REVIEW: "info",
    DossierStatus.SUPPLEMENT_REQUESTED: "warn", DossierStatus.DECIDED: "good", DossierStatus.WITHDRAWN: "neutral",
    NominationStatus.PENDING: "info", NominationStatus.FROZEN: "warn", NominationStatus.APPROVED: "good",
    NominationStatus.REJECTED: "bad", NominationStatus.FORWARDED: "info", NominationStatus.REVOKED: "bad",
    Result.MET: "good", Result.NOT_MET: "bad", Result.UNKNOWN: "warn",
    SessionStatus.OPEN: "info", SessionStatus.TALLIED: "good",
    RoundStatus.OPEN: "info", RoundStatus.CLOSED: "neutral",
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
