"""A history workbook as an office would fill it: people of several units over years, with awards
(some under a recorded decision), initiatives and yearly grades; on demand, bad rows, homonyms and
a person who moved. Used by the import tests and by bench/history_import.py."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from engine.operations.registry.history import COLUMNS, SHEET

HEADERS = [c.header for c in COLUMNS]
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Ngọc", "Quang", "Thu"]
GIVEN = ["An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Long", "Mai", "Nam", "Phương",
         "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Tươi", "Vân", "Yến"]
AWARDS = ["LDTT", "CSTD_CS", "Giấy khen", "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"]  # a printed name reads too
GRADES = ["Hoàn thành xuất sắc nhiệm vụ", "Hoàn thành tốt nhiệm vụ", "HTNV"]


@dataclass
class HistoryFile:
    data: bytes
    rows: int  # data rows
    bad: dict[int, str] = field(default_factory=dict)  # row number → the column at fault


def row(**cells: object) -> list[object]:
    by_key = {c.key: i for i, c in enumerate(COLUMNS)}
    values: list[object] = [None] * len(COLUMNS)
    for key, value in cells.items():
        values[by_key[key]] = value
    return values


def generate(units: list[str], people: int, *, years: range = range(2016, 2026), extra: list[list[object]] = (),
             bad: bool = False) -> HistoryFile:
    """`people` individuals spread over `units`, one row per person and year (an award every year, a
    decision on odd years, an initiative every fourth, a grade every year); `extra` rows appended."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(SHEET)
    sheet.append(HEADERS)
    number, out = 1, HistoryFile(b"", 0)
    for p in range(people):
        name = f"{FAMILY[p % 10]} {MIDDLE[(p // 10) % 8]} {GIVEN[(p // 80) % 23]} {p // 1840 or ''}".strip()
        born = f"{1 + p % 28:02d}/{1 + p % 12:02d}/{1960 + p % 40}"
        unit = units[p % len(units)]
        for year in years:
            number += 1
            award = AWARDS[(p + year) % len(AWARDS)]
            decision = ({"decision_number": f"{p % 97 + 1}/QĐ-UBND", "decision_date": f"20/12/{year}",
                         "decision_issuer": f"UBND {unit}"} if year % 2 else {})
            initiative = ({"initiative": f"Sáng kiến {p}-{year}", "initiative_level": "cấp cơ sở"}
                          if (p + year) % 4 == 0 else {})
            sheet.append(row(name=name, birth_date=born, gender="Nam" if p % 2 else "Nữ", unit=unit,
                             position="Chuyên viên", year=year, award=award, grade=GRADES[(p + year) % 3],
                             **decision, **initiative))
    for values in extra:
        number += 1
        sheet.append(values)
    if bad:
        for column, values in (
                ("year", row(name="Lỗi Năm", unit=units[0], year="năm ngoái", award="LDTT")),
                ("unit", row(name="Lỗi Đơn Vị", unit="KHONG-CO", year=2020, award="LDTT")),
                ("award", row(name="Lỗi Khen", unit=units[0], year=2020, award="Huy chương vàng")),
                ("birth_date", row(name="Lỗi Ngày", birth_date="31/02/1980", unit=units[0], year=2020, award="LDTT")),
                ("national_id", row(name="Lỗi CCCD", national_id="12AB", unit=units[0], year=2020, award="LDTT")),
                ("decision_date", row(name="Lỗi QĐ", unit=units[0], year=2020, award="LDTT",
                                      decision_number="5/QĐ-UBND", decision_issuer="UBND xã")),
                ("grade", row(name="Lỗi Xếp Loại", unit=units[0], year=2020, grade="giỏi")),
                ("name", row(unit=units[0], year=2020, award="LDTT")),
        ):
            number += 1
            sheet.append(values)
            out.bad[number] = column
    buffer = io.BytesIO()
    book.save(buffer)
    out.data, out.rows = shared_strings(buffer.getvalue()), number - 1
    return out


_INLINE = re.compile(rb'<c r="([A-Z]+\d+)" t="inlineStr"><is><t>(.*?)</t></is></c>', re.S)
_SST = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def shared_strings(data: bytes) -> bytes:
    """The workbook with its text in a shared-strings table, as Excel and LibreOffice save it (openpyxl
    writes each text inline, which no office file has and which reads twice as slowly)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    strings: dict[bytes, int] = {}

    def index(match: re.Match[bytes]) -> bytes:
        return b'<c r="%s" t="s"><v>%d</v></c>' % (match.group(1), strings.setdefault(match.group(2), len(strings)))

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = _INLINE.sub(index, body)
                if b"<dimension" not in body:  # Excel writes the sheet's extent; without it a reader scans twice
                    last = body.rfind(b'<row r="')
                    rows = body[last + 8:body.index(b'"', last + 8)] if last >= 0 else b"1"
                    body = body.replace(b"<sheetViews>", b'<dimension ref="A1:%s%s"/><sheetViews>'
                                        % (get_column_letter(len(COLUMNS)).encode(), rows), 1)
            elif info.filename == "[Content_Types].xml":
                body = body.replace(b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" '
                                                 f'ContentType="{_SST}"/></Types>'.encode())
            elif info.filename == "xl/_rels/workbook.xml.rels":
                body = body.replace(b"</Relationships>", f'<Relationship Id="rIdSharedStrings" Type="{_SST_REL}" '
                                                         'Target="sharedStrings.xml"/></Relationships>'.encode())
            target.writestr(info, body)
        table = b"".join(b"<si><t>%s</t></si>" % text for text in strings)
        target.writestr("xl/sharedStrings.xml", b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.'
                        b'openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">%s</sst>'
                        % (len(strings), len(strings), table))
    return out.getvalue()
