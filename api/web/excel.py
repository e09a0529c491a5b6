"""The nomination list as an Excel workbook (openpyxl): the template offered for download, and
reading a filled-in copy into the nominations of a raw dossier, every bad row named by its row
number. Reading only translates the sheet; limits and rules (a name's length, award types in force,
who may receive what, duplicates) are checked by engine/operations/award/inputs.py's check_dossier,
as for any other input, and its faults are put back on their rows."""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from api.web.labels import NOMINEE_KIND, SUBJECT
from engine.operations.award.inputs import (
    MAX_ACHIEVEMENTS,
    MAX_AWARD_CODE,
    MAX_NAME,
    MAX_NOMINATIONS,
    MAX_NOMINEE_UNIT,
    MAX_POSITION,
)
from engine.rules import AwardType
from engine.text import fold
from engine.vocabulary import AwardeeKind

SHEET = "Danh sách đề nghị"
TEMPLATE_NAME = "Mẫu danh sách đề nghị khen thưởng.xlsx"
CATALOGUE_SHEET = "Danh mục khen thưởng"
MAX_ROWS = MAX_NOMINATIONS
FIRST_ROW = 2  # row 1 holds the headers
# field → (header, width, what a header must contain once folded)
COLUMNS = {
    "award_type": ("Loại khen thưởng", 40, ("loai khen thuong", "hinh thuc")),
    "kind": ("Cá nhân hay tập thể", 16, ("ca nhan hay tap the", "doi tuong")),
    "name": ("Họ tên cá nhân hoặc tên tập thể", 32, ("ho ten", "ten tap the")),
    "position": ("Chức vụ", 22, ("chuc vu",)),
    "unit": ("Đơn vị công tác, bộ phận", 28, ("don vi", "noi cong tac", "bo phan")),
    "achievements": ("Tóm tắt thành tích", 60, ("thanh tich",)),
}
REQUIRED = ("award_type", "kind", "name", "achievements")
# The API's limits (engine/operations/award/inputs.py), applied to each cell as it is read, so that an
# over-long cell is refused on its row and never carried further. A label ("Cá nhân", a full award
# name) may be longer than its code: those cells are bounded by the longest name.
CELL_LIMITS = {"award_type": MAX_NAME, "kind": MAX_AWARD_CODE, "name": MAX_NAME, "position": MAX_POSITION,
               "unit": MAX_NOMINEE_UNIT, "achievements": MAX_ACHIEVEMENTS}
# Bounds checked before openpyxl parses anything (issue 11: a 108 KB file unpacked to a 100 MB cell,
# a 14.6 MB one took 26 s and 400 MB). A full list at the limits above fits well inside them.
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_UNPACKED_BYTES = 48 * 1024 * 1024  # every part of the zip, as the zip declares it (and enforces)
MAX_PARTS = 200
MAX_SCANNED_ROWS = FIRST_ROW + 10 * MAX_ROWS  # rows looked at, empty ones included
# The field paths of check_dossier, as the column a user sees.
PATH_COLUMN = {"award_type": "award_type", "nominee.kind": "kind", "nominee.full_name": "name",
               "nominee.name": "name", "nominee": "name", "nominee.person_id": "name", "nominee.position": "position",
               "nominee.unit": "unit", "achievements": "achievements"}
NOMINATION_PATH = re.compile(r"^nominations\[(\d+)\](?:\.(.+))?$")


@dataclass
class Sheet:
    """The rows read: `nominations` as the API's body has them, `rows[i]` the row number of nominations[i]."""

    nominations: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    problems: dict[int, list[str]] = field(default_factory=dict)  # row number (0: the file) → messages
    flagged: set[tuple[int, str]] = field(default_factory=set)  # (row, column) already reported

    def refuse(self, row: int, message: str, column: str = "") -> None:
        if column and (row, column) in self.flagged:
            return  # one message per cell: the sheet's own check said it first
        self.flagged.add((row, column))
        self.problems.setdefault(row, []).append(message)

    def add_domain_errors(self, errors: dict[str, str]) -> None:
        """Errors of the dossier's nominations, keyed `nominations[i].…`, put on their rows."""
        for path, message in errors.items():
            match = NOMINATION_PATH.match(path)
            if match is None or int(match.group(1)) >= len(self.rows):
                continue
            column = PATH_COLUMN.get(match.group(2) or "", "")
            header = COLUMNS[column][0] if column else ""
            self.refuse(self.rows[int(match.group(1))], f"{header}: {message}" if header else message, column)

    def report(self) -> list[tuple[int, list[str]]]:
        return sorted(self.problems.items())


