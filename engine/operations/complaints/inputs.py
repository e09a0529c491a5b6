"""What a complainant sends, typed: `ComplaintFiling`, its limits named once, and `read_filing`, the
one function that turns a raw mapping (the JSON API's body, the public form's fields) into it.

Reading checks the shape and the limits, every fault at once by field path; whether the subject
exists and who handles it is the operation's part (absent: 422, invisible to the filer: 404).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from engine.errors import InvalidInput
from engine.models import ComplaintKind
from engine.operations.inputs import Faults, at, boolean, choice, identifier, mapping, text

MAX_NAME, MAX_CONTACT, MAX_ADDRESS, MAX_CONTENT = 200, 300, 300, 20000
MAX_ATTACHMENTS = 10  # documents filed with one complaint (each checked like a dossier's: type, size)
SUBJECT_FIELDS = ("decision_id", "nomination_id", "dossier_id")
FILING_FIELDS = ("kind", "subject", "complainant", "content", "remote_area", "learned_on")
COMPLAINANT_FIELDS = ("full_name", "contact", "address")
BLANK = "Không được để trống."


@dataclass(frozen=True)
class ComplaintFiling:
    kind: ComplaintKind
    subject_field: str  # one of SUBJECT_FIELDS
    subject_id: int
    full_name: str
    contact: str
    address: str  # the law asks every filing for the filer's address (Luật Khiếu nại 2011 Art. 8)
    content: str
    remote_area: bool
    # the day the complainant received or learned of what they complain about (the filing window runs
    # from it); None: not given, the officer establishes it at acceptance
    learned_on: date | None = None


def read_filing(raw: Any) -> ComplaintFiling:
    """`raw` as a ComplaintFiling; InvalidInput naming every fault."""
    faults = Faults()
    body = mapping(raw, "", faults, FILING_FIELDS)
    kind = choice(body.get("kind"), "kind", faults, ComplaintKind, message="Chỉ nhận 'complaint' hoặc 'denunciation'.")
    subject = mapping(body.get("subject"), "subject", faults, SUBJECT_FIELDS)
    given = [(f, identifier(subject[f], at("subject", f), faults))
             for f in SUBJECT_FIELDS if subject.get(f) is not None]
    if "subject" not in faults.errors and len(given) != 1:
        faults.add("subject", "Cần đúng một đối tượng: quyết định, đề nghị hoặc hồ sơ.")
    complainant = mapping(body.get("complainant"), "complainant", faults, COMPLAINANT_FIELDS)
    full_name = text(complainant.get("full_name"), "complainant.full_name", faults, high=MAX_NAME, blank=BLANK)
    contact = text(complainant.get("contact"), "complainant.contact", faults, high=MAX_CONTACT, blank=BLANK)
    address = text(complainant.get("address"), "complainant.address", faults, high=MAX_ADDRESS, blank=BLANK)
    content = text(body.get("content"), "content", faults, high=MAX_CONTENT, blank=BLANK, collapse=False)
    remote_area = boolean(body.get("remote_area"), "remote_area", faults)
    learned_on = iso_day(body.get("learned_on"), "learned_on", faults)
    faults.refuse("Đơn không hợp lệ.")
    assert kind is not None and full_name is not None and contact is not None and content is not None
    assert address is not None
    (field, subject_id), = given
    assert subject_id is not None
    return ComplaintFiling(kind, field, subject_id, full_name, contact, address, content, remote_area, learned_on)


def iso_day(value: Any, path: str, faults: Faults) -> date | None:
    """An optional calendar day written YYYY-MM-DD (the API's dates)."""
    if value is None or value == "":
        return None
    if isinstance(value, str) and len(value) == 10:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    faults.add(path, "Cần một ngày có thật, dạng YYYY-MM-DD.")
    return None


def form_day(value: Any, path: str) -> date | None:
    """An optional calendar day as a task form writes it, dd/mm/yyyy; InvalidInput at `path` otherwise."""
    if value is None or value == "":
        return None
    try:
        return datetime.strptime(value, "%d/%m/%Y").date() if isinstance(value, str) else None
    except ValueError:
        raise InvalidInput("Ngày không hợp lệ.", {path: "Cần một ngày có thật, dạng dd/mm/yyyy."}) from None


MAX_TRACKING_CODE, MAX_SECRET = 24, 64
PUBLIC_ESCALATION_FIELDS = ("tracking_code", "secret", "content")


@dataclass(frozen=True)
class PublicEscalation:
    tracking_code: str  # as typed; compared upper-cased
    secret: str  # as typed; compared without case, spaces or dashes
    content: str | None  # None: the first instance's


def read_public_escalation(raw: Any) -> PublicEscalation:
    """A public filer's request for the second instance: their tracking code, the secret they were
    shown at filing, and optionally new content; InvalidInput naming every fault."""
    faults = Faults()
    body = mapping(raw, "", faults, PUBLIC_ESCALATION_FIELDS)
    code = text(body.get("tracking_code"), "tracking_code", faults, high=MAX_TRACKING_CODE, blank=BLANK)
    secret = text(body.get("secret"), "secret", faults, high=MAX_SECRET, blank=BLANK)
    content = text(body.get("content"), "content", faults, high=MAX_CONTENT, required=None, collapse=False)
    faults.refuse("Yêu cầu khiếu nại lần hai không hợp lệ.")
    assert code is not None and secret is not None
    return PublicEscalation(code, secret, content)


def read_escalation(content: Any) -> str | None:
    """The content of a second-instance complaint; None keeps the first one's."""
    if content is None:
        return None
    faults = Faults()
    checked = text(content, "content", faults, high=MAX_CONTENT, blank=BLANK, collapse=False)
    faults.refuse("Đơn không hợp lệ.")
    return checked


MAX_EXTENSION_REASON = 2000


def read_acceptance_extension(raw: Any) -> str:
    """The officer's reason for extending a denunciation's initial handling (checks in several places)."""
    faults = Faults()
    body = mapping(raw, "", faults, ("reason",))
    reason = text(body.get("reason"), "reason", faults, high=MAX_EXTENSION_REASON, blank=BLANK, collapse=False)
    faults.refuse("Yêu cầu gia hạn thời hạn xử lý ban đầu không hợp lệ.")
    assert reason is not None
    return reason
