"""Registrations (đăng ký thi đua) imported from an Excel sheet: one row per person or collective and
title. The file is read within the registry's bounds (engine/operations/registry/history.py: size,
unpacked size, values only, read-only); every bad row is named by its cell (`D5`: row 5, column D)
and nothing is registered unless every row is good."""
from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from engine.context import Context
from engine.db import MAX_ID
from engine.errors import InvalidInput
from engine.models import AwardeeKind, Movement, Registration
from engine.operations.emulation import commands
from engine.operations.emulation.inputs import MAX_NAME, MAX_POSITION, RegistrationLine, RegistrationsInput
from engine.operations.registry import history
from engine.storage import XLSX, NamedFile
from engine.text import fold

SHEET = "Đăng ký thi đua"
MAX_ROWS = 5000
TEMPLATE_NAME = "Mẫu đăng ký thi đua.xlsx"


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    example: str


COLUMNS = (
    Column("kind", "Cá nhân / tập thể", "Cá nhân"),
    Column("name", "Họ và tên (tên tập thể)", "Nguyễn Văn An"),
    Column("position", "Chức vụ", "Công chức Văn hóa - Xã hội"),
    Column("award_type", "Danh hiệu đăng ký", "Lao động tiên tiến"),
    Column("movement", "Số phong trào (nếu có)", ""),
)
_KINDS = {fold(k.label): k for k in AwardeeKind} | {k.value: k for k in AwardeeKind}


def template_file() -> NamedFile:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    sheet.append([c.header for c in COLUMNS])
    sheet.append([c.example for c in COLUMNS])
    for index, _column in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = 30
    out = io.BytesIO()
    book.save(out)
    return NamedFile(out.getvalue(), TEMPLATE_NAME, XLSX)


def _cell(column: str, row: int) -> str:
    return f"{get_column_letter(next(i for i, c in enumerate(COLUMNS) if c.key == column) + 1)}{row}"


def _header(column: str) -> str:
    return next(c.header for c in COLUMNS if c.key == column)


def _rows(data: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        yield from enumerate(sheet.iter_rows(max_col=len(COLUMNS), values_only=True), start=1)
    finally:
        book.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def read_sheet(ctx: Context, data: bytes) -> list[tuple[int, RegistrationLine]]:  # noqa: C901 - one loop, its faults
    """The good rows as lines, or InvalidInput naming every bad cell ("Dòng 5, cột Danh hiệu đăng ký: …")."""
    history._check_package(data)  # the registry's bounds on an uploaded workbook
    known = commands.award_codes(ctx)
    errors: dict[str, str] = {}
    bad: set[int] = set()
    lines: list[tuple[int, RegistrationLine]] = []

    def fault(row: int, column: str, message: str) -> None:
        bad.add(row)
        errors.setdefault(_cell(column, row), f"Dòng {row}, cột {_header(column)}: {message}")

    for number, values in _rows(data):
        if number == 1:
            continue
        if number > MAX_ROWS + 1:
            raise InvalidInput(f"Tệp có quá {MAX_ROWS} dòng.", {"file": "Quá nhiều dòng."})
        cells = {c.key: _text(values[i]) if i < len(values) else "" for i, c in enumerate(COLUMNS)}
        if not any(cells.values()):
            continue
        kind = _KINDS.get(fold(cells["kind"]) or AwardeeKind.INDIVIDUAL.value)
        if kind is None:
            fault(number, "kind", "Ghi \"Cá nhân\" hoặc \"Tập thể\".")
        name = cells["name"]
        if not name:
            fault(number, "name", "Bắt buộc nhập.")
        elif len(name) > MAX_NAME:
            fault(number, "name", f"Tối đa {MAX_NAME} ký tự.")
        if len(cells["position"]) > MAX_POSITION:
            fault(number, "position", f"Tối đa {MAX_POSITION} ký tự.")
        code = known.get(fold(cells["award_type"])) if cells["award_type"] else None
        if not cells["award_type"]:
            fault(number, "award_type", "Bắt buộc nhập.")
        elif code is None:
            fault(number, "award_type", f"Không có danh hiệu \"{cells['award_type']}\" trong danh mục.")
        movement = None
        if cells["movement"]:
            if not cells["movement"].isdigit() or not 1 <= int(cells["movement"]) <= MAX_ID:
                fault(number, "movement", "Cần số của phong trào (số nguyên).")
            else:
                movement = int(cells["movement"])
                if ctx.session.get(Movement, movement) is None:
                    fault(number, "movement", f"Không có phong trào số {movement}.")
        if number not in bad and kind is not None and code is not None:
            lines.append((number, RegistrationLine(kind, name, cells["position"] or None, code, None, movement)))
    if errors:
        raise InvalidInput(f"Tệp có {len(bad)} dòng không hợp lệ; chưa đăng ký gì. Sửa các ô được nêu rồi tải lên lại.",
                           errors)
    if not lines:
        raise InvalidInput("Tệp không có dòng đăng ký nào.", {"file": "Không có dòng nào."})
    return lines


def import_registrations(ctx: Context, unit_id: int, year: int, data: bytes) -> list[Registration]:
    """All or nothing: every row good, then registered for the unit and year as if typed."""
    lines = [line for _number, line in read_sheet(ctx, data)]
    return commands.register(ctx, RegistrationsInput(unit_id, year, lines), lines_checked=True)
