"""The ban kiểm phiếu's biên bản kiểm phiếu of a council sitting's secret ballot as .docx bytes, in the
layout of Nghị định 30/2020/NĐ-CP like the minutes: who counted, how many ballots came in (in person and
in writing), then per award type the names that passed and those that did not, with the votes each
received against its base, and to whom the council proposes them. Counts only, never who voted what."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement

from engine.documents.layout import (
    CENTER,
    LEFT,
    SIGNATURE_SPACE_PT,
    TEXT_WIDTH_MM,
    add_body,
    add_header,
    add_paragraph,
    add_rows,
    add_rule,
    add_spacer,
    borderless_table,
    grid_table,
    set_up_page_and_fonts,
    vietnamese_date,
    vietnamese_date_line,
)
from engine.errors import InvalidInput

DOCUMENT_TYPE, COUNTING_SYMBOL = "BIÊN BẢN KIỂM PHIẾU", "BB-BKP"
SUMMARY = "Bỏ phiếu kín xét đề nghị khen thưởng tại phiên họp Hội đồng Thi đua - Khen thưởng"
LIST_PT = 12
LIST_COLUMNS: tuple[tuple[str, float], ...] = (
    ("STT", 12), ("Họ và tên, chức vụ, đơn vị", 83), ("Số phiếu đồng ý", 25), ("Tỷ lệ", 45))


@dataclass(frozen=True)
class CountedName:
    nominee: str
    yes: int
    base: int
    percent: str


@dataclass(frozen=True)
class CountedAward:
    """One award type of the secret ballot: who passed, who did not, and the council's proposal."""
    award_name: str
    threshold: str
    passed: list[CountedName]
    failed: list[CountedName]
    proposal: str


@dataclass(frozen=True)
class CountingDocument:
    governing_body: str
    council: str
    place: str
    held_on: date
    started_at: str
    location: str
    board: list[tuple[str, str]]  # (name, "Trưởng ban" / "Thành viên"), the head first
    total_members: int
    present: int
    written_votes: int
    awards: list[CountedAward]


def render_counting(doc: CountingDocument) -> bytes:
    if not doc.board:
        raise InvalidInput("Ban kiểm phiếu trống.")
    if not doc.awards:
        raise InvalidInput("Biên bản kiểm phiếu phải có ít nhất một loại hình khen thưởng bỏ phiếu kín.")
    document = Document()
    set_up_page_and_fonts(document)
    add_header(document, doc.governing_body, doc.council, f"Số:      /{COUNTING_SYMBOL}",
               vietnamese_date_line(doc.place, doc.held_on))
    add_paragraph(document, DOCUMENT_TYPE, bold=True, before=18)
    add_paragraph(document, SUMMARY, bold=True)
    add_rule(document, 25, TEXT_WIDTH_MM)
    add_spacer(document, 12)
    add_body(document, f"Thời gian: bắt đầu lúc {doc.started_at}, {vietnamese_date(doc.held_on)}.")
    add_body(document, f"Địa điểm: {doc.location}.")
    add_body(document, "Ban kiểm phiếu gồm:").paragraph_format.keep_with_next = True
    for name, role in doc.board:
        add_body(document, f"- {name} - {role} Ban kiểm phiếu;").paragraph_format.space_after = 0
    received = doc.present + doc.written_votes
    add_body(document, f"Số thành viên Hội đồng: {doc.total_members}. Số phiếu phát ra: {doc.total_members}. "
                       f"Số phiếu thu vào: {received}, gồm {doc.present} phiếu của thành viên có mặt và "
                       f"{doc.written_votes} phiếu bằng văn bản của thành viên vắng mặt. "
                       f"Số phiếu hợp lệ: {received}; số phiếu không hợp lệ: 0.")
    add_body(document, "KẾT QUẢ KIỂM PHIẾU").runs[0].bold = True
    for number, award in enumerate(doc.awards, start=1):
        total = len(award.passed) + len(award.failed)
        threshold = award.threshold[0].lower() + award.threshold[1:]
        title = add_body(document, f"{number}. {award.award_name}: {total} trường hợp; tỷ lệ cần đạt: {threshold}.")
        title.paragraph_format.keep_with_next = True
        for letter, label, names in (("a", "đạt", award.passed), ("b", "không đạt", award.failed)):
            line = add_body(document, f"{letter}) Số trường hợp {label}: {len(names)}.")
            line.paragraph_format.keep_with_next = bool(names)
            if names:
                _list(document, names)
                add_spacer(document, 6)
        add_body(document, award.proposal)
    add_body(document, "Biên bản kiểm phiếu được lập và công bố tại phiên họp.").paragraph_format.keep_with_next = True
    add_spacer(document, 12)
    _signatures(document, doc.board)
    props = document.core_properties
    props.title, props.language = SUMMARY, "vi-VN"
    props.author = props.last_modified_by = doc.council
    props.subject, props.comments, props.revision = DOCUMENT_TYPE, "", 1
    props.created = props.modified = datetime.combine(doc.held_on, time())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _list(document: DocxDocument, names: list[CountedName]) -> None:
    table = grid_table(document, tuple(width for _, width in LIST_COLUMNS), [title for title, _ in LIST_COLUMNS],
                       size=LIST_PT)
    add_rows(table, ([str(number), name.nominee, str(name.yes), f"{name.percent} ({name.yes}/{name.base})"]
                     for number, name in enumerate(names, start=1)),
             aligns=[CENTER, LEFT, CENTER, CENTER], size=LIST_PT)


def _signatures(document: DocxDocument, board: list[tuple[str, str]]) -> None:
    head, others = board[0], board[1:]
    cells = borderless_table(document, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
    cells[0]._tc.getparent().get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    add_paragraph(cells[0], "CÁC THÀNH VIÊN BAN KIỂM PHIẾU" if others else "", bold=True)
    for index, (name, _) in enumerate(others):
        add_paragraph(cells[0], name, bold=True, before=SIGNATURE_SPACE_PT if index == 0 else SIGNATURE_SPACE_PT / 2)
    add_paragraph(cells[1], "TRƯỞNG BAN KIỂM PHIẾU", bold=True)
    add_paragraph(cells[1], head[0], bold=True, before=SIGNATURE_SPACE_PT)