def template(award_types: list[AwardType]) -> bytes:
    """An empty nomination list with headers, drop-down lists, and the award types in force."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    header_fill = PatternFill("solid", fgColor="DCE6F1")
    for index, (header, width, _) in enumerate(COLUMNS.values(), start=1):
        cell = sheet.cell(row=1, column=index, value=header)
        cell.font, cell.fill = Font(bold=True), header_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[cell.column_letter].width = width
    sheet.freeze_panes = "A2"
    catalogue = book.create_sheet(CATALOGUE_SHEET)
    catalogue.append(["Loại khen thưởng", "Dành cho", "Mã"])
    for award in award_types:
        catalogue.append([award.name, SUBJECT[award.subject], award.code])
    for letter, width in (("A", 50), ("B", 22), ("C", 14)):
        catalogue.column_dimensions[letter].width = width
    last = FIRST_ROW + MAX_ROWS - 1
    # A drop-down of the names a clerk reads; the reader takes a name or a code (_award_code).
    codes = DataValidation(type="list", formula1=f"'{CATALOGUE_SHEET}'!$A$2:$A${len(award_types) + 1}",
                           allow_blank=True, showErrorMessage=False)
    kinds = DataValidation(type="list", formula1='"' + ",".join(NOMINEE_KIND.values()) + '"', allow_blank=True)
    codes.add(f"A{FIRST_ROW}:A{last}")
    kinds.add(f"B{FIRST_ROW}:B{last}")
    sheet.add_data_validation(codes)
    sheet.add_data_validation(kinds)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _too_large(data: bytes) -> str | None:
    """Why the file is refused before parsing: what its zip says it unpacks to."""
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except zipfile.BadZipFile:
        return None  # openpyxl's refusal below says it in words
    if len(parts) > MAX_PARTS or sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        return (f"Tệp Excel khi giải nén quá lớn (tối đa {MAX_UNPACKED_BYTES // 1048576} MB). "
                "Hãy dùng tệp mẫu và chia danh sách thành nhiều tệp.")
    return None


def _bound_cells(sheet: Sheet, number: int, cells: dict[str, str]) -> None:
    """Refuse, on its row and column, a cell longer than the API accepts; keep only its allowed part."""
    for name, limit in CELL_LIMITS.items():
        if len(cells.get(name, "")) > limit:
            sheet.refuse(number, f"{COLUMNS[name][0]}: Tối đa {limit} ký tự.", name)
            cells[name] = cells[name][:limit]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split()) if not isinstance(value, str) else value.strip()


def _columns(header: tuple[Any, ...]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, value in enumerate(header):
        text = fold(_cell_text(value))
        for name, (_, _, needles) in COLUMNS.items():
            if name not in found and text and any(needle in text for needle in needles):
                found[name] = index
                break
    return found


def _award_code(text: str, award_types: list[AwardType]) -> str:
    """A code as typed, or the code of an award named in full ("Giấy khen", "GIAY_KHEN — Giấy khen")."""
    head = re.split(r"\s+[-–—:]\s+", text, maxsplit=1)[0].strip()
    by_name = {fold(a.name): a.code for a in award_types}
    return by_name.get(fold(text)) or head.upper()


def _kind(text: str) -> str | None:
    """The code of a kind typed by its label ("Cá nhân", any case and accents) or by its code."""
    folded = fold(text)
    return next((kind.value for kind in AwardeeKind if folded in (fold(kind.label), kind.value)), None)


def _nomination(sheet: Sheet, number: int, cells: dict[str, str], award_types: list[AwardType]) -> dict[str, Any]:
    for name in REQUIRED:
        if not cells.get(name):
            sheet.refuse(number, f"{COLUMNS[name][0]}: bắt buộc nhập.", name)
    kind = _kind(cells.get("kind", ""))
    if cells.get("kind") and kind is None:
        sheet.refuse(number, f"{COLUMNS['kind'][0]}: ghi «Cá nhân», «Tập thể» hoặc «Hộ gia đình», "
                             f"không phải «{cells['kind']}».", "kind")
    name_key = "name" if kind in (AwardeeKind.COLLECTIVE, AwardeeKind.HOUSEHOLD) else "full_name"
    nominee = {"kind": kind or AwardeeKind.INDIVIDUAL.value, name_key: cells.get("name", ""),
               "position": cells.get("position") or None, "unit": cells.get("unit") or None}
    return {"award_type": _award_code(cells.get("award_type", ""), award_types), "nominee": nominee,
            "achievements": cells.get("achievements", "")}


def read(data: bytes, award_types: list[AwardType]) -> Sheet:
    """The nominations of a filled-in template; `problems` says what is wrong with which row."""
    sheet = Sheet()
    if len(data) > MAX_FILE_BYTES:  # read no further than that: a zip so cut is not a zip any more
        sheet.refuse(0, f"Tệp Excel quá lớn (tối đa {MAX_FILE_BYTES // 1048576} MB). "
                        "Hãy chia danh sách thành nhiều tệp.")
        return sheet
    if not zipfile.is_zipfile(io.BytesIO(data)):
        sheet.refuse(0, "Tệp không phải bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải về từ trang này.")
        return sheet
    if (refusal := _too_large(data)) is not None:
        sheet.refuse(0, refusal)
        return sheet
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        columns = _columns(next(rows.iter_rows(max_row=1, values_only=True), ()))
        missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
        if missing:
            sheet.refuse(1, "Không tìm thấy cột: " + ", ".join(missing) + ". Hãy dùng tệp mẫu.")
            return sheet
        values = rows.iter_rows(min_row=FIRST_ROW, max_col=max(columns.values()) + 1, values_only=True)
        for number, row in enumerate(values, start=FIRST_ROW):
            if number > MAX_SCANNED_ROWS:
                sheet.refuse(number, f"Bảng tính quá nhiều dòng: chỉ đọc đến dòng {MAX_SCANNED_ROWS}.")
                break
            cells = {name: _cell_text(row[index]) if index < len(row) else "" for name, index in columns.items()}
            if not any(cells.values()):
                continue
            _bound_cells(sheet, number, cells)
            if len(sheet.rows) >= MAX_ROWS:
                sheet.refuse(number, f"Một lần nhập tối đa {MAX_ROWS} dòng.")
                break
            sheet.nominations.append(_nomination(sheet, number, cells, award_types))
            sheet.rows.append(number)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds on a damaged or foreign file
        sheet.problems.clear()
        sheet.refuse(0, "Không đọc được tệp như một bảng tính Excel (.xlsx). Hãy dùng tệp mẫu tải về từ trang này.")
        return sheet
    if not sheet.nominations and not sheet.problems:
        sheet.refuse(0, "Tệp không có dòng đề nghị nào (từ dòng 2 trở đi).")
    return sheet
