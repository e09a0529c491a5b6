"""A tờ trình (submission) as .docx bytes: a level sends the nominations of its round that lie beyond
its authority to the level above, listing them (Nghị định 30/2020/NĐ-CP, Phụ lục I: the header, "TỜ
TRÌNH", "Kính gửi", the bases, the list, the papers attached, the signer). The number is left for the
văn thư's register of outgoing documents ("Số:      /TTr-UBND")."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time

from docx import Document

from engine.documents.layout import (
    CENTER,
    LEFT,
    RECIPIENTS_LABEL_PT,
    RECIPIENTS_PT,
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
    keep_row_together,
    set_up_page_and_fonts,
    vietnamese_date_line,
)

LIST_PT = 12


@dataclass(frozen=True)
class SubmittedName:
    name: str
    position: str | None
    proposing_unit: str
    collective: bool = False  # counted as a tập thể ("12 cá nhân và 3 tập thể")


@dataclass(frozen=True)
class SubmittedGroup:
    award_name: str  # the award proposed to the level above, as that level prints it
    names: list[SubmittedName]


@dataclass(frozen=True)
class SubmissionDocument:
    governing_body: str | None
    issuer: str  # "ỦY BAN NHÂN DÂN XÃ BÌNH MINH"
    issuer_short: str
    issuer_name: str  # "Ủy ban nhân dân xã Bình Minh", as the body names it
    place: str
    signed_on: date
    round_title: str
    addressee: str  # "Chủ tịch Ủy ban nhân dân tỉnh Đồng Nai"
    bases: list[str]
    groups: list[SubmittedGroup]
    attached: list[str]  # the papers that go with it (the council's minutes, the list)
    signer_title: str
    signer_name: str


def render_submission(doc: SubmissionDocument) -> bytes:
    document = Document()
    set_up_page_and_fonts(document)
    add_header(document, doc.governing_body, doc.issuer, f"Số:        /TTr-{doc.issuer_short}",
               vietnamese_date_line(doc.place, doc.signed_on))
    add_paragraph(document, "TỜ TRÌNH", bold=True, before=18)
    add_paragraph(document, f"Về việc đề nghị khen thưởng ({doc.round_title})", bold=True)
    add_rule(document, 25, TEXT_WIDTH_MM)
    add_paragraph(document, f"Kính gửi: {doc.addressee}.", before=12, after=12)
    for basis in doc.bases:
        add_body(document, basis, italic=True)
    everyone = [name for group in doc.groups for name in group.names]
    add_body(document, f"{doc.issuer_name} kính trình {doc.addressee} xem xét, khen thưởng cho {_count(everyone)} "
                       "có thành tích, cụ thể như sau:")
    for index, group in enumerate(doc.groups, start=1):
        heading = add_body(document, f"{index}. Đề nghị tặng {group.award_name}: {_count(group.names)}.")
        heading.paragraph_format.keep_with_next = True  # never alone at the foot of a page
        table = grid_table(document, (12, 55, 60, TEXT_WIDTH_MM - 127),
                           ["STT", "Họ và tên / Tập thể", "Chức vụ - Đơn vị", "Đơn vị đề nghị"], size=LIST_PT)
        add_rows(table, ([str(number), item.name, item.position or "", item.proposing_unit]
                         for number, item in enumerate(group.names, start=1)),
                 aligns=[CENTER, LEFT, LEFT, LEFT], size=LIST_PT)
        add_spacer(document, 6)
    # The closing sentences go with the signature: no page carries the signature alone.
    if doc.attached:
        add_body(document, "Hồ sơ kèm theo: " + "; ".join(doc.attached) + ".").paragraph_format.keep_with_next = True
    add_body(document, f"Kính trình {doc.addressee} xem xét, quyết định./.").paragraph_format.keep_with_next = True
    add_spacer(document, 12).paragraph_format.keep_with_next = True
    left, right = borderless_table(document, (TEXT_WIDTH_MM - 95, 95))
    keep_row_together(left)
    add_paragraph(left, "Nơi nhận:", size=RECIPIENTS_LABEL_PT, bold=True, italic=True, align=LEFT)
    for line in ("- Như trên;", "- Lưu: VT, TĐKT."):
        add_paragraph(left, line, size=RECIPIENTS_PT, align=LEFT)
    add_paragraph(right, doc.signer_title.upper(), bold=True)
    add_paragraph(right, doc.signer_name, bold=True, before=SIGNATURE_SPACE_PT)
    props = document.core_properties
    props.title, props.language = f"Tờ trình đề nghị khen thưởng ({doc.round_title})", "vi-VN"
    props.author = props.last_modified_by = doc.issuer_name
    props.created = props.modified = datetime.combine(doc.signed_on, time())
    props.revision, props.comments = 1, ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _count(names: list[SubmittedName]) -> str:
    """"12 cá nhân", "3 tập thể", "12 cá nhân và 3 tập thể": a văn thư checks the list against these."""
    groups = sum(1 for name in names if name.collective)
    people = len(names) - groups
    return " và ".join([f"{people} cá nhân"] * bool(people) + [f"{groups} tập thể"] * bool(groups))
