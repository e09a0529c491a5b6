"""Layout shared by every generated document (Nghị định 30/2020/NĐ-CP, Phụ lục I): A4 page,
Times New Roman, the two-column header, body paragraphs, rules, tables and their cells."""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import date

from docx.document import Document as DocxDocument
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Row
from docx.oxml.text.font import CT_RPr
from docx.oxml.text.run import CT_R
from docx.shared import Mm, Pt
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml.etree import SubElement

FONT = "Times New Roman"
# Sizes within ND30's ranges; the national title at 12 pt (of 12–13) stays on one line.
BODY_PT, HEADER_PT, NATIONAL_TITLE_PT, TABLE_PT, RECIPIENTS_LABEL_PT, RECIPIENTS_PT = 14, 13, 12, 13, 12, 11
FIRST_LINE_INDENT = Mm(12.7)  # ND30: 1–1.27 cm
# A4 with margins inside ND30's ranges (top/bottom 20–25, left 30–35, right 15–20 mm).
PAGE_WIDTH_MM, PAGE_HEIGHT_MM = 210, 297
MARGIN_TOP_MM, MARGIN_BOTTOM_MM, MARGIN_LEFT_MM, MARGIN_RIGHT_MM = 20, 20, 30, 15
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM
HEADER_COLUMNS_MM = (68, TEXT_WIDTH_MM - 68)
HEADER_LINE_CHARS = 22  # an issuing body longer than this is split in two lines of similar length
SIGNATURE_SPACE_PT = 84  # room for the signature and the seal

NATIONAL_TITLE, MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"

_RUN_BREAKS = re.compile("([\t\r\n])")  # what python-docx writes as w:tab and w:br rather than text
_TEXT, _TAB, _BREAK, _XML_SPACE = qn("w:t"), qn("w:tab"), qn("w:br"), qn("xml:space")

CENTER, JUSTIFY, LEFT = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY, WD_ALIGN_PARAGRAPH.LEFT


def vietnamese_date(day: date) -> str:
    """`ngày 05 tháng 01 năm 2026`: ND30 pads days 1–9 and months 1–2 with a zero
    (so nobody can turn them into 11–29 or 11–12); other months stay bare (`tháng 3`)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def vietnamese_date_line(place: str, day: date) -> str:
    """`Bình Minh, ngày 05 tháng 01 năm 2026`, the place-and-date line of the header."""
    return f"{place}, {vietnamese_date(day)}"


def add_header(document: DocxDocument, governing_body: str | None, issuer: str, number_line: str,
               date_line: str) -> None:
    """Left: governing body, issuer in bold, a short rule, the number. Right: national title,
    motto, a rule as long as the motto, the place and date in italics."""
    left, right = borderless_table(document, HEADER_COLUMNS_MM)
    if governing_body:
        add_paragraph(left, "\n".join(balanced_lines(governing_body.upper())), size=HEADER_PT)
    add_paragraph(left, "\n".join(balanced_lines(issuer.upper())), size=HEADER_PT, bold=True)
    add_rule(left, 25, HEADER_COLUMNS_MM[0])
    add_paragraph(left, number_line, size=HEADER_PT, before=4)
    add_paragraph(right, NATIONAL_TITLE, size=NATIONAL_TITLE_PT, bold=True)
    add_paragraph(right, MOTTO, size=HEADER_PT, bold=True)
    add_rule(right, 60, HEADER_COLUMNS_MM[1])  # ND30: as long as the motto
    add_paragraph(right, date_line, italic=True, before=4)


def set_up_page_and_fonts(document: DocxDocument) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_WIDTH_MM), Mm(PAGE_HEIGHT_MM)
    section.top_margin, section.bottom_margin = Mm(MARGIN_TOP_MM), Mm(MARGIN_BOTTOM_MM)
    section.left_margin, section.right_margin = Mm(MARGIN_LEFT_MM), Mm(MARGIN_RIGHT_MM)
    # The template's defaults point at theme fonts (Calibri) with 10 pt after each paragraph;
    # anything not set run by run (empty paragraphs, table cells) must still be ND30 text.
    styles = document.styles.element
    default_rpr = styles.xpath("w:docDefaults/w:rPrDefault/w:rPr")[0]
    set_fonts(default_rpr)
    for tag, value in (("w:sz", str(BODY_PT * 2)), ("w:szCs", str(BODY_PT * 2)), ("w:lang", "vi-VN")):
        default_rpr.find(qn(tag)).set(qn("w:val"), value)
    for key, value in (("w:after", "0"), ("w:line", "240")):
        styles.xpath("w:docDefaults/w:pPrDefault/w:pPr/w:spacing")[0].set(qn(key), value)
    normal = document.styles["Normal"]
    normal.font.size = Pt(BODY_PT)
    set_fonts(normal.element.get_or_add_rPr())


def set_fonts(rpr: CT_RPr) -> None:
    """Times New Roman for every script slot; theme attributes would otherwise win in Word."""
    fonts = rpr.get_or_add_rFonts()
    for slot in ("ascii", "hAnsi", "eastAsia", "cs"):
        fonts.set(qn(f"w:{slot}"), FONT)
    for theme in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme}"), None)


def add_paragraph(container: DocxDocument | _Cell, text: str, *, size: float = BODY_PT, bold: bool = False,
                  italic: bool = False, align: WD_ALIGN_PARAGRAPH = CENTER, before: float = 0,
                  after: float = 0) -> Paragraph:
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment, fmt.space_before, fmt.space_after = align, Pt(before), Pt(after)
    if text:
        add_run(paragraph, text, size=size, bold=bold, italic=italic)  # "\n" becomes a line break
    return paragraph


def add_body(document: DocxDocument, text: str, *, italic: bool = False) -> Paragraph:
    """A justified body paragraph with ND30's first-line indent and 6 pt between paragraphs."""
    paragraph = add_paragraph(document, text, italic=italic, align=JUSTIFY, after=6)
    paragraph.paragraph_format.first_line_indent = FIRST_LINE_INDENT
    return paragraph


