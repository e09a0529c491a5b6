"""Importing years of award history from an Excel workbook into the registry.

One row is one fact of one person or collective in one year (or school year): an award (with the
decision behind it), a recognised initiative, a yearly grade, or several of them at once. The file
is streamed (openpyxl read-only, values only) within bounds on its bytes, its unpacked size, its
rows and each cell; every row is checked first and each fault is named by its cell (`D12`: row 12,
column D) in Vietnamese. Then either nothing is written because a row is bad (`import_history`), or,
for large files, `preview_history` keeps the file and lists the bad rows, and `confirm_history`
writes the good ones when the office confirms.

Importing is idempotent: a person is found by the identity rules (identity.py; the file's rows of one
person are grouped by code, else name and birth date, else name and unit), and each record by its
natural key — an award by (person, type, year), an initiative by (person, folded title, year), a
yearly grade by (person, year), a decision by (number, date, folded issuer) — so the same file twice
adds nothing. Writes are bulk inserts (SQLAlchemy Core), one audit event per import.
"""
from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Table, insert, select

from engine import audit
from engine.clock import local_today
from engine.context import Context
from engine.db import Base
from engine.errors import AmbiguousPerson, Conflict, InvalidInput, NotFound
from engine.models import (
    Awardee,
    AwardeeKind,
    DossierKind,
    Gender,
    GrantedAward,
    HistoryImport,
    ImportStatus,
    Initiative,
    InitiativeLevel,
    Membership,
    RegistryDecision,
    TaskGrade,
    Unit,
    YearlyGrade,
)
from engine.operations.access import is_admin
from engine.operations.registry.identity import Identity, Pool, hash_national_id, same_name
from engine.operations.registry.queries import office_units, require_registry_office
from engine.rules import load_rules
from engine.storage import XLSX, NamedFile
from engine.text import fold
from engine.vocabulary import AuditAction

SHEET = "Lịch sử khen thưởng"
GUIDE_SHEET = "Hướng dẫn"
TEMPLATE_NAME = "Mẫu nhập lịch sử khen thưởng.xlsx"
MAX_BYTES = 30 * 1024 * 1024  # the file as uploaded (a request is refused above 32 MB anyway)
MAX_UNPACKED = 400 * 1024 * 1024  # its XML once unzipped: a small bomb is refused before parsing
MAX_ROWS = 100_000
MAX_CELL = 500  # characters in one cell
MAX_COLUMNS = 40  # columns read; anything to the right is ignored
MIN_YEAR, MAX_YEAR = 1945, 2200
KEPT_PROBLEMS = 2000  # bad rows listed by a preview (the count is always exact)
HEADER_ROW, FIRST_ROW = 1, 2
_SCHOOL_YEAR = re.compile(r"^\s*(\d{4})\s*[-–/]\s*(\d{4})\s*$")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    note: str


COLUMNS = (
    Column("code", "Mã cá nhân, tập thể", 16, "Không bắt buộc: mã trong sổ theo dõi, nếu có."),
    Column("kind", "Cá nhân hay tập thể", 14, "Cá nhân (mặc định) hoặc Tập thể."),
    Column("name", "Họ tên cá nhân hoặc tên tập thể", 30, "Bắt buộc."),
    Column("birth_date", "Ngày sinh", 12, "dd/mm/yyyy; giúp phân biệt người trùng tên."),
    Column("gender", "Giới tính", 9, "Nam hoặc Nữ."),
    Column("national_id", "Số CCCD", 15, "12 chữ số (CMND cũ: 9); chỉ lưu giá trị băm, không lưu số."),
    Column("unit", "Mã đơn vị", 14, "Bắt buộc: mã đơn vị công tác trong năm đó (theo sơ đồ tổ chức)."),
    Column("position", "Chức vụ", 18, "Không bắt buộc."),
    Column("year", "Năm hoặc năm học", 12, "Bắt buộc: 2023, hoặc năm học 2023-2024 (tính là năm 2024)."),
    Column("award", "Danh hiệu, hình thức khen thưởng", 28, "Mã (CSTD_CS) hoặc tên (Chiến sĩ thi đua cơ sở)."),
    Column("award_kind", "Loại khen thưởng", 14, "Thường xuyên (mặc định), đột xuất, chuyên đề…"),
    Column("decision_number", "Số quyết định", 16, "Ví dụ 12/QĐ-UBND; cùng ngày và cơ quan ban hành."),
    Column("decision_date", "Ngày quyết định", 14, "dd/mm/yyyy."),
    Column("decision_issuer", "Cơ quan ban hành", 24, "Ví dụ UBND tỉnh Nam Định."),
    Column("initiative", "Tên sáng kiến", 30, "Nếu dòng ghi một sáng kiến được công nhận."),
    Column("initiative_level", "Phạm vi sáng kiến", 14, "Cấp cơ sở, cấp tỉnh hoặc toàn quốc."),
    Column("grade", "Xếp loại", 26, "Hoàn thành xuất sắc / tốt / hoàn thành / không hoàn thành nhiệm vụ."),
)
_BY_HEADER = {fold(c.header): c.key for c in COLUMNS} | {c.key: c.key for c in COLUMNS}
_GRADES = {fold(g.label): g for g in TaskGrade} | {
    "htxsnv": TaskGrade.EXCELLENT, "httnv": TaskGrade.GOOD, "htnv": TaskGrade.DONE, "khtnv": TaskGrade.NOT_DONE,
    **{g.value: g for g in TaskGrade}}
