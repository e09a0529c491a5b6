"""The giấy tiếp nhận hồ sơ và hẹn trả kết quả (receipt and appointment slip) a level hands the unit that
submitted a complete dossier, in the layout of Nghị định 30/2020/NĐ-CP: who received what (the
documents filed, the nominations), when, the working days the rules give and the day the result is due."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time

from docx import Document
from docx.document import Document as DocxDocument

from engine.documents.layout import (
    CENTER,
    LEFT,
    SIGNATURE_SPACE_PT,
    TEXT_WIDTH_MM,
    add_body,
    add_header,
    add_paragraph,
    add_rule,
    add_run,
    borderless_table,
    set_up_page_and_fonts,
    vietnamese_date,
    vietnamese_date_line,
)

RECEIPT_TITLE = "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ"


@dataclass(frozen=True)
class ReceiptDocument:
    """Everything printed on the slip. `number` is its code as the receiving level files it;
    `documents` the papers received ("Tờ trình: to-trinh.pdf"); `due_on` the day the result is due,
    `working_days` after `received_on` by the working-day calendar of the rules version."""
    governing_body: str | None
    receiver: str
    number: str
    place: str
    received_on: date
    received_at: datetime | None
    submitter: str
    dossier_title: str
    nominations: int
    documents: list[str]
    working_days: int
    due_on: date
    receiving_officer: str | None
    source: str | None = None  # a province's rules that set `working_days` (the national version: None)


def render_receipt(doc: ReceiptDocument) -> bytes:
    """The slip as .docx bytes."""
    document = Document()
    set_up_page_and_fonts(document)
    add_header(document, doc.governing_body, doc.receiver, f"Số: {doc.number}",
               vietnamese_date_line(doc.place, doc.received_on))
    add_paragraph(document, RECEIPT_TITLE, bold=True, before=18)
    add_rule(document, 40, TEXT_WIDTH_MM)
    add_body(document, f"{doc.receiver} đã tiếp nhận hồ sơ đề nghị khen thưởng của: {doc.submitter}.")
    add_body(document, f"Nội dung: {doc.dossier_title.strip().rstrip('.')} ({doc.nominations} đề nghị khen thưởng).")
    _numbered(document, 1, "Thành phần hồ sơ gồm:")
    for line in doc.documents or ["(không có tài liệu đính kèm)"]:
        add_paragraph(document, f"- {line}", align=LEFT, after=2)
    _numbered(document, 2, "Số lượng hồ sơ: 01 (bộ).")
    level = f" (theo {doc.source.rstrip('.')})" if doc.source else ""
    _numbered(document, 3, f"Thời gian giải quyết hồ sơ theo quy định: {doc.working_days} ngày làm việc{level}.")
    received = (f"{doc.received_at:%H} giờ {doc.received_at:%M} phút, " if doc.received_at else "") + \
        vietnamese_date(doc.received_on)
    _numbered(document, 4, f"Thời gian nhận hồ sơ: {received}.")
    _numbered(document, 5, f"Thời gian trả kết quả giải quyết hồ sơ: {vietnamese_date(doc.due_on)}.")
    _numbered(document, 6, "Kết quả được thông báo trên hệ thống quản lý thi đua, khen thưởng; đơn vị theo dõi "
                           "tình trạng hồ sơ tại trang hồ sơ.")
    left, right = borderless_table(document, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
    add_paragraph(left, "ĐẠI DIỆN ĐƠN VỊ NỘP HỒ SƠ", bold=True, before=12, align=CENTER)
    add_paragraph(left, "(Ký và ghi rõ họ tên)", italic=True, align=CENTER)
    add_paragraph(right, "NGƯỜI TIẾP NHẬN HỒ SƠ", bold=True, before=12, align=CENTER)
    add_paragraph(right, "(Ký và ghi rõ họ tên)", italic=True, align=CENTER)
    add_paragraph(right, doc.receiving_officer or "", bold=True, before=SIGNATURE_SPACE_PT, align=CENTER)
    props = document.core_properties
    props.title, props.language = RECEIPT_TITLE.capitalize(), "vi-VN"
    props.author = props.last_modified_by = doc.receiver.replace("\n", " ")
    props.subject = f"Giấy tiếp nhận số {doc.number}"
    props.created = props.modified = datetime.combine(doc.received_on, time())
    props.revision = 1
    props.comments = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _numbered(document: DocxDocument, number: int, text: str) -> None:
    paragraph = add_paragraph(document, "", align=LEFT, after=4)
    add_run(paragraph, f"{number}. ", bold=True)
    add_run(paragraph, text)
