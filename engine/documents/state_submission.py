"""The tờ trình (submission) a province sends to the central level for state-level awards (Bằng khen of
the Prime Minister, the orders…), with its list (danh sách đề nghị) as an annex table that runs over as
many pages as it needs; laid out as Nghị định 30/2020/NĐ-CP, Phụ lục I asks (the tờ trình's form:
header, title, kính gửi, căn cứ, body, nơi nhận, the signature block "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH")."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Mm

from engine.documents.layout import (
    CENTER,
    LEFT,
    MARGIN_LEFT_MM,
    MARGIN_RIGHT_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    RECIPIENTS_LABEL_PT,
    RECIPIENTS_PT,
    SIGNATURE_SPACE_PT,
    TEXT_WIDTH_MM,
    add_body,
    add_header,
    add_paragraph,
    add_rows,
    add_rule,
    add_run,
    add_spacer,
    borderless_table,
    grid_table,
    keep_row_together,
    set_up_page_and_fonts,
    vietnamese_date,
    vietnamese_date_line,
)
from engine.errors import InvalidInput

DOCUMENT_TYPE = "TỜ TRÌNH"
ANNEX_TITLE = "DANH SÁCH ĐỀ NGHỊ KHEN THƯỞNG CẤP NHÀ NƯỚC"
ANNEX_HEADINGS = ["STT", "Họ và tên / Tập thể", "Chức vụ", "Đơn vị", "Hình thức đề nghị", "Thành tích tóm tắt"]
ANNEX_PT = 12
# The annex is landscape (A4 turned): 297 mm less the margins, the six columns in proportion.
ANNEX_WIDTH_MM = PAGE_HEIGHT_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
ANNEX_COLUMNS_MM = (13, 50, 35, 45, 47, ANNEX_WIDTH_MM - 190)


@dataclass(frozen=True)
class SubmissionLine:
    """One line of the list: a person ("Bà Nguyễn Thị Tươi") or a collective."""
    name: str
    collective: bool
    position: str | None
    unit: str | None
    award: str
    achievement: str | None


@dataclass(frozen=True)
class StateSubmissionDocument:
    """Everything printed on the tờ trình; `number` is the office's register number ("88/TTr-UBND")."""
    issuer: str  # "Ủy ban nhân dân tỉnh Bình An"
    number: str
    place: str
    signed_on: date
    addressee: str  # Kính gửi
    via: str | None  # "(qua Bộ Nội vụ (Ban Thi đua - Khen thưởng Trung ương))"
    legal_bases: list[str]  # "Căn cứ …;" lines, the consultation and the Party opinion included
    proposal: str  # the body sentence before the list
    awards: list[tuple[str, int, int]]  # award, individuals, collectives
    lines: list[SubmissionLine]
    signer_capacity: str | None  # "TM. ỦY BAN NHÂN DÂN"
    signer_title: str  # "CHỦ TỊCH"
    signer_name: str
    recipients: list[str]


def render_state_submission(doc: StateSubmissionDocument) -> bytes:
    """The tờ trình and its annex as .docx bytes."""
    if not doc.lines:
        raise InvalidInput("Tờ trình phải có ít nhất một đề nghị khen thưởng trong danh sách.")
    document = Document()
    set_up_page_and_fonts(document)
    add_header(document, None, doc.issuer, f"Số: {doc.number}", vietnamese_date_line(doc.place, doc.signed_on))
    add_paragraph(document, DOCUMENT_TYPE, bold=True, before=18)
    add_paragraph(document, "Về việc đề nghị khen thưởng cấp Nhà nước", bold=True)
    add_rule(document, 25, TEXT_WIDTH_MM)
    addressed = add_paragraph(document, "", before=12)
    add_run(addressed, "Kính gửi: ")
    add_run(addressed, doc.addressee)
    if doc.via:
        add_paragraph(document, doc.via, after=12)
    for basis in doc.legal_bases:
        add_body(document, basis, italic=True)
    add_body(document, doc.proposal)
    for award, individuals, collectives in doc.awards:
        counts = [f"{n} {what}" for n, what in ((individuals, "cá nhân"), (collectives, "tập thể")) if n]
        add_body(document, f"- {award}: {' và '.join(counts)};")
    add_body(document, "(Có danh sách và hồ sơ kèm theo.)", italic=True)
    closing = add_body(document, f"{doc.issuer} kính trình {doc.addressee} xem xét, quyết định./.")
    closing.paragraph_format.keep_with_next = True
    _signature_block(document, doc)
    _annex(document, doc)
    props = document.core_properties
    props.title, props.language = f"Tờ trình số {doc.number}", "vi-VN"
    props.author = props.last_modified_by = doc.issuer
    props.subject = "Đề nghị khen thưởng cấp Nhà nước"
    props.created = props.modified = datetime.combine(doc.signed_on, time())
    props.revision = 1
    props.comments = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _signature_block(document: DocxDocument, doc: StateSubmissionDocument) -> None:
    add_spacer(document, 12).paragraph_format.keep_with_next = True
    left, right = borderless_table(document, (TEXT_WIDTH_MM - 95, 95))
    keep_row_together(left)
    add_paragraph(left, "Nơi nhận:", size=RECIPIENTS_LABEL_PT, bold=True, italic=True, align=LEFT)
    for line in ["Như trên;", *doc.recipients]:
        add_paragraph(left, f"- {line}", size=RECIPIENTS_PT, align=LEFT)
    if doc.signer_capacity:
        add_paragraph(right, doc.signer_capacity.upper(), bold=True)
    add_paragraph(right, doc.signer_title.upper(), bold=True)
    add_paragraph(right, doc.signer_name, bold=True, before=SIGNATURE_SPACE_PT)


def _annex(document: DocxDocument, doc: StateSubmissionDocument) -> None:
    """A landscape section: the title, what it is attached to, and the table whose heading row repeats
    on every page (rows are never split across two pages)."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_HEIGHT_MM), Mm(PAGE_WIDTH_MM)
    add_paragraph(document, ANNEX_TITLE, bold=True)
    add_paragraph(document, f"(Kèm theo Tờ trình số {doc.number} {vietnamese_date(doc.signed_on)} của {doc.issuer})",
                  italic=True, after=12)
    table = grid_table(document, ANNEX_COLUMNS_MM, ANNEX_HEADINGS, size=ANNEX_PT)
    add_rows(table, ([str(index), line.name, line.position or "", line.unit or "", line.award, line.achievement or ""]
                     for index, line in enumerate(doc.lines, start=1)),
             aligns=[CENTER] + [LEFT] * (len(ANNEX_COLUMNS_MM) - 1), size=ANNEX_PT)
    individuals = sum(1 for line in doc.lines if not line.collective)
    add_paragraph(document, f"Tổng cộng: {individuals} cá nhân, {len(doc.lines) - individuals} tập thể.",
                  align=LEFT, before=6)
