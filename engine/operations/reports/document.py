"""The DOCX of a periodic report (Nghị định 30/2020 layout): the header of the unit, the title, the
office's text, the units below and whether they reported, then the unit's statistics tables."""
from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from docx import Document

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
from engine.models import PeriodicReport, Unit
from engine.operations.statistics.queries import ReportTable
from engine.vocabulary import ReportStatus


@dataclass(frozen=True)
class Reporting:
    """A unit directly below, and its report of that year and kind (None: not started)."""

    unit: Unit
    report: PeriodicReport | None
    due_on: date | None = None  # the last day to submit (reports/deadline.py)
    late: bool = False  # submitted after it, or not submitted and past it

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.status is ReportStatus.SUBMITTED


def render(report: PeriodicReport, below: list[Reporting], figures: list[ReportTable], on: date) -> bytes:
    unit = report.unit
    document = Document()
    set_up_page_and_fonts(document)
    add_header(document, unit.parent.name if unit.parent else None, unit.name, "Số:      /BC",
               vietnamese_date_line(unit.place_name, on))
    add_paragraph(document, "BÁO CÁO", bold=True, before=12)
    add_paragraph(document, f"{report.kind.label.removeprefix('báo cáo ').capitalize()} {report.year} "
                            "công tác thi đua, khen thưởng", bold=True, after=12)
    for paragraph in (report.body or "").split("\n"):
        if paragraph.strip():
            add_body(document, paragraph.strip())
    if below:
        reported = sum(1 for item in below if item.submitted)
        add_paragraph(document, f"Các đơn vị trực thuộc đã báo cáo: {reported}/{len(below)}", bold=True, align=LEFT,
                      before=10, after=4)
        for item in below:
            state = ("đã gửi báo cáo ngày " + f"{item.report.submitted_at:%d/%m/%Y}"
                     if item.submitted and item.report and item.report.submitted_at else "chưa gửi báo cáo")
            add_body(document, f"- {item.unit.name}: {state}.")
    add_paragraph(document, "Phụ lục: số liệu thống kê", bold=True, align=LEFT, before=10, after=4)
    for number, table in enumerate(figures, start=1):
        add_paragraph(document, f"{number}. {table.title}", bold=True, align=LEFT, before=6, after=4)
        scale = 165 / sum(table.widths_mm)
        grid = grid_table(document, tuple(w * scale for w in table.widths_mm), list(table.headings))
        for row in [*table.rows, *([table.total] if table.total is not None else [])]:
            for cell, value in zip(grid.add_row().cells, row, strict=True):
                fill_cell(cell, str(value))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