_LEVELS = {fold(level.label): level for level in InitiativeLevel} | {
    "co so": InitiativeLevel.GRASSROOTS, "tinh": InitiativeLevel.PROVINCE, "toan quoc": InitiativeLevel.NATIONAL,
    "cap toan quoc": InitiativeLevel.NATIONAL, **{level.value: level for level in InitiativeLevel}}
_KINDS = {fold(k.label): k for k in AwardeeKind} | {k.value: k for k in AwardeeKind}
_GENDERS = {"nam": Gender.MALE, "nu": Gender.FEMALE, **{g.value: g for g in Gender}}
_AWARD_KINDS = {fold(k.label): k for k in DossierKind} | {k.value: k for k in DossierKind}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # a column key, "" for the whole row or file
    message: str

    @property
    def cell(self) -> str:
        if not self.column:
            return f"dòng {self.row}" if self.row else "tệp"
        return f"{get_column_letter(_POSITION[self.column] + 1)}{self.row}"

    @property
    def text(self) -> str:
        if not self.column:
            return f"Dòng {self.row}: {self.message}" if self.row else self.message
        return f"Dòng {self.row}, cột {_HEADER[self.column]}: {self.message}"

    def as_list(self) -> list[Any]:
        return [self.row, self.cell, self.text]


_POSITION = {c.key: i for i, c in enumerate(COLUMNS)}
_HEADER = {c.key: c.header for c in COLUMNS}


@dataclass(frozen=True)
class DecisionKey:
    number: str
    signed_on: date
    issuer: str

    @property
    def natural(self) -> tuple[str, date, str]:
        return (self.number, self.signed_on, _folded(self.issuer))


@dataclass(frozen=True)
class Row:
    """One good row, typed."""

    number: int
    code: str | None
    kind: AwardeeKind
    name: str
    birth_date: date | None
    gender: Gender | None
    id_hash: str | None
    unit_id: int
    position: str | None
    year: int
    period: str | None
    award_type: str | None
    award_kind: DossierKind
    decision: DecisionKey | None
    initiative: str | None
    initiative_level: InitiativeLevel | None
    grade: TaskGrade | None

    @property
    def person_key(self) -> tuple[Any, ...]:
        if self.code:
            return ("code", self.code)
        if self.birth_date is not None:
            return (self.kind, same_name(self.name), self.birth_date)
        if self.id_hash is not None:
            return (self.kind, same_name(self.name), self.id_hash)
        return (self.kind, same_name(self.name), self.unit_id)


@dataclass
class Reading:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    rows_read: int = 0

    def refuse(self, row: int, column: str, message: str) -> None:
        self.problems.append(Problem(row, column, message))
        self.bad_rows.add(row)

    def good(self) -> list[Row]:
        return [r for r in self.rows if r.number not in self.bad_rows]


# ---- the template ------------------------------------------------------------------------------

def template(ctx: Context) -> bytes:
    """An empty history sheet with its headers, a guide, and the award types of every rules version."""
    require_registry_office(ctx)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = SHEET
    fill = PatternFill("solid", fgColor="DCE6F1")
    for i, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=i, value=column.header)
        cell.font, cell.fill = Font(bold=True), fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(i)].width = column.width
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(GUIDE_SHEET)
    guide.append(["Cột", "Cách ghi"])
    for column in COLUMNS:
        guide.append([column.header, column.note])
    guide.append([])
    guide.append(["Mã khen thưởng", "Tên"])
    for code, name in sorted(_award_names(ctx).items()):
        guide.append([code, name])
    guide.append([])
    guide.append(["Xếp loại", "Cách ghi"])
    for grade in TaskGrade:
        guide.append([grade.label[:1].upper() + grade.label[1:], grade.value])
    guide.column_dimensions["A"].width, guide.column_dimensions["B"].width = 32, 80
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _award_names(ctx: Context) -> dict[str, str]:
    catalogue, _calendar = load_rules(ctx.settings.rules_dir)
    names: dict[str, str] = {}
    for version in catalogue.versions:
        for award_type in version.award_types:
            names.setdefault(award_type.code, award_type.name)
    return names


def _award_aliases(ctx: Context) -> dict[str, str]:
    """Every name an award type is known by: its name in each rules version and the name each issuer
    prints on it ("Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh"), so an old file's wording still reads."""
    catalogue, _calendar = load_rules(ctx.settings.rules_dir)
    aliases: dict[str, str] = {}
    for version in catalogue.versions:
        for award_type in version.award_types:
            for name in (award_type.name, *(printed for _level, printed in award_type.printed_names)):
                aliases.setdefault(name, award_type.code)
    return aliases


# ---- reading -----------------------------------------------------------------------------------

