"""Typed inputs of the public pages: a comment on a disclosed list, an exemplary person or model;
their limits as constants, one reader each (every fault at once, by field path)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from engine.models import ComplaintKind, ExemplarKind
from engine.operations.inputs import Faults, boolean, choice, identifier, integer, mapping, text

MAX_AUTHOR = 200
MAX_COMMENT = 4000
MAX_CONTACT = 300
MAX_ADDRESS = 300
MAX_NAME = 300
MAX_MOVEMENT = 300
MAX_STORY = 20_000
MAX_PHOTO_BYTES = 5 * 1024 * 1024
TRAP_FIELD = "website"  # the honeypot: hidden from people, filled in by robots
COMMENT_FIELDS = ("nomination_id", "author", "content", "alleges", "kind", "contact", "address", TRAP_FIELD)
EXEMPLAR_FIELDS = ("unit_id", "kind", "name", "awardee_id", "movement", "year", "story", "published")


@dataclass(frozen=True)
class CommentInput:
    nomination_id: int | None
    author: str | None
    content: str
    alleges: bool  # alleges wrongdoing: also filed as a complaint or denunciation about the nomination
    kind: ComplaintKind | None  # for an allegation
    contact: str | None
    address: str | None
    trap: bool  # the honeypot was filled: a robot, nothing is kept

    def complaint_payload(self) -> dict[str, Any]:
        """The body of the public complaint intake (complaints/inputs.py: read_filing) for an allegation."""
        return {"kind": self.kind.value if self.kind else None, "subject": {"nomination_id": self.nomination_id},
                "complainant": {"full_name": self.author, "contact": self.contact, "address": self.address},
                "content": self.content}


def read_comment(raw: Any) -> CommentInput:
    faults = Faults()
    body = mapping(raw, "", faults, COMMENT_FIELDS)
    trap = bool(str(body.get(TRAP_FIELD) or "").strip())
    nomination_id = identifier(body.get("nomination_id"), "nomination_id", faults, digits=True)
    alleges = boolean(body.get("alleges"), "alleges", faults)
    required = "Cần ghi để cơ quan có thẩm quyền giải quyết đơn." if alleges else None
    author = text(body.get("author"), "author", faults, high=MAX_AUTHOR, required=required)
    content = text(body.get("content"), "content", faults, high=MAX_COMMENT, collapse=False)
    contact = text(body.get("contact"), "contact", faults, high=MAX_CONTACT, required=required)
    address = text(body.get("address"), "address", faults, high=MAX_ADDRESS, required=required)
    kind = None
    if alleges:
        kind = choice(body.get("kind") or ComplaintKind.DENUNCIATION.value, "kind", faults, ComplaintKind)
        if nomination_id is None and "nomination_id" not in faults.errors:
            faults.add("nomination_id", "Chọn người, tập thể được đề nghị mà ý kiến phản ánh sai phạm.")
    faults.refuse("Ý kiến không hợp lệ.")
    assert content is not None
    return CommentInput(nomination_id, author, content, alleges, kind, contact, address, trap)


@dataclass(frozen=True)
class ExemplarInput:
    unit_id: int
    kind: ExemplarKind
    name: str
    awardee_id: int | None
    movement: str | None
    year: int
    story: str
    published: bool


def read_exemplar(raw: Any) -> ExemplarInput:
    faults = Faults()
    body = mapping(raw, "", faults, EXEMPLAR_FIELDS)
    unit_id = identifier(body.get("unit_id"), "unit_id", faults, required=True, digits=True)
    kind = choice(body.get("kind"), "kind", faults, ExemplarKind)
    name = text(body.get("name"), "name", faults, high=MAX_NAME)
    awardee_id = identifier(body.get("awardee_id"), "awardee_id", faults, digits=True)
    movement = text(body.get("movement"), "movement", faults, high=MAX_MOVEMENT, required=None)
    year = integer(body.get("year"), "year", faults, low=1945, high=2200, digits=True)
    story = text(body.get("story"), "story", faults, high=MAX_STORY, collapse=False)
    published = boolean(body.get("published"), "published", faults)
    faults.refuse("Thông tin điển hình không hợp lệ.")
    assert unit_id is not None and kind is not None and name is not None and year is not None and story is not None
    return ExemplarInput(unit_id, kind, name, awardee_id, movement, year, story, published)
