"""The criteria of each award type as data (the `eligibility` section of a rules version): what the
pre-check reads from the registry, with the article each one rests on. The numbers of the law (three
consecutive years, five following years, 15 % of the LDTT holders…) and which years a window covers
are parameters here, never constants in the code; engine/rules/eligibility.py evaluates them.

Kinds of criterion (`check`):
  held_same_year   — holds (or is being proposed for) one of `awards` in the dossier's year
  initiative       — an unused recognised initiative of one of `levels` (once per title or form)
  awards_in_window — at least `count` of `awards` within the `years` ending at the window's end, or, with
                     `alternative: {awards, count}`, at least that many years of those other awards in the
                     same window ("one CSTD_TQ or two CSTD_TINH")
  grades           — a yearly grade at least `at_least` in at least `count` of the window's years
  prior_award      — one of `awards` held BEFORE the window (the window is "the years that follow")
  quota            — at most `percent` of the unit's holders of `of` that year, remainders rounded
                     per `rounding` (up, down, half_up), never fewer than `minimum` when any hold it
  assessment       — what the registry cannot tell (the officer judges): always "cannot tell"

The window of a criterion: `years` years ending in the dossier's year when `includes_dossier_year`,
else the year before.
"""
from __future__ import annotations

import enum
import math
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from engine.rules.reader import Entry
from engine.vocabulary import AwardeeKind, InitiativeLevel, TaskGrade

_CODE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")
_CRITERION = re.compile(r"[a-z][a-z0-9_]{0,59}")


class CheckKind(enum.StrEnum):
    HELD_SAME_YEAR = "held_same_year"
    INITIATIVE = "initiative"
    AWARDS_IN_WINDOW = "awards_in_window"
    GRADES = "grades"
    PRIOR_AWARD = "prior_award"
    QUOTA = "quota"
    ASSESSMENT = "assessment"


class Rounding(enum.StrEnum):
    UP = "up"  # 2 holders × 15 % = 0.3 → 1
    DOWN = "down"  # 0.3 → 0; 7 × 15 % = 1.05 → 1
    HALF_UP = "half_up"  # 0.3 → 0, 1.5 → 2


class WhenNone(enum.StrEnum):
    """What an initiative criterion says when the registry holds no usable initiative."""

    NOT_MET = "not_met"
    UNKNOWN = "unknown"  # the law admits something the registry does not hold (a research topic…)


_GRADE_ORDER = list(TaskGrade)  # best first


def grade_at_least(grade: TaskGrade, floor: TaskGrade) -> bool:
    return _GRADE_ORDER.index(TaskGrade(grade)) <= _GRADE_ORDER.index(floor)


@dataclass(frozen=True)
class Criterion:
    id: str  # the criterion's name in the pre-check ("consecutive_cstd_cs")
    check: CheckKind
    basis: str  # the article it rests on ("Luật TĐKT 2022, Điều 22")
    confirmed: bool  # whether the wording was confirmed against the text in force (docs/rules.md)
    subject: AwardeeKind | None = None  # only for this kind of nominee; None: every nominee
    label: str | None = None  # the wording shown; generated from the parameters when absent
    awards: tuple[str, ...] = ()
    levels: tuple[InitiativeLevel, ...] = ()
    years: int = 1
    includes_dossier_year: bool = True
    count: int = 1
    at_least: TaskGrade = TaskGrade.GOOD
    of: str = ""
    percent: int = 0
    rounding: Rounding = Rounding.HALF_UP
    minimum: int = 0
    when_none: WhenNone = WhenNone.NOT_MET
    # awards_in_window only: met too with `alternative_count` years of these awards in the same window
    alternative_awards: tuple[str, ...] = ()
    alternative_count: int = 0
    source: str = ""  # a provincial layer that set its values (layers.py); "" : the national version

    def window(self, year: int) -> range:
        """The years the criterion reads for a dossier of `year`."""
        end = year if self.includes_dossier_year else year - 1
        return range(end - self.years + 1, end + 1)

    def allowed(self, holders: int) -> int:
        """How many may hold the title out of `holders` (quota criteria)."""
        if holders <= 0:
            return 0
        exact = Decimal(holders * self.percent) / Decimal(100)
        if self.rounding is Rounding.UP:
            value = math.ceil(exact)
        elif self.rounding is Rounding.DOWN:
            value = math.floor(exact)
        else:
            value = int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
        return max(value, self.minimum)

    def applies_to(self, nominee: AwardeeKind) -> bool:
        return self.subject is None or self.subject.value == AwardeeKind(nominee).value