def _check_package(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"Tệp lớn hơn {MAX_BYTES // (1024 * 1024)} MB.", {"file": "Tệp quá lớn."})
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InvalidInput("Tệp không phải bảng tính Excel (.xlsx); hãy dùng tệp mẫu.", {"file": "Không phải .xlsx."})
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        if sum(info.file_size for info in package.infolist()) > MAX_UNPACKED:
            raise InvalidInput("Tệp giải nén quá lớn để đọc.", {"file": "Tệp quá lớn khi giải nén."})


def _cells(data: bytes) -> Iterator[tuple[int, tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
        yield from enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1)
    finally:
        book.close()


_folded = lru_cache(maxsize=8192)(fold)  # the cells of a column repeat: fold each distinct text once


@lru_cache(maxsize=8192)
def _parse_day(text: str) -> date | None:
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        return value.date().isoformat()
    return " ".join(str(value).split())


class _Reader:
    """Turns the rows of the sheet into typed rows, noting each fault by cell."""

    def __init__(self, ctx: Context, scope: set[int] | None) -> None:
        self.ctx = ctx
        self.today = local_today(ctx.clock)
        self.units = {code: (uid, _folded(code)) for uid, code in ctx.session.execute(select(Unit.id, Unit.code))}
        self.units_folded = {folded: uid for _code, (uid, folded) in self.units.items()}
        self.scope = scope
        aliases = _award_aliases(ctx)
        self.awards = {_folded(code): code for code in aliases.values()} | {
            _folded(alias): code for alias, code in aliases.items()}
        self.reading = Reading()
        self.hashes: dict[str, str] = {}

    def header(self, values: tuple[Any, ...]) -> dict[str, int]:
        found: dict[str, int] = {}
        for index, value in enumerate(values):
            key = _BY_HEADER.get(_folded(_text(value)))
            if key is not None:
                found.setdefault(key, index)
        missing = [_HEADER[k] for k in ("name", "unit", "year") if k not in found]
        if missing:
            raise InvalidInput("Không tìm thấy cột: " + ", ".join(missing) + ". Hãy dùng tệp mẫu.",
                               {"file": "Thiếu cột bắt buộc."})
        return found

    def row(self, number: int, values: tuple[Any, ...], columns: dict[str, int]) -> None:
        raw = {key: values[i] if i < len(values) else None for key, i in columns.items()}
        cells = {key: _text(value) for key, value in raw.items()}
        if not any(cells.values()):
            return
        self.reading.rows_read += 1
        r = self.reading
        bad = len(r.problems)
        for key, value in cells.items():
            if len(value) > MAX_CELL:
                r.refuse(number, key, f"Tối đa {MAX_CELL} ký tự.")
                cells[key] = ""
        kind, born, gender, id_hash = self.who(number, raw, cells)
        unit_id = self.unit(number, cells.get("unit", ""))
        year, period = self.year(number, cells.get("year", ""))
        award_type, award_kind = self.award(number, cells)
        decision = self.decision(number, raw, cells, bool(cells.get("award")))
        initiative, level = self.initiative(number, cells)
        grade = self.grade(number, cells.get("grade", ""))
        if not any(cells.get(k) for k in ("award", "initiative", "grade")):
            r.refuse(number, "", "Dòng không ghi khen thưởng, sáng kiến hay xếp loại nào.")
        if len(r.problems) > bad or kind is None or unit_id is None or year is None:
            return
        r.rows.append(Row(number, cells.get("code") or None, kind, cells["name"], born, gender, id_hash, unit_id,
                          cells.get("position") or None, year, period, award_type, award_kind, decision,
                          initiative, level, grade))

    def who(self, number: int, raw: dict[str, Any], cells: dict[str, str]
            ) -> tuple[AwardeeKind | None, date | None, Gender | None, str | None]:
        r = self.reading
        kind = _KINDS.get(_folded(cells.get("kind", "")) or AwardeeKind.INDIVIDUAL.value)
        if kind is None:
            r.refuse(number, "kind", "Ghi 'Cá nhân' hoặc 'Tập thể'.")
        if not cells.get("name"):
            r.refuse(number, "name", "Bắt buộc nhập.")
        born = self.day(number, "birth_date", raw.get("birth_date"), cells.get("birth_date", ""))
        if born is not None and born > self.today:
            r.refuse(number, "birth_date", "Ngày sinh ở tương lai.")
        gender = _GENDERS.get(_folded(cells["gender"])) if cells.get("gender") else None
        if cells.get("gender") and gender is None:
            r.refuse(number, "gender", "Ghi 'Nam' hoặc 'Nữ'.")
        return kind, born, gender, self.national_id(number, cells.get("national_id", ""))

    def national_id(self, number: int, text: str) -> str | None:
        if not text:
            return None
        if text not in self.hashes:
            try:
                self.hashes[text] = hash_national_id(self.ctx.settings, text) or ""
            except InvalidInput:
                self.reading.refuse(number, "national_id", "Số CCCD gồm 12 chữ số (CMND cũ: 9 chữ số).")
                return None
        return self.hashes[text] or None

    def award(self, number: int, cells: dict[str, str]) -> tuple[str | None, DossierKind]:
        award_type = self.awards.get(_folded(cells["award"])) if cells.get("award") else None
        if cells.get("award") and award_type is None:
            self.reading.refuse(number, "award", f"Không có loại khen thưởng '{cells['award']}' trong danh mục (xem "
                                                 "trang Hướng dẫn của tệp mẫu).")
        award_kind = (_AWARD_KINDS.get(_folded(cells["award_kind"])) if cells.get("award_kind")
                      else DossierKind.REGULAR)
        if award_kind is None:
            self.reading.refuse(number, "award_kind", "Ghi 'thường xuyên', 'đột xuất', 'chuyên đề'….")
        return award_type, award_kind or DossierKind.REGULAR

    def initiative(self, number: int, cells: dict[str, str]) -> tuple[str | None, InitiativeLevel | None]:
        title, level = cells.get("initiative") or None, None
        if cells.get("initiative_level"):
            level = _LEVELS.get(_folded(cells["initiative_level"]))
            if level is None:
                self.reading.refuse(number, "initiative_level", "Ghi 'cấp cơ sở', 'cấp tỉnh' hoặc 'toàn quốc'.")
        elif title:
            self.reading.refuse(number, "initiative_level", "Cần phạm vi công nhận của sáng kiến.")
        if cells.get("initiative_level") and not title:
            self.reading.refuse(number, "initiative", "Cần tên sáng kiến.")
        return title, level

    def grade(self, number: int, text: str) -> TaskGrade | None:
        if not text:
            return None
        grade = _GRADES.get(_folded(text).replace(" nv", " nhiem vu"))
        if grade is None:
            self.reading.refuse(number, "grade", "Ghi 'hoàn thành xuất sắc nhiệm vụ', 'hoàn thành tốt nhiệm vụ', "
                                                 "'hoàn thành nhiệm vụ' hoặc 'không hoàn thành nhiệm vụ'.")
        return grade

    def day(self, number: int, key: str, raw: Any, text: str) -> date | None:
        if isinstance(raw, datetime):
            return raw.date()
        if isinstance(raw, date):
            return raw
        if not text:
            return None
        parsed = _parse_day(text)
        if parsed is not None:
            return parsed
        self.reading.refuse(number, key, f"'{text}' không phải ngày dạng dd/mm/yyyy.")
        return None

    def unit(self, number: int, code: str) -> int | None:
        if not code:
            self.reading.refuse(number, "unit", "Bắt buộc nhập mã đơn vị.")
            return None
        found = self.units.get(code)
        unit_id = found[0] if found else self.units_folded.get(_folded(code))
        if unit_id is None:
            self.reading.refuse(number, "unit", f"Không có đơn vị mã '{code}' trong sơ đồ tổ chức.")
            return None
        if self.scope is not None and unit_id not in self.scope:
            self.reading.refuse(number, "unit", f"Đơn vị '{code}' không thuộc phạm vi cơ quan thường trực của tôi.")
            return None
        return unit_id

    def year(self, number: int, text: str) -> tuple[int | None, str | None]:
        if not text:
            self.reading.refuse(number, "year", "Bắt buộc nhập năm hoặc năm học.")
            return None, None
        school = _SCHOOL_YEAR.match(text)
        if school is not None:
            first, last = int(school.group(1)), int(school.group(2))
            if last != first + 1:
                self.reading.refuse(number, "year", "Năm học gồm hai năm liền nhau, ví dụ 2023-2024.")
                return None, None
            year, period = last, f"{first}-{last}"
        elif text.isdigit():
            year, period = int(text), None
        else:
            self.reading.refuse(number, "year", f"'{text}' không phải năm (2023) hay năm học (2023-2024).")
            return None, None
        if not MIN_YEAR <= year <= min(MAX_YEAR, self.today.year + 1):
            self.reading.refuse(number, "year", f"Năm phải từ {MIN_YEAR} đến {self.today.year}.")
            return None, None
        return year, period

    def decision(self, number: int, raw: dict[str, Any], cells: dict[str, str], award: bool) -> DecisionKey | None:
        given = [k for k in ("decision_number", "decision_date", "decision_issuer") if cells.get(k)]
        if not given:
            return None
        if not award:
            self.reading.refuse(number, "award", "Có quyết định nhưng không ghi danh hiệu, hình thức khen thưởng.")
        for key in ("decision_number", "decision_date", "decision_issuer"):
            if key not in given:
                self.reading.refuse(number, key, "Quyết định cần đủ số, ngày và cơ quan ban hành.")
        signed_on = self.day(number, "decision_date", raw.get("decision_date"), cells.get("decision_date", ""))
        if signed_on is not None and signed_on > self.today:
            self.reading.refuse(number, "decision_date", "Ngày quyết định ở tương lai.")
            return None
        if len(given) < 3 or signed_on is None:
            return None
        number_text = cells["decision_number"].removeprefix("Số ").removeprefix("số ").strip()
        if len(number_text) > 60:
            self.reading.refuse(number, "decision_number", "Tối đa 60 ký tự.")
            return None
        return DecisionKey(number_text, signed_on, cells["decision_issuer"][:300])


def read_history(ctx: Context, data: bytes) -> Reading:  # noqa: C901 - one loop over the sheet, its refusals
    """Every row of the file read and checked on its own (form, units in my scope, award types); who
    each row is and what the registry already holds is checked by `plan`."""
    user = require_registry_office(ctx)
    _check_package(data)
    scope: set[int] | None = None
    if not is_admin(ctx.session, user):
        scope = set(ctx.session.scalars(select(Unit.id).where(Unit.id.in_(office_units(user)))))
    reader = _Reader(ctx, scope)
    try:
        cells = _cells(data)
        columns: dict[str, int] | None = None
        for number, values in cells:
            if number == HEADER_ROW:
                columns = reader.header(values)
                continue
            assert columns is not None
            if reader.reading.rows_read >= MAX_ROWS:
                reader.reading.refuse(number, "", f"Một tệp tối đa {MAX_ROWS} dòng; hãy chia tệp.")
                break
            reader.row(number, values, columns)
        if columns is None:
            raise InvalidInput("Tệp trống: không có dòng tiêu đề.", {"file": "Tệp trống."})
    except InvalidInput:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds on a damaged or foreign file
        raise InvalidInput("Không đọc được tệp như một bảng tính Excel (.xlsx); hãy dùng tệp mẫu.",
                           {"file": "Tệp hỏng hoặc không đúng định dạng."}) from exc
    if not reader.reading.rows_read:
        raise InvalidInput("Tệp không có dòng nào (từ dòng 2 trở đi).", {"file": "Tệp không có dữ liệu."})
    return reader.reading


# ---- planning: who each row is, what is new ----------------------------------------------------

@dataclass
class _Person:
    rows: list[Row]
    awardee: Awardee | None = None
    new_id: int | None = None
    same_as: _Person | None = None  # the rows of a person the same file adds (matched by name and unit)

    @property
    def latest(self) -> Row:
        return max(self.rows, key=lambda r: (r.year, r.number))

    @property
    def first(self) -> Row:
        return self.rows[0]


@dataclass
class Plan:
    reading: Reading
    people: list[_Person]
    decisions: dict[tuple[str, date, str], int]  # natural key → id of an existing decision
    awards: set[tuple[int, str, int]]
    initiatives: set[tuple[int, str, int]]
    grades: dict[tuple[int, int], TaskGrade]


def plan(ctx: Context, reading: Reading) -> Plan:
    """Group the good rows by person, find each in the registry (or mark it new), and load what the
    registry already holds for them; conflicts (an ambiguous name, another yearly grade) make rows bad."""
    groups: dict[tuple[Any, ...], _Person] = {}
    for row in reading.rows:
        groups.setdefault(row.person_key, _Person([])).rows.append(row)
    people = list(groups.values())
    names = {_folded(r.name) for r in reading.rows}
    hashes = {r.id_hash for r in reading.rows if r.id_hash}
    pool = Pool.load(ctx.session, names, hashes)
    codes = sorted({r.code for r in reading.rows if r.code})
    by_code: dict[str, Awardee] = {}
    for i in range(0, len(codes), 500):
        chosen = ctx.session.scalars(select(Awardee).where(Awardee.code.in_(codes[i:i + 500])))
        by_code.update((a.code, a) for a in chosen
                       if a.code is not None)
    # The better identified first, so that a row with only a name and a unit meets the people the file
    # itself adds (two namesakes told apart by birth date make that row ambiguous, not a third person).
    people.sort(key=lambda person: (person.first.code is None, person.first.birth_date is None,
                                    person.first.id_hash is None, person.first.number))
    planned: dict[int, _Person] = {}
    for person in people:
        _find(person, pool, by_code, reading, planned)
        if person.awardee is not None and person.awardee.id < 0:
            person.same_as, person.awardee = planned[person.awardee.id], None
            person.same_as.rows.extend(person.rows)
            person.rows = []
        elif person.awardee is None and not all(r.number in reading.bad_rows for r in person.rows):
            latest = person.latest
            transient = Awardee(id=-(len(planned) + 1), code=person.first.code, kind=person.first.kind,
                                name=person.first.name, name_folded=fold(person.first.name),
                                birth_date=next((r.birth_date for r in person.rows if r.birth_date), None),
                                national_id_hash=next((r.id_hash for r in person.rows if r.id_hash), None),
                                unit_id=latest.unit_id)
            planned[transient.id] = person
            pool.add(transient, {r.unit_id for r in person.rows})
    people = [person for person in people if person.rows]
    ids = sorted({p.awardee.id for p in people if p.awardee is not None})
    awards: set[tuple[int, str, int]] = set()
    initiatives: set[tuple[int, str, int]] = set()
    grades: dict[tuple[int, int], TaskGrade] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        awards.update((a, t, y) for a, t, y in ctx.session.execute(
            select(GrantedAward.awardee_id, GrantedAward.award_type, GrantedAward.year)
            .where(GrantedAward.awardee_id.in_(chunk))))
        initiatives.update((a, fold(t), y) for a, t, y in ctx.session.execute(
            select(Initiative.awardee_id, Initiative.title, Initiative.year).where(Initiative.awardee_id.in_(chunk))))
        grades.update(((a, y), g) for a, y, g in ctx.session.execute(
            select(YearlyGrade.awardee_id, YearlyGrade.year, YearlyGrade.grade)
            .where(YearlyGrade.awardee_id.in_(chunk))))
    numbers = sorted({r.decision.number for r in reading.rows if r.decision is not None})
    decisions: dict[tuple[str, date, str], int] = {}
    for i in range(0, len(numbers), 500):
        for d in ctx.session.execute(select(RegistryDecision.id, RegistryDecision.number, RegistryDecision.signed_on,
                                            RegistryDecision.issuer_folded)
                                     .where(RegistryDecision.number.in_(numbers[i:i + 500]))):
            decisions[(d.number, d.signed_on, d.issuer_folded)] = d.id
    result = Plan(reading, people, decisions, awards, initiatives, grades)
    _check_grades(result)
    return result


def _find(person: _Person, pool: Pool, by_code: dict[str, Awardee], reading: Reading,
          planned: dict[int, _Person]) -> None:
    first = person.first
    hashes = {r.id_hash for r in person.rows if r.id_hash}
    if len(hashes) > 1:
        for row in person.rows:
            reading.refuse(row.number, "national_id", "Cùng một người nhưng ghi hai số CCCD khác nhau.")
        return
    if first.code:
        _find_by_code(person, by_code, reading)
        return
    born = next((r.birth_date for r in person.rows if r.birth_date), None)
    id_hash = next(iter(hashes), None)
    units = []
    for row in sorted(person.rows, key=lambda r: (-r.year, r.number)):
        if row.unit_id not in units:
            units.append(row.unit_id)
    for unit_id in units:
        try:
            found = pool.match(Identity(first.kind, first.name, unit_id, born, id_hash))
        except AmbiguousPerson as exc:
            listed = ", ".join(_candidate(c, planned) for c in exc.candidates)
            for row in person.rows:
                reading.refuse(row.number, "name", f"Trùng tên với {len(exc.candidates)} người trong sổ theo dõi "
                                                   f"({listed}); hãy ghi ngày sinh, số CCCD hoặc mã.")
            return
        if found is not None:
            person.awardee = found
            return


def _candidate(candidate: dict[str, Any], planned: dict[int, _Person]) -> str:
    """A namesake as a bad row names it: a person the file itself adds by their row, else by code."""
    if int(candidate["id"]) < 0:
        return f"dòng {planned[int(candidate['id'])].first.number} của tệp"
    return str(candidate["code"] or f"số {candidate['id']}")


def _find_by_code(person: _Person, by_code: dict[str, Awardee], reading: Reading) -> None:
    first = person.first
    held = by_code.get(first.code or "")
    if held is None:
        return
    if held.merged_into_id is not None or held.kind != first.kind or fold(held.name) != fold(first.name):
        for row in person.rows:
            reading.refuse(row.number, "code", f"Mã '{first.code}' trong sổ theo dõi là {held.kind.label} "
                                               f"'{held.name}', không phải '{first.name}'.")
        return
    person.awardee = held


def _check_grades(p: Plan) -> None:
    seen: dict[tuple[Any, int], tuple[TaskGrade, int]] = {}
    for person in p.people:
        for row in person.rows:
            if row.grade is None or row.number in p.reading.bad_rows:
                continue
            held = p.grades.get((person.awardee.id, row.year)) if person.awardee is not None else None
            if held is not None and held != row.grade:
                p.reading.refuse(row.number, "grade", f"Sổ theo dõi đã xếp loại năm {row.year} là '{held.label}'.")
                continue
            key = (id(person), row.year)
            if key in seen and seen[key][0] != row.grade:
                p.reading.refuse(row.number, "grade", f"Dòng {seen[key][1]} đã xếp loại năm {row.year} khác.")
                continue
            seen.setdefault(key, (row.grade, row.number))


# ---- writing -----------------------------------------------------------------------------------

def write(ctx: Context, p: Plan, import_id: int) -> dict[str, int]:
    """Insert what is new among the good rows (bulk, Core); the counts of what was added."""
    bad = p.reading.bad_rows
    people = [(person, [r for r in person.rows if r.number not in bad]) for person in p.people]
    people = [(person, rows) for person, rows in people if rows]
    added = {"people": _insert_people(ctx, people), "memberships": _insert_memberships(ctx, people)}
    decisions, added["decisions"] = _insert_decisions(ctx, p, people, import_id)
    added.update(_insert_records(ctx, p, people, decisions, import_id))
    return added


def _table(model: Any) -> Table:
    """The model's table, written to with Core (executemany; no ORM unit of work per row)."""
    return Base.metadata.tables[model.__tablename__]


def _awardee_id(person: _Person) -> int:
    awardee_id = person.awardee.id if person.awardee is not None else person.new_id
    assert awardee_id is not None
    return awardee_id


def _latest(rows: list[Row]) -> Row:
    return max(rows, key=lambda r: (r.year, r.number))


def _insert_people(ctx: Context, people: list[tuple[_Person, list[Row]]]) -> int:
    new = [(person, rows) for person, rows in people if person.awardee is None]
    if not new:
        return 0
    now = ctx.clock.now()
    values = [{"code": rows[0].code, "kind": rows[0].kind, "name": " ".join(rows[0].name.split()),
               "name_folded": fold(rows[0].name), "position": _latest(rows).position, "unit_id": _latest(rows).unit_id,
               "birth_date": next((r.birth_date for r in rows if r.birth_date), None),
               "gender": next((r.gender for r in rows if r.gender), None),
               "national_id_hash": next((r.id_hash for r in rows if r.id_hash), None), "created_at": now}
              for _person, rows in new]
    table = _table(Awardee)
    returned = ctx.session.execute(insert(table).returning(table.c.id, sort_by_parameter_order=True), values)
    for (person, _rows), awardee_id in zip(new, returned.scalars(), strict=True):
        person.new_id = awardee_id
    return len(new)


def _insert_memberships(ctx: Context, people: list[tuple[_Person, list[Row]]]) -> int:
    """A membership in each unit the file names that the person has none in: a new person's single unit
    without dates, else from the first to the last year seen there (the latest unit of a new person open)."""
    now = ctx.clock.now()
    memberships: list[dict[str, Any]] = []
    existing = _member_units(ctx, [person.awardee.id for person, _ in people if person.awardee is not None])
    for person, rows in people:
        awardee_id = _awardee_id(person)
        years: dict[int, list[int]] = {}
        for row in rows:
            years.setdefault(row.unit_id, []).append(row.year)
        latest_unit = _latest(rows).unit_id
        for unit_id, seen in years.items():
            if unit_id in existing.get(awardee_id, set()):
                continue
            new_person = person.awardee is None
            start = None if new_person and len(years) == 1 else date(min(seen), 1, 1)
            end = None if new_person and unit_id == latest_unit else date(max(seen), 12, 31)
            memberships.append({"awardee_id": awardee_id, "unit_id": unit_id, "from_date": start, "to_date": end,
                                "position": rows[-1].position, "created_at": now})
    if memberships:
        ctx.session.execute(insert(_table(Membership)), memberships)
    return len(memberships)


def _insert_decisions(ctx: Context, p: Plan, people: list[tuple[_Person, list[Row]]], import_id: int
                      ) -> tuple[dict[tuple[str, date, str], int], int]:
    decisions = dict(p.decisions)
    fresh: dict[tuple[str, date, str], DecisionKey] = {}
    for _person, rows in people:
        for row in rows:
            if row.award_type is not None and row.decision is not None and row.decision.natural not in decisions:
                fresh.setdefault(row.decision.natural, row.decision)
    if fresh:
        now = ctx.clock.now()
        returned = ctx.session.execute(
            insert(_table(RegistryDecision)).returning(_table(RegistryDecision).c.id, sort_by_parameter_order=True),
            [{"number": d.number, "signed_on": d.signed_on, "issuer": d.issuer, "issuer_folded": fold(d.issuer),
              "import_id": import_id, "created_at": now} for d in fresh.values()])
        decisions.update(zip(list(fresh), returned.scalars(), strict=True))
    return decisions, len(fresh)


def _insert_records(ctx: Context, p: Plan, people: list[tuple[_Person, list[Row]]],
                    decisions: dict[tuple[str, date, str], int], import_id: int) -> dict[str, int]:
    now = ctx.clock.now()
    awards: list[dict[str, Any]] = []
    initiatives: list[dict[str, Any]] = []
    grades: list[dict[str, Any]] = []
    award_keys, initiative_keys, grade_keys = set(p.awards), set(p.initiatives), set(p.grades)
    for person, rows in people:
        awardee_id = _awardee_id(person)
        for row in rows:
            if row.award_type is not None and (awardee_id, row.award_type, row.year) not in award_keys:
                award_keys.add((awardee_id, row.award_type, row.year))
                awards.append({"awardee_id": awardee_id, "award_type": row.award_type, "year": row.year,
                               "period": row.period, "dossier_kind": row.award_kind,
                               "registry_decision_id": decisions[row.decision.natural] if row.decision else None,
                               "import_id": import_id, "created_at": now})
            if row.initiative is not None and (awardee_id, fold(row.initiative), row.year) not in initiative_keys:
                initiative_keys.add((awardee_id, fold(row.initiative), row.year))
                initiatives.append({"awardee_id": awardee_id, "title": row.initiative, "level": row.initiative_level,
                                    "year": row.year, "import_id": import_id, "created_at": now})
            if row.grade is not None and (awardee_id, row.year) not in grade_keys:
                grade_keys.add((awardee_id, row.year))
                grades.append({"awardee_id": awardee_id, "year": row.year, "period": row.period, "grade": row.grade,
                               "import_id": import_id, "created_at": now})
    added = {}
    for model, values, key in ((GrantedAward, awards, "awards"), (Initiative, initiatives, "initiatives"),
                               (YearlyGrade, grades, "grades")):
        for i in range(0, len(values), 5000):
            ctx.session.execute(insert(_table(model)), values[i:i + 5000])  # Core: no ORM per row
        added[key] = len(values)
    return added


def _member_units(ctx: Context, ids: list[int]) -> dict[int, set[int]]:
    held: dict[int, set[int]] = {}
    ordered = sorted(set(ids))
    for i in range(0, len(ordered), 500):
        for awardee_id, unit_id in ctx.session.execute(
                select(Membership.awardee_id, Membership.unit_id).where(Membership.awardee_id.in_(ordered[i:i + 500]))):
            held.setdefault(awardee_id, set()).add(unit_id)
    return held


# ---- the three commands ------------------------------------------------------------------------

def _stored(ctx: Context, sha256: str) -> Path:
    return ctx.settings.instance_dir / "history-imports" / f"{sha256}.xlsx"


def _record(ctx: Context, filename: str, data: bytes, reading: Reading, status: ImportStatus) -> HistoryImport:
    user = require_registry_office(ctx)
    row = HistoryImport(filename=(filename or "lich-su.xlsx")[:255], sha256=hashlib.sha256(data).hexdigest(),
                        status=status, rows_read=reading.rows_read, rows_bad=len(reading.bad_rows),
                        problems=[pr.as_list() for pr in sorted(reading.problems, key=lambda x: x.row)[:KEPT_PROBLEMS]],
                        created_by_id=user.id, created_at=ctx.clock.now())
    ctx.session.add(row)
    ctx.session.flush()
    return row


def _finish(ctx: Context, record: HistoryImport, p: Plan) -> HistoryImport:
    record.added = write(ctx, p, record.id)
    record.status, record.imported_at = ImportStatus.IMPORTED, ctx.clock.now()
    ctx.session.flush()
    audit.record(ctx, AuditAction.HISTORY_IMPORTED, "history_import", record.id,
                 after={"filename": record.filename, "sha256": record.sha256, "rows_read": record.rows_read,
                        "rows_bad": record.rows_bad, "added": record.added})
    return record


def refusal(reading: Reading) -> InvalidInput:
    ordered = sorted(reading.problems, key=lambda x: (x.row, _POSITION.get(x.column, -1)))
    errors = {pr.cell: pr.text for pr in ordered[:KEPT_PROBLEMS]}
    return InvalidInput(f"Tệp có {len(reading.bad_rows)} dòng không hợp lệ trong {reading.rows_read} dòng; chưa "
                        "nhập gì. Sửa các ô được nêu rồi tải lên lại, hoặc dùng bước kiểm tra trước để chỉ nhập "
                        "các dòng đúng.", errors)


def import_history(ctx: Context, filename: str, data: bytes) -> HistoryImport:
    """All or nothing: every row good, then written; else InvalidInput naming every bad cell."""
    reading = read_history(ctx, data)
    p = plan(ctx, reading)
    if reading.problems:
        raise refusal(reading)
    return _finish(ctx, _record(ctx, filename, data, reading, ImportStatus.PREVIEWED), p)


def preview_history(ctx: Context, filename: str, data: bytes) -> HistoryImport:
    """Read and check the file, keep it, and list its bad rows; nothing enters the registry yet."""
    reading = read_history(ctx, data)
    plan(ctx, reading)
    record = _record(ctx, filename, data, reading, ImportStatus.PREVIEWED)
    path = _stored(ctx, record.sha256)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_bytes(data)
    return record


def confirm_history(ctx: Context, import_id: int) -> HistoryImport:
    """Write the good rows of a previewed file (read again: the registry may have changed meanwhile)."""
    user = require_registry_office(ctx)
    record = ctx.session.get(HistoryImport, import_id, with_for_update=True)
    if record is None or (record.created_by_id != user.id and not is_admin(ctx.session, user)):
        raise NotFound(f"Không tìm thấy lần nhập số {import_id}.")
    if record.status != ImportStatus.PREVIEWED:
        raise Conflict(f"Lần nhập số {import_id} {record.status.label}.")
    path = _stored(ctx, record.sha256)
    if not path.exists():
        raise Conflict("Không còn tệp đã kiểm tra; hãy tải lên lại.")
    data = path.read_bytes()
    reading = read_history(ctx, data)
    p = plan(ctx, reading)
    record.rows_read, record.rows_bad = reading.rows_read, len(reading.bad_rows)
    record.problems = [pr.as_list() for pr in sorted(reading.problems, key=lambda x: x.row)[:KEPT_PROBLEMS]]
    return _finish(ctx, record, p)


def template_file(ctx: Context) -> NamedFile:
    return NamedFile(template(ctx), TEMPLATE_NAME, XLSX)


def get_import(ctx: Context, import_id: int) -> HistoryImport:
    user = require_registry_office(ctx)
    record = ctx.session.get(HistoryImport, import_id)
    if record is None or (record.created_by_id != user.id and not is_admin(ctx.session, user)):
        raise NotFound(f"Không tìm thấy lần nhập số {import_id}.")
    return record
