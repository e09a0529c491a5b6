"""The papers of a cluster's vote (suy tôn), as .docx bytes in the layout of Nghị định 30/2020/NĐ-CP:
the biên bản họp suy tôn of the cluster (who voted, the counts per candidate unit with their base and
percentage, the result, the proposal, the signatures of the cluster head and its deputy) and the tờ
trình of the head unit proposing the elected units to the deciding authority. Counts only: nothing
here can say which member chose what."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime, time

from docx import Document
from docx.document import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

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

MINUTES_SYMBOL, SUBMISSION_SYMBOL = "BB-CTĐ", "TTr"
# Eight columns on 165 mm at 12 pt with 1 mm cell margins (as the council's minutes), "STT" on one line.
TALLY_PT, TALLY_CELL_MARGIN_MM = 12, 1
TALLY_COLUMNS = (("STT", 11), ("Đơn vị", 32), ("Hạng (điểm)", 18), ("Cờ thi đua", 15), ("Bằng khen", 15),
                 ("Không đề nghị", 17), ("Tỷ lệ suy tôn", 35), ("Kết quả", 22))


@dataclass(frozen=True)
class TallyLine:
    """One candidate unit: its standing, the ballots choosing each option, the support per award as
    printed ("Cờ thi đua: 2/3 (66,67%)") and the result ("Suy tôn Cờ thi đua", "Không đạt")."""
    unit: str
    rank: int
    total: str
    flag: int
    merit: int
    none: int
    support: list[str]
    result: str


@dataclass(frozen=True)
class Signer:
    """A signature block: its title ("TRƯỞNG CỤM"), the unit it signs for, the person (blank: by hand)."""
    title: str
    unit: str | None
    name: str | None


@dataclass(frozen=True)
class ClusterMinutesDocument:
    governing_body: str
    cluster: str
    place: str
    year: int
    held_on: date
    opened: str  # "08 giờ 00 phút, ngày 01 tháng 12 năm 2026"
    closed: str
    location: str
    members: list[str]
    voted: list[str]
    threshold: str
    lines: list[TallyLine]
    proposal: str  # "đề nghị Chủ tịch … tặng … cho …", or the sentence saying no unit passed
    head: Signer
    secretary: Signer


def render_cluster_minutes(doc: ClusterMinutesDocument) -> bytes:
    if not doc.members or not doc.lines or not set(doc.voted) <= set(doc.members):
        raise InvalidInput("Biên bản suy tôn cần danh sách thành viên, đơn vị được bỏ phiếu và đơn vị đã bỏ phiếu.")
    document = _new_document()
    add_header(document, doc.governing_body, doc.cluster, f"Số:      /{MINUTES_SYMBOL}",
               vietnamese_date_line(doc.place, doc.held_on))
    _title(document, "BIÊN BẢN", f"Họp bình xét, suy tôn thi đua năm {doc.year} của {doc.cluster}")
    _labelled(document, "Thời gian:", f"mở bỏ phiếu lúc {doc.opened}; kết thúc, kiểm phiếu lúc {doc.closed}.")
    _labelled(document, "Địa điểm:", f"{doc.location}.")
    _labelled(document, "Hình thức:", "bỏ phiếu kín; mỗi đơn vị thành viên một phiếu, do thủ trưởng đơn vị bỏ.")
    _labelled(document, "Chủ trì:", f"{_signer_text(doc.head)}.")
    _labelled(document, "Thư ký:", f"{_signer_text(doc.secretary)}.")
    _labelled(document, "Thành phần:", f"{doc.cluster} có {len(doc.members)} đơn vị thành viên: "
                                         f"{', '.join(doc.members)}.")
    absent = [m for m in doc.members if m not in doc.voted]
    add_body(document, f"- Đã bỏ phiếu: {len(doc.voted)}/{len(doc.members)} đơn vị"
                       + (f" ({', '.join(doc.voted)})." if doc.voted else "."))
    if absent:
        add_body(document, f"- Không bỏ phiếu: {len(absent)}/{len(doc.members)} đơn vị ({', '.join(absent)}).")
    _heading(document, "NỘI DUNG")
    add_body(document, f"Trên cơ sở kết quả chấm điểm, xếp hạng thi đua năm {doc.year}, các đơn vị thành viên bỏ "
                       f"phiếu kín suy tôn {len(doc.lines)} đơn vị. Phiếu đề nghị Cờ thi đua đồng thời được tính "
                       "là phiếu đề nghị Bằng khen. Kết quả kiểm phiếu như sau:").paragraph_format.keep_with_next = True
    _tally_table(document, doc.lines)
    add_spacer(document, 6)
    add_body(document, f"Tỷ lệ phiếu cần đạt: {doc.threshold}.", italic=True)
    _heading(document, "KẾT LUẬN")
    add_body(document, f"{doc.cluster} thống nhất {doc.proposal}")
    add_body(document, "Biên bản được lập và thông qua sau khi kiểm phiếu.").paragraph_format.keep_with_next = True
    add_spacer(document, 12).paragraph_format.keep_with_next = True
    cells = borderless_table(document, (TEXT_WIDTH_MM / 2, TEXT_WIDTH_MM / 2))
    keep_row_together(cells[0])
    for cell, signer in zip(cells, (doc.secretary, doc.head), strict=True):
        add_paragraph(cell, signer.title, bold=True)
        if signer.unit:
            add_paragraph(cell, signer.unit, italic=True)
        add_paragraph(cell, signer.name or "", bold=True, before=SIGNATURE_SPACE_PT)
    return _save(document, f"Biên bản suy tôn năm {doc.year}", doc.cluster, doc.held_on)


@dataclass(frozen=True)
class ProposedUnit:
    unit: str
    achievement: str


@dataclass(frozen=True)
class ProposedGroup:
    phrase: str  # "tặng Cờ thi đua của Ủy ban nhân dân tỉnh năm 2026"
    units: list[ProposedUnit]


@dataclass(frozen=True)
class ClusterSubmissionDocument:
    """The tờ trình of the head unit: `authority` the addressee ("Chủ tịch Ủy ban nhân dân tỉnh …")."""
    issuer: str
    issuer_short: str | None
    place: str
    signed_on: date
    summary: str
    authority: str
    legal_bases: list[str]
    reasons: list[str]
    opening: str  # "Ủy ban nhân dân xã …, đơn vị Trưởng Cụm thi đua …, kính đề nghị … xem xét:"
    groups: list[ProposedGroup]
    attached: str
    signer_capacity: str | None
    signer_title: str
    signer_name: str | None
    recipients: list[str]


def render_cluster_submission(doc: ClusterSubmissionDocument) -> bytes:
    if not doc.groups or not all(g.units for g in doc.groups):
        raise InvalidInput("Tờ trình phải đề nghị ít nhất một đơn vị.")
    document = _new_document()
    symbol = f"{SUBMISSION_SYMBOL}-{doc.issuer_short}" if doc.issuer_short else SUBMISSION_SYMBOL
    add_header(document, None, doc.issuer, f"Số:      /{symbol}", vietnamese_date_line(doc.place, doc.signed_on))
    _title(document, "TỜ TRÌNH", doc.summary)
    add_paragraph(document, f"Kính gửi: {doc.authority}.", before=6, after=12)
    for basis in [*doc.legal_bases, *doc.reasons]:
        add_body(document, basis, italic=True)
    add_body(document, doc.opening)
    for index, group in enumerate(doc.groups, start=1):
        add_body(document, f"{index}. {group.phrase[0].upper()}{group.phrase[1:]} cho {len(group.units)} tập thể:")
        table = grid_table(document, (15, 60, TEXT_WIDTH_MM - 75), ["STT", "Tập thể", "Thành tích"])
        add_rows(table, ((str(number), unit.unit, unit.achievement)
                         for number, unit in enumerate(group.units, start=1)), aligns=[CENTER, LEFT, LEFT])
        add_spacer(document, 6)
    add_body(document, doc.attached)
    add_body(document, f"Kính trình {doc.authority} xem xét, quyết định./.").paragraph_format.keep_with_next = True
    add_spacer(document, 12).paragraph_format.keep_with_next = True
    left, right = borderless_table(document, (TEXT_WIDTH_MM - 95, 95))
    keep_row_together(left)
    add_paragraph(left, "Nơi nhận:", size=RECIPIENTS_LABEL_PT, bold=True, italic=True, align=LEFT)
    for line in doc.recipients:
        add_paragraph(left, f"- {line}", size=RECIPIENTS_PT, align=LEFT)
    if doc.signer_capacity:
        add_paragraph(right, doc.signer_capacity.upper(), bold=True)
    add_paragraph(right, doc.signer_title.upper(), bold=True)
    add_paragraph(right, doc.signer_name or "", bold=True, before=SIGNATURE_SPACE_PT)
    return _save(document, doc.summary, doc.issuer, doc.signed_on)


def minutes_time(moment: datetime) -> str:
    """"14 giờ 05 phút, ngày 01 tháng 12 năm 2026" (local time given)."""
    return f"{moment:%H} giờ {moment:%M} phút, {vietnamese_date(moment.date())}"


def _new_document() -> DocxDocument:
    document = Document()
    set_up_page_and_fonts(document)
    return document


def _title(document: DocxDocument, kind: str, summary: str) -> None:
    add_paragraph(document, kind, bold=True, before=18)
    add_paragraph(document, summary, bold=True)
    add_rule(document, 25, TEXT_WIDTH_MM)
    add_spacer(document, 12)


def _tally_table(document: DocxDocument, lines: list[TallyLine]) -> None:
    headings, widths = zip(*TALLY_COLUMNS, strict=True)
    table = grid_table(document, widths, list(headings), size=TALLY_PT)
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margins.append(OxmlElement(f"w:{side}", {qn("w:w"): str(round(Mm(TALLY_CELL_MARGIN_MM).twips)),
                                                  qn("w:type"): "dxa"}))
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription")
    add_rows(table, ([str(number), line.unit, f"{line.rank} ({line.total})", str(line.flag), str(line.merit),
                      str(line.none), "\n".join(line.support), line.result]
                     for number, line in enumerate(lines, start=1)),
             aligns=[LEFT if column in (1, 6, 7) else CENTER for column in range(len(widths))], size=TALLY_PT,
             middle=True)


def _labelled(document: DocxDocument, label: str, text: str) -> None:
    paragraph = add_body(document, "")
    add_run(paragraph, label, bold=True)
    add_run(paragraph, f" {text}")


def _heading(document: DocxDocument, text: str) -> None:
    paragraph = add_body(document, "")
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after
    paragraph.paragraph_format.keep_with_next = True  # a heading never ends a page
    add_run(paragraph, text, bold=True)


def _signer_text(signer: Signer) -> str:
    title = signer.title[0] + signer.title[1:].lower()
    who = ", ".join(p for p in (signer.name, signer.unit) if p)
    return f"{who} ({title})" if who else title


def _save(document: DocxDocument, title: str, author: str, day: date) -> bytes:
    props = document.core_properties
    props.title, props.language = title, "vi-VN"
    props.author = props.last_modified_by = author.replace("\n", " ")
    props.created = props.modified = datetime.combine(day, time())
    props.revision = 1
    props.comments = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