@dataclass(frozen=True)
class Eligibility:
    """The criteria of a rules version, by award type code, and the groups of award forms of which an
    achievement earns only one (Luật TĐKT 2022 Art. 5(2))."""

    criteria: dict[str, tuple[Criterion, ...]] = field(default_factory=dict)
    one_award_per_achievement: tuple[tuple[str, ...], ...] = ()
    one_award_basis: str = ""
    # The article that bars a person under disciplinary review, investigation, inspection or with a
    # petition under verification from being proposed (read with the registry's dated flags).
    not_barred_basis: str = "NĐ 98/2023, Điều 4 khoản 4"

    def of(self, code: str) -> tuple[Criterion, ...]:
        return self.criteria.get(code, ())

    def exclusive_with(self, code: str) -> tuple[str, ...]:
        """The other award codes an achievement that earns `code` may not earn too."""
        found: list[str] = []
        for group in self.one_award_per_achievement:
            if code in group:
                found.extend(c for c in group if c != code and c not in found)
        return tuple(found)

    def codes(self) -> set[str]:
        named = set(self.criteria)
        for criteria in self.criteria.values():
            for criterion in criteria:
                named.update(criterion.awards)
                named.update(criterion.alternative_awards)
                if criterion.of:
                    named.add(criterion.of)
        for group in self.one_award_per_achievement:
            named.update(group)
        return named


_KIND_KEYS: dict[CheckKind, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (required, optional)
    CheckKind.HELD_SAME_YEAR: (("awards",), ()),
    CheckKind.INITIATIVE: (("levels",), ("when_none",)),
    CheckKind.AWARDS_IN_WINDOW: (("awards", "years", "includes_dossier_year"), ("count", "alternative")),
    CheckKind.GRADES: (("at_least", "years", "includes_dossier_year"), ("count",)),
    CheckKind.PRIOR_AWARD: (("awards", "years", "includes_dossier_year"), ()),
    CheckKind.QUOTA: (("of", "percent", "rounding"), ("minimum",)),
    CheckKind.ASSESSMENT: (("label",), ()),
}
_COMMON = ("id", "check", "basis", "confirmed")


def criterion_raw(criterion: Criterion) -> dict[str, Any]:
    """The criterion as the file writes it (a layer changes some of its parameters)."""
    required, optional = _KIND_KEYS[criterion.check]
    raw: dict[str, Any] = {"id": criterion.id, "check": criterion.check.value, "basis": criterion.basis,
                           "confirmed": criterion.confirmed}
    if criterion.subject is not None:
        raw["subject"] = criterion.subject.value
    if criterion.label is not None:
        raw["label"] = criterion.label
    for key in (*required, *optional):
        if key == "alternative":
            if criterion.alternative_awards:
                raw[key] = {"awards": list(criterion.alternative_awards), "count": criterion.alternative_count}
            continue
        value = getattr(criterion, key)
        if isinstance(value, tuple):
            value = [v.value if isinstance(v, enum.Enum) else v for v in value]
        elif isinstance(value, enum.Enum):
            value = value.value
        raw[key] = value
    return raw


def parse_eligibility(entry: Entry, award_codes: set[str]) -> Eligibility:
    entry.keys("criteria", optional=("one_award_per_achievement", "not_barred"))
    table = entry.entry("criteria")
    criteria: dict[str, tuple[Criterion, ...]] = {}
    for code in table.data:
        if not isinstance(code, str) or code not in award_codes:
            raise table.error(f"'{code}' không phải loại khen thưởng của phiên bản này.")
        items = [_criterion(item, award_codes) for item in table.at(f"{table.where}, '{code}'").entries(code)]
        ids = [c.id for c in items]
        if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
            raise table.error(f"'{code}': tiêu chí trùng mã: {', '.join(duplicates)}.")
        criteria[code] = tuple(items)
    groups: tuple[tuple[str, ...], ...] = ()
    basis = ""
    if entry.get("one_award_per_achievement") is not None:
        rule = entry.entry("one_award_per_achievement")
        rule.keys("groups", "basis")
        basis = rule.text("basis")
        found = []
        for group in _groups(rule):
            unknown = [c for c in group if c not in award_codes]
            if unknown or len(group) < 2:
                raise rule.error(f"nhóm {', '.join(group)}: cần ít nhất hai mã loại khen thưởng của phiên bản"
                                 + (f"; không có: {', '.join(unknown)}." if unknown else "."))
            found.append(group)
        groups = tuple(found)
    rules = Eligibility(criteria, groups, basis)
    if entry.get("not_barred") is not None:
        barred = entry.entry("not_barred")
        barred.keys("basis")
        rules = Eligibility(criteria, groups, basis, barred.text("basis"))
    return rules


