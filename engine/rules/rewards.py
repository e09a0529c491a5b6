"""Reward money as dated data (`workflows/rules/rewards.yaml`): the base salary (mức lương cơ sở) in
force on a day, and for each award type the multiple of it that goes with the award, with the
decree's rounding. A decision prints the amount per person or collective and the fund it is paid from."""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from engine.errors import DefinitionError
from engine.rules.reader import Entry, load_yaml
from engine.vocabulary import AwardeeKind

REWARDS_FILE = "rewards.yaml"
_MULTIPLE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,2})?")
FUND_PLACEHOLDERS = ("issuer",)


@dataclass(frozen=True)
class BaseSalary:
    amount: int  # đồng per month
    effective_from: date
    effective_to: date | None
    source: str


@dataclass(frozen=True)
class Reward:
    """What goes with one award for one kind of awardee on a day."""

    code: str
    subject: AwardeeKind
    multiple: Decimal
    amount: int  # đồng, rounded as the decree says
    base_salary: BaseSalary
    source: str


@dataclass(frozen=True)
class MultipleTable:
    effective_from: date
    effective_to: date | None
    source: str
    round_up_to: int  # the amount is rounded up to a multiple of this many đồng
    fund: str  # "{issuer}" is the deciding unit's name
    multiples: dict[str, dict[AwardeeKind, Decimal]]


def _applies(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or day <= end)


@dataclass(frozen=True)
class RewardTable:
    base_salaries: tuple[BaseSalary, ...]
    tables: tuple[MultipleTable, ...]

    @classmethod
    def load(cls, rules_dir: Path) -> RewardTable:
        path = Path(rules_dir) / REWARDS_FILE
        return cls.parse(load_yaml(path), str(path))

    @classmethod
    def parse(cls, data: Any, source: str = REWARDS_FILE) -> RewardTable:
        root = Entry(data, source)
        root.keys("base_salary", "multiples")
        salaries = sorted((_salary(e) for e in root.entries("base_salary")), key=lambda s: s.effective_from)
        tables = sorted((_table(e) for e in root.entries("multiples")), key=lambda t: t.effective_from)
        _contiguous(root, "base_salary", [(s.effective_from, s.effective_to) for s in salaries])
        _contiguous(root, "multiples", [(t.effective_from, t.effective_to) for t in tables])
        return cls(tuple(salaries), tuple(tables))

    def base_salary_on(self, day: date) -> BaseSalary | None:
        return next((s for s in self.base_salaries if _applies(s.effective_from, s.effective_to, day)), None)

    def table_on(self, day: date) -> MultipleTable | None:
        return next((t for t in self.tables if _applies(t.effective_from, t.effective_to, day)), None)

    def reward(self, code: str, subject: AwardeeKind, day: date) -> Reward | None:
        """The reward in force on `day` for `code` given to a person or a collective; None when the
        data has no multiple for it (the decision then states no amount)."""
        table, salary = self.table_on(day), self.base_salary_on(day)
        multiple = table.multiples.get(code, {}).get(subject) if table else None
        if table is None or salary is None or multiple is None:
            return None
        exact = multiple * salary.amount
        amount = math.ceil(exact / table.round_up_to) * table.round_up_to
        return Reward(code, subject, multiple, int(amount), salary, table.source)

    def fund(self, day: date, issuer: str) -> str | None:
        table = self.table_on(day)
        return table.fund.format(issuer=issuer) if table else None

    def codes(self) -> set[str]:
        return {code for table in self.tables for code in table.multiples}


def _period(entry: Entry) -> tuple[date, date | None]:
    start, end = entry.day("effective_from"), entry.optional_day("effective_to")
    if end is not None and end < start:
        raise entry.error("'effective_to' trước 'effective_from'.")
    return start, end


def _salary(entry: Entry) -> BaseSalary:
    entry.keys("amount", "effective_from", "effective_to", "source")
    start, end = _period(entry)
    return BaseSalary(entry.integer("amount", minimum=1), start, end, entry.text("source"))


def _table(entry: Entry) -> MultipleTable:
    entry.keys("effective_from", "effective_to", "source", "round_up_to", "fund", "awards")
    start, end = _period(entry)
    fund = entry.text("fund")
    for name in re.findall(r"\{([^{}]*)\}", fund):
        if name not in FUND_PLACEHOLDERS:
            raise entry.error(f"'fund' có chỗ thay thế không biết {{{name}}}; chỉ dùng {{issuer}}.")
    awards = entry.entry("awards")
    multiples: dict[str, dict[AwardeeKind, Decimal]] = {}
    for code in awards.data:
        item = awards.entry(str(code))
        item.keys(optional=[kind.value for kind in AwardeeKind])
        if not item.data:
            raise item.error("cần mức cho 'individual' hoặc 'collective'.")
        multiples[str(code)] = {AwardeeKind(kind): _multiple(item, str(kind)) for kind in item.data}
    return MultipleTable(start, end, entry.text("source"), entry.integer("round_up_to", minimum=1), fund, multiples)


def _multiple(entry: Entry, key: str) -> Decimal:
    value = entry.get(key)
    text = str(value) if isinstance(value, (int, float, str)) and not isinstance(value, bool) else ""
    try:
        if not _MULTIPLE.fullmatch(text) or Decimal(text) <= 0:
            raise InvalidOperation
    except InvalidOperation:
        raise entry.error(f"'{key}' phải là hệ số dương, tối đa hai chữ số thập phân (ví dụ \"0.3\"), "
                          f"nhận được {value!r}.") from None
    return Decimal(text)


def _contiguous(root: Entry, key: str, periods: list[tuple[date, date | None]]) -> None:
    if not periods:
        raise root.error(f"'{key}' cần ít nhất một mục.")
    for (_, end), (start, _) in zip(periods, periods[1:], strict=False):
        if end is None or start <= end:
            raise root.error(f"'{key}': các mục chồng lấn thời gian hiệu lực.")
        if start - end > timedelta(days=1):
            raise root.error(f"'{key}': để hở khoảng thời gian từ {end + timedelta(days=1):%d/%m/%Y} "
                             f"đến {start - timedelta(days=1):%d/%m/%Y}.")


def check_codes(rewards: RewardTable, known: set[str], source: str) -> None:
    """Every code with a multiple is an award type of the catalogue."""
    if unknown := sorted(rewards.codes() - known):
        raise DefinitionError(f"{source}: mã loại khen thưởng không có trong danh mục: {', '.join(unknown)}.")