def add_run(paragraph: Paragraph, text: str, *, size: float = BODY_PT, bold: bool = False,
            italic: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size, run.bold, run.italic = Pt(size), bold or None, italic or None  # None: inherit, no noise
    set_fonts(run._r.get_or_add_rPr())


def add_rule(container: DocxDocument | _Cell, length_mm: float, width_mm: float) -> None:
    """A centred solid line `length_mm` long: the bottom border of a thin empty paragraph
    squeezed by indents, which Word and LibreOffice both draw without a drawing object."""
    paragraph = container.add_paragraph()
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    borders.append(OxmlElement("w:bottom", {qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1"}))
    ppr.append(borders)  # first child, so the schema order holds when spacing and ind are added
    side = Mm(max(width_mm - length_mm, 0) / 2)
    fmt = paragraph.paragraph_format
    fmt.left_indent = fmt.right_indent = side
    fmt.space_before = fmt.space_after = Pt(0)
    mark_size(paragraph, 2)


def add_spacer(document: DocxDocument, height_pt: float) -> Paragraph:
    paragraph = add_paragraph(document, "")
    mark_size(paragraph, height_pt)
    return paragraph


def keep_row_together(cell: _Cell) -> None:
    """The row of `cell` may not break across pages (Word's and LibreOffice's "cantSplit")."""
    row_properties = cell._tc.getparent().get_or_add_trPr()
    row_properties.append(OxmlElement("w:cantSplit"))


def mark_size(paragraph: Paragraph, size_pt: float) -> None:
    """The paragraph mark's font size sets the height of an empty paragraph."""
    mark = OxmlElement("w:rPr")
    mark.append(OxmlElement("w:sz", {qn("w:val"): str(round(size_pt * 2))}))
    paragraph._p.get_or_add_pPr().append(mark)  # last child of pPr, where the schema wants it


def borderless_table(document: DocxDocument, widths_mm: tuple[float, ...]) -> list[_Cell]:
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        borders.append(OxmlElement(f"w:{edge}", {qn("w:val"): "nil"}))
    table._tbl.tblPr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook")
    set_widths(table, widths_mm)
    cells = list(table.rows[0].cells)
    for cell in cells:  # start empty: content is added with add_paragraph
        cell._tc.remove(cell.paragraphs[0]._p)
    return cells


def grid_table(document: DocxDocument, widths_mm: tuple[float, ...], headings: list[str], *,
               size: float = TABLE_PT) -> Table:
    """A bordered table, centred, with a bold heading row that repeats on every page."""
    table = document.add_table(rows=1, cols=len(widths_mm))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    set_widths(table, widths_mm)
    header_row = table.rows[0]
    header_row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))  # repeat on every page
    for cell, heading in zip(header_row.cells, headings, strict=True):
        fill_cell(cell, heading, bold=True, align=CENTER, size=size)
    return table


def set_widths(table: Table, widths_mm: tuple[float, ...]) -> None:
    # LibreOffice reads the grid, Word reads each cell: set both, and stop Word re-fitting them.
    table.autofit = False
    for column, width in zip(table.columns, widths_mm, strict=True):
        column.width = Mm(width)
        for cell in column.cells:
            cell.width = Mm(width)


def fill_cell(cell: _Cell, text: str, *, bold: bool = False, align: WD_ALIGN_PARAGRAPH = LEFT,
              size: float = TABLE_PT) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.alignment = align
    paragraph.paragraph_format.space_before = paragraph.paragraph_format.space_after = Pt(2)
    if text:
        add_run(paragraph, text, size=size, bold=bold)


def add_rows(table: Table, rows: Iterable[Sequence[str]], *, aligns: Sequence[WD_ALIGN_PARAGRAPH],
             size: float = TABLE_PT, middle: bool = False) -> None:
    """Append `rows` of texts to `table`, every cell exactly as `fill_cell` fills it (aligned as `aligns`
    says, column by column, at `size`; "\n" a line break, "" an empty cell); with `middle` its cells
    centred vertically. A row never breaks across pages: a name and its unit are read on one page,
    under the heading row repeated at the top of it. Every long table of a
    round's documents (a thousand names) goes through here: python-docx adds a row in ~1 ms and its
    `row.cells` lays out the whole table each time, so a list grew by the square of its length. One
    prototype row is built with python-docx, then each row is a copy of its XML with its texts set,
    the same XML python-docx writes (tests/engine/test_document_rows.py)."""
    prototype = table.add_row()._tr
    prototype.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
    cells = row_cells(table, prototype)
    for cell, align in zip(cells, aligns, strict=True):
        fill_cell(cell, "-", align=align, size=size)
        if middle:
            cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    tbl = prototype.getparent()
    tbl.remove(prototype)
    # Where each cell's one run and its one w:t sit, as child positions (plain lxml indexing: python-docx's
    # own accessors run an XPath query each).
    paths = []
    for tc in prototype.tc_lst:
        paragraph = tc.p_lst[0]
        run = paragraph.r_lst[0]
        paths.append((prototype.index(tc), tc.index(paragraph), paragraph.index(run), run.index(run.t_lst[0])))
    for values in rows:
        if len(values) != len(paths):
            raise ValueError(f"a row of {len(values)} cells in a table of {len(paths)} columns")
        row = deepcopy(prototype)
        for (at_tc, at_p, at_r, at_t), value in zip(paths, values, strict=True):
            paragraph = row[at_tc][at_p]
            run = paragraph[at_r]
            if not value:
                paragraph.remove(run)  # fill_cell adds no run for an empty cell
                continue
            text = run[at_t]
            if _RUN_BREAKS.search(value):
                run.remove(text)
                _append_text(run, value)
            else:  # most cells: the prototype's w:t takes the value
                text.text = value
                if value != value.strip():
                    text.set(_XML_SPACE, "preserve")
        tbl.append(row)


def _append_text(run: CT_R, text: str) -> None:
    """What python-docx's `Run.text = text` appends to a run: the text in w:t elements, each "\t" a
    w:tab and each "\n" or "\r" a w:br, xml:space="preserve" on a w:t with outer spaces; without its
    character-by-character loop and XPath queries."""
    for piece in _RUN_BREAKS.split(text):
        if piece == "\t":
            SubElement(run, _TAB)
        elif piece in ("\n", "\r"):
            SubElement(run, _BREAK)
        elif piece:
            element = SubElement(run, _TEXT)
            element.text = piece
            if piece != piece.strip():
                element.set(_XML_SPACE, "preserve")


def row_cells(table: Table, row: CT_Row) -> list[_Cell]:
    """A row's cells without python-docx's `row.cells`, which lays out the whole table each time.
    For rows that merge no cells (every table here)."""
    return [_Cell(tc, table) for tc in row.tc_lst]


def balanced_lines(text: str, limit: int = HEADER_LINE_CHARS) -> list[str]:
    """Keep the caller's line breaks; split a longer line where both halves come out closest in
    length, as offices write "ỦY BAN NHÂN DÂN / XÃ BÌNH MINH" instead of leaving "MINH" alone."""
    lines: list[str] = []
    for line in text.split("\n"):
        words = line.split()
        if len(line) <= limit or len(words) < 2:
            lines.append(line)
            continue
        # On a tie the first line takes the extra word: "PHÒNG GIÁO DỤC / VÀ ĐÀO TẠO".
        cut = min(range(1, len(words)), key=lambda i: (max(len(" ".join(words[:i])), len(" ".join(words[i:]))), -i))
        lines += [" ".join(words[:cut]), " ".join(words[cut:])]
    return lines