def _groups(rule: Entry) -> list[tuple[str, ...]]:
    value = rule.get("groups")
    if not isinstance(value, list) or not all(isinstance(g, list) for g in value):
        raise rule.error("'groups' phải là danh sách các nhóm mã, ví dụ [[GIAY_KHEN, BK_TINH]].")
    groups = []
    for group in value:
        if not all(isinstance(c, str) and _CODE.fullmatch(c) for c in group):
            raise rule.error(f"nhóm {group!r} có mã không hợp lệ.")
        groups.append(tuple(group))
    return groups


def _codes(entry: Entry, key: str, award_codes: set[str]) -> tuple[str, ...]:
    codes = tuple(entry.texts(key))
    if not codes:
        raise entry.error(f"'{key}' cần ít nhất một mã.")
    if unknown := [c for c in codes if c not in award_codes]:
        raise entry.error(f"'{key}': không có loại khen thưởng {', '.join(unknown)} trong phiên bản này.")
    return codes


def _criterion(entry: Entry, award_codes: set[str]) -> Criterion:
    criterion_id = entry.text("id", pattern=_CRITERION)
    entry = entry.at(f"{entry.where} ('{criterion_id}')")
    kind = entry.choice("check", CheckKind)
    required, optional = _KIND_KEYS[kind]
    entry.keys(*_COMMON, *required, optional=(*optional, "subject", "label"))
    values: dict[str, object] = {}
    if entry.get("subject") is not None:
        values["subject"] = entry.choice("subject", AwardeeKind)
    if entry.get("label") is not None:
        values["label"] = entry.text("label")
    if "awards" in required:
        values["awards"] = _codes(entry, "awards", award_codes)
    if kind is CheckKind.INITIATIVE:
        values["levels"] = tuple(entry.choices("levels", InitiativeLevel))
        if entry.get("when_none") is not None:
            values["when_none"] = entry.choice("when_none", WhenNone)
    if "years" in required:
        values["years"] = entry.integer("years", minimum=1)
        values["includes_dossier_year"] = entry.flag("includes_dossier_year")
        count = entry.integer("count", minimum=1) if entry.get("count") is not None else values["years"]
        if not isinstance(count, int) or count > values["years"]:  # type: ignore[operator]
            raise entry.error("'count' không được lớn hơn 'years'.")
        values["count"] = count
    if kind is CheckKind.AWARDS_IN_WINDOW and entry.get("alternative") is not None:
        values.update(_alternative(entry.entry("alternative"), award_codes, int(values["years"])))  # type: ignore[call-overload]
    if kind is CheckKind.GRADES:
        values["at_least"] = entry.choice("at_least", TaskGrade)
    if kind is CheckKind.QUOTA:
        values.update(_quota(entry, award_codes))
    return Criterion(id=criterion_id, check=kind, basis=entry.text("basis"), confirmed=entry.flag("confirmed"),
                     **values)  # type: ignore[arg-type]


def _quota(entry: Entry, award_codes: set[str]) -> dict[str, object]:
    values: dict[str, object] = {"of": _one_code(entry, "of", award_codes)}
    percent = entry.integer("percent", minimum=1)
    if percent > 100:
        raise entry.error("'percent' phải từ 1 đến 100.")
    values["percent"] = percent
    values["rounding"] = entry.choice("rounding", Rounding)
    if entry.get("minimum") is not None:
        values["minimum"] = entry.integer("minimum", minimum=0)
    return values


def _alternative(entry: Entry, award_codes: set[str], years: int) -> dict[str, object]:
    """`alternative: {awards, count}` of an awards_in_window criterion ("or two CSTD_TINH")."""
    entry.keys("awards", "count")
    awards = _codes(entry, "awards", award_codes)
    count = entry.integer("count", minimum=1)
    if count > years:
        raise entry.error("'count' không được lớn hơn 'years' của tiêu chí.")
    return {"alternative_awards": awards, "alternative_count": count}


def _one_code(entry: Entry, key: str, award_codes: set[str]) -> str:
    code = entry.text(key, pattern=_CODE)
    if code not in award_codes:
        raise entry.error(f"'{key}': không có loại khen thưởng {code} trong phiên bản này.")
    return code
