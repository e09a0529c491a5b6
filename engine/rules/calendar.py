"""Working days on the Vietnamese public-holiday calendar: the `holidays` package's calendar plus the
yearly swaps the government announces (`workflows/rules/holidays.yaml`). Legal deadlines count on it."""
from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

import holidays

from engine.errors import DefinitionError
from engine.rules.reader import Entry, load_yaml

HOLIDAYS_FILE = "holidays.yaml"
COUNTRY = "VN"
SATURDAY = 5
WEEKEND_NAMES = {5: "Thứ Bảy", 6: "Chủ nhật"}
_ONE_DAY = timedelta(days=1)

# {year: {"days_off": [{"date", "name"}], "working_days": [{"date", "name"}]}}, as in holidays.yaml;
# dates may be `date` objects or ISO strings.
Swaps = Mapping[int, Mapping[str, Any] | None]


@dataclass(frozen=True)
class _Year:
    days_off: Mapping[date, str]  # not worked, with the reason: holidays and announced days off
    working_days: frozenset[date]  # worked although they would be off: make-up Saturdays


@functools.lru_cache(maxsize=64)
def _national(year: int) -> _Year:
    """The package's holidays and make-up days falling in `year`. A swap may cross the new year
    (2015's 2 January was made up on 27 December 2014), hence the neighbouring years."""
    calendar = holidays.country_holidays(COUNTRY, years=range(year - 1, year + 2), language="vi")
    days_off = {day: str(name) for day, name in calendar.items() if day.year == year}
    working = frozenset(day for day in calendar.weekend_workdays if day.year == year)
    return _Year(MappingProxyType(days_off), working)


class WorkingCalendar:
    """Monday to Friday, less public holidays and announced days off, plus make-up working days.

    `swaps` is injectable so tests never depend on the real announcements; `load` reads the file.
    """

    def __init__(self, swaps: Swaps | None = None, *, source: str = "swaps") -> None:
        self._swaps = {year: _parse_year(year, data, source) for year, data in (swaps or {}).items()}
        self._years: dict[int, _Year] = {}  # filled lazily; a racing duplicate build is harmless

    @classmethod
    def load(cls, rules_dir: Path) -> WorkingCalendar:
        path = Path(rules_dir) / HOLIDAYS_FILE
        data = load_yaml(path)
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise DefinitionError(f"{path}: cần một bảng theo năm (2026: {{days_off: [...], working_days: [...]}}).")
        return cls(data, source=str(path))

    def is_working_day(self, day: date) -> bool:
        year = self._year(_plain(day).year)
        if day in year.working_days:
            return True
        return day.weekday() < SATURDAY and day not in year.days_off

    def day_off_name(self, day: date) -> str | None:
        """Why `day` is not worked (the holiday's name, or the weekday), None for a working day."""
        if self.is_working_day(day):
            return None
        return self._year(day.year).days_off.get(day) or WEEKEND_NAMES[day.weekday()]

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after `start` (n = 0: `start` itself, whatever it is)."""
        if n < 0:
            raise ValueError("n must be at least 0")
        day = _plain(start)
        while n:
            day += _ONE_DAY
            if self.is_working_day(day):
                n -= 1
        return day

    def working_days_between(self, a: date, b: date) -> int:
        """Working days in (a, b]: the inverse of add_working_days; negative when b is before a."""
        a, b = _plain(a), _plain(b)
        if b < a:
            return -self.working_days_between(b, a)
        count, day = 0, a
        while day < b:
            day += _ONE_DAY
            count += self.is_working_day(day)
        return count

    def _year(self, year: int) -> _Year:
        built = self._years.get(year)
        if built is None:
            national = _national(year)
            days_off, working = self._swaps.get(year, ({}, {}))
            built = _Year(MappingProxyType({**national.days_off, **days_off}),
                          national.working_days | frozenset(working))
            self._years[year] = built
        return built


def _plain(day: date) -> date:
    if isinstance(day, datetime) or not isinstance(day, date):
        raise TypeError(f"a calendar date is needed, not {day!r}")
    return day


def _parse_year(year: Any, data: Any, source: str) -> tuple[dict[date, str], dict[date, str]]:
    if isinstance(year, bool) or not isinstance(year, int) or not 1995 <= year <= 2200:
        raise DefinitionError(f"{source}: năm {year!r} không hợp lệ (cần một số như 2026).")
    entry = Entry({} if data is None else data, f"{source}, năm {year}")
    entry.keys(optional=("days_off", "working_days"))
    national = _national(year)
    days_off = _days(entry, "days_off", year) if "days_off" in entry.data else {}
    working = _days(entry, "working_days", year) if "working_days" in entry.data else {}
    for day in days_off:
        if day.weekday() >= SATURDAY:
            raise entry.error(f"ngày nghỉ {day:%d/%m/%Y} rơi vào {WEEKEND_NAMES[day.weekday()]}, vốn đã là ngày nghỉ.")
    for day in working:
        if day.weekday() < SATURDAY and day not in national.days_off:
            raise entry.error(f"ngày làm việc {day:%d/%m/%Y} vốn đã là ngày làm việc bình thường.")
    if both := sorted(days_off.keys() & working.keys()):
        raise entry.error(f"ngày {both[0]:%d/%m/%Y} vừa là ngày nghỉ vừa là ngày làm việc.")
    return days_off, working


def _days(entry: Entry, key: str, year: int) -> dict[date, str]:
    days: dict[date, str] = {}
    for item in entry.entries(key):
        item.keys("date", "name")
        day, name = item.day("date"), item.text("name")
        if day.year != year:
            raise item.error(f"ngày {day:%d/%m/%Y} không thuộc năm {year}.")
        if day in days:
            raise item.error(f"ngày {day:%d/%m/%Y} đã có trong danh sách.")
        days[day] = name
    return days
