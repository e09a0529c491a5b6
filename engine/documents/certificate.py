"""Certificates (phôi Bằng khen, Giấy khen, danh hiệu) of one decision, one landscape A4 page per
awardee, as .docx bytes: what the office prints on the blank forms and has signed."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Mm

from engine.documents.layout import (
    MOTTO,
    NATIONAL_TITLE,
    SIGNATURE_SPACE_PT,
    add_paragraph,
    set_up_page_and_fonts,
    vietnamese_date_line,
)
from engine.errors import InvalidInput


@dataclass(frozen=True)
class Certificate:
    """One awardee's certificate: the award as its issuer prints it and the decision it rests on."""
    authority: str  # "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ BÌNH MINH"
    verb: str  # "TẶNG" or "CÔNG NHẬN DANH HIỆU"
    award: str  # "GIẤY KHEN", "LAO ĐỘNG TIÊN TIẾN NĂM 2026"
    name: str
    position: str | None
    achievement: str | None
    decision_label: str  # "01/QĐ-UBND"
    decision_date: date
    place: str
    signer_capacity: str | None
    signer_title: str
    signer_name: str


def certificate_award(printed_name: str, title: bool, year: int) -> tuple[str, str]:
    """(verb, award) as a certificate prints them: a title is recognised with its year, a form of
    commendation is given ("TẶNG / GIẤY KHEN")."""
    if not title:
        return "TẶNG", printed_name.upper()
    if printed_name.startswith("Cờ "):
        return "TẶNG", f"{printed_name} năm {year}".upper()
    return "CÔNG NHẬN DANH HIỆU", f"{printed_name} năm {year}".upper()


def render_certificates(certificates: list[Certificate]) -> bytes:
    if not certificates:
        raise InvalidInput("Quyết định không có cá nhân, tập thể nào để in phôi.")
    document = Document()
    set_up_page_and_fonts(document)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin = section.bottom_margin = Mm(18)
    for index, item in enumerate(certificates):
        first = add_paragraph(document, NATIONAL_TITLE, size=13, bold=True)
        if index:
            first.paragraph_format.page_break_before = True
        add_paragraph(document, MOTTO, size=13, bold=True, after=18)
        add_paragraph(document, item.authority, size=14, bold=True)
        add_paragraph(document, item.verb, size=16, bold=True, before=6)
        add_paragraph(document, item.award, size=26, bold=True, before=6, after=12)
        add_paragraph(document, item.name, size=20, bold=True)
        if item.position:
            add_paragraph(document, item.position, size=14, italic=True, before=4)
        if item.achievement:
            add_paragraph(document, f"Đã có thành tích: {item.achievement}", size=14, before=8)
        add_paragraph(document, f"Quyết định số {item.decision_label} ngày {item.decision_date:%d/%m/%Y}",
                      size=12, italic=True, before=8)
        add_paragraph(document, vietnamese_date_line(item.place, item.decision_date), size=13, italic=True,
                      before=10)
        if item.signer_capacity:
            add_paragraph(document, item.signer_capacity, size=13, bold=True)
        add_paragraph(document, item.signer_title, size=13, bold=True)
        add_paragraph(document, item.signer_name, size=14, bold=True, before=SIGNATURE_SPACE_PT - 24)
    document.core_properties.title = "Phôi khen thưởng"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
