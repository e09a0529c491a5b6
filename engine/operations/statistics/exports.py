"""The tables a unit reports upward, built once from the statistics and written as a workbook (XLSX,
one sheet per table, the total on the last row) or a document (DOCX, Nghị định 30/2020 layout)."""
from __future__ import annotations

import io
from datetime import date, datetime, time

from docx import Document
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from engine.documents.layout import (
    LEFT,
    add_body,
    add_header,
    add_paragraph,
    fill_cell,
    grid_table,
    set_up_page_and_fonts,
    vietnamese_date_line,
)
from engine.operations.statistics.queries import Cell, Statistics, tables
from engine.storage import DOCX, XLSX, NamedFile


def _title(stats: Statistics) -> str:
    return f"Thống kê thi đua, khen thưởng {stats.period.label} — {stats.unit.name} và các đơn vị trực thuộc"


def _filename(stats: Statistics, extension: str) -> str:
    start, end = stats.period.start, stats.period.end
    period = str(stats.period.year) if stats.period.year else f"{start:%d-%m-%Y}-{end:%d-%m-%Y}"
    return f"Thong-ke-khen-thuong-{period}-{stats.unit.name}.{extension}"


def workbook(stats: Statistics) -> NamedFile:
    book = Workbook()
    book.remove(book.active)
    for table in tables(stats):
        sheet = book.create_sheet(table.key[:31])
        sheet.append([_title(stats)])
        sheet.append([table.title])
        sheet["A1"].font = Font(bold=True)
        sheet["A2"].font = Font(bold=True)
        sheet.append(list(table.headings))
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for row in table.rows:
            sheet.append(list(row))
        if table.total is not None:
            sheet.append(list(table.total))
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
        for index, width in enumerate(table.widths_mm):
            sheet.column_dimensions[sheet.cell(row=3, column=index + 1).column_letter].width = width / 2
        sheet.freeze_panes = "A4"
    notes = book.create_sheet("Ghi chú")
    notes.append(["Chưa tách được"])
    for note in stats.cannot_split:
        notes.append([note])
    notes.column_dimensions["A"].width = 120
    out = io.BytesIO()
    book.save(out)
    return NamedFile(out.getvalue(), _filename(stats, "xlsx"), XLSX)


def document(stats: Statistics, on: date) -> NamedFile:
    doc = Document()
    set_up_page_and_fonts(doc)
    parent = stats.unit.parent.name if stats.unit.parent else None
    add_header(doc, parent, stats.unit.name, "Số:      /BC-TĐKT", vietnamese_date_line(stats.unit.place_name, on))
    add_paragraph(doc, "BÁO CÁO", bold=True, before=12)
    add_paragraph(doc, f"Số liệu thi đua, khen thưởng {stats.period.label}", bold=True, after=12)
    add_body(doc, f"Phạm vi: {stats.unit.name} và {stats.units - 1} đơn vị trực thuộc; "
                  f"từ ngày {stats.period.start:%d/%m/%Y} đến ngày {stats.period.end:%d/%m/%Y}.")
    for number, table in enumerate(tables(stats), start=1):
        add_paragraph(doc, f"{number}. {table.title}", bold=True, align=LEFT, before=10, after=4)
        scale = 165 / sum(table.widths_mm)
        grid = grid_table(doc, tuple(w * scale for w in table.widths_mm), list(table.headings))
        body = [*table.rows, table.total] if table.total is not None else table.rows
        for position, row in enumerate(body):
            cells = grid.add_row().cells
            last = table.total is not None and position == len(body) - 1
            for cell, value in zip(cells, row, strict=True):
                fill_cell(cell, _number(value), bold=last)
        if not table.rows:
            add_paragraph(doc, "(Không có số liệu trong kỳ.)", italic=True, align=LEFT)
    add_paragraph(doc, "Chưa tách được", bold=True, align=LEFT, before=10, after=4)
    for note in stats.cannot_split:
        add_body(doc, "- " + note)
    props = doc.core_properties
    props.title, props.language, props.author = _title(stats), "vi-VN", stats.unit.name
    props.created = props.modified = datetime.combine(on, time())
    props.comments = ""
    out = io.BytesIO()
    doc.save(out)
    return NamedFile(out.getvalue(), _filename(stats, "docx"), DOCX)


def _number(value: Cell) -> str:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return value
