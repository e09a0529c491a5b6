"""The statistics' question: which unit (its subtree included) and which period, a calendar year or
two dates, read once from a raw mapping (query string, web form) with every fault by field."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from engine.operations.inputs import Faults, day, identifier, integer

MIN_YEAR, MAX_YEAR = 1945, 2200
MAX_PERIOD_DAYS = 366 * 10  # ten years at most in one question
FIELDS = ("unit", "year", "from", "to")


@dataclass(frozen=True)
class Period:
    start: date  # inclusive
    end: date  # inclusive
    year: int | None = None  # set when the period is one calendar year

    @classmethod
    def of_year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31), year)

    @property
    def label(self) -> str:
        if self.year is not None:
            return f"năm {self.year}"
        return f"từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"


@dataclass(frozen=True)
class StatisticsQuery:
    unit_id: int | None  # None: the first unit the user holds a role at
    period: Period


def read_query(raw: Mapping[str, Any], *, today: date) -> StatisticsQuery:
    """`unit` (id), and `year` or `from`/`to` (dd/mm/yyyy or YYYY-MM-DD); nothing: this year."""
    faults = Faults()
    unit_id = identifier(raw.get("unit"), "unit", faults, digits=True)
    year = integer(raw.get("year"), "year", faults, low=MIN_YEAR, high=MAX_YEAR, required=False, digits=True)
    start = day(raw.get("from"), "from", faults, low=date(MIN_YEAR, 1, 1), high=date(MAX_YEAR, 12, 31))
    end = day(raw.get("to"), "to", faults, low=date(MIN_YEAR, 1, 1), high=date(MAX_YEAR, 12, 31))
    given = raw.get("year") not in (None, "")
    if given and (raw.get("from") not in (None, "") or raw.get("to") not in (None, "")):
        faults.add("year", "Chọn một năm hoặc một khoảng thời gian (từ ngày, đến ngày), không cả hai.")
    elif (start is None) != (end is None) and "from" not in faults.errors and "to" not in faults.errors:
        faults.add("to" if end is None else "from", "Cần cả ngày bắt đầu và ngày kết thúc.")
    elif start is not None and end is not None:
        if end < start:
            faults.add("to", "Ngày kết thúc phải từ ngày bắt đầu trở đi.")
        elif end - start > timedelta(days=MAX_PERIOD_DAYS):
            faults.add("to", "Mỗi lần thống kê tối đa 10 năm.")
    faults.refuse("Yêu cầu thống kê không hợp lệ.")
    if start is not None and end is not None:
        return StatisticsQuery(unit_id, Period(start, end))
    return StatisticsQuery(unit_id, Period.of_year(year if year is not None else today.year))
