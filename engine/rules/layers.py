"""Provincial (and sector) layers over the national rules: each province's Quy chế thi đua, khen thưởng
changes or adds criteria (a quota such as CSTD_TINH at most 10% of CSTD_CS, a quota's rounding, a window),
the deadlines (appraisal, supplement, notification), the cut-off day of its rounds per kind (annual: 15/01),
and per award type the council's threshold and its
base and the disclosure days, for the units under one unit of the tree (a province, or a Sở for its
sector), from a date to a date, citing its source. Read strictly from `workflows/rules/provinces.yaml` with
the catalogue: a faulty layer stops the start with its file and line. A dossier's rules are the national
version with the layers in force on its submission day for its proposing unit merged over it, the farthest
unit first (`Layers.version_for`); every value a layer set keeps its source ("mức theo …")."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from engine.rules.catalogue import AwardType, Deadlines, RulesVersion, Threshold, _by_level, _disclosure, _threshold
from engine.rules.criteria import Criterion, Eligibility, _criterion, criterion_raw
from engine.rules.reader import Entry, LinedDict, load_yaml
from engine.vocabulary import RoundKind, UnitLevel

LAYERS_FILE = "provinces.yaml"
_LAYER_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")
_APPRAISAL = ("commune", "province", "province_to_prime_minister", "national")
_DEADLINES = ("notify_result", "supplement")
_TYPE_KEYS = ("approval_threshold", "disclosure_days", "disclosure")
_DAY_MONTH = re.compile(r"(\d{1,2})/(\d{1,2})")
_CUTOFF_KINDS = tuple(k.value for k in RoundKind if k is not RoundKind.AD_HOC)  # an ad-hoc award has no fixed day
_PARTS = ("criteria", "deadlines", "award_types", "cutoffs")


@dataclass(frozen=True)
class Layer:
    id: str
    unit: str  # the code of the unit (province, or a Sở for a sector) whose units it covers
    source: str  # "Quyết định số 12/2024/QĐ-UBND ngày … của Ủy ban nhân dân tỉnh …"
    effective_from: date
    effective_to: date | None
    criteria: dict[str, dict[str, Entry]]  # award code → criterion id → its changed (or new) parameters
    deadlines: Entry | None = None  # {appraisal: {commune…}, supplement, notify_result}, any of them
    award_types: dict[str, Entry] | None = None  # award code → {approval_threshold, disclosure_days, disclosure}
    cutoffs: tuple[tuple[str, tuple[int, int]], ...] = ()  # round kind → (day, month) of its cut-off

    def applies_on(self, day: date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)

    def merge(self, rules: Eligibility, codes: set[str]) -> Eligibility:
        """`rules` with this layer's changes: a criterion's parameters replaced, or a new criterion added."""
        merged = dict(rules.criteria)
        for code, changes in self.criteria.items():
            current = list(merged.get(code, ()))
            for criterion_id, change in changes.items():
                index = next((i for i, c in enumerate(current) if c.id == criterion_id), None)
                raw: dict[str, Any] = LinedDict(
                    {**(criterion_raw(current[index]) if index is not None else {}), "id": criterion_id,
                     **change.data})
                raw.line = getattr(change.data, "line", None)  # type: ignore[attr-defined]
                parsed = replace(_criterion(Entry(raw, change.where), codes), source=self.source)
                if index is None:
                    current.append(parsed)
                else:
                    current[index] = parsed
            merged[code] = tuple(current)
        return replace(rules, criteria=merged)

    def apply(self, version: RulesVersion) -> RulesVersion:
        """`version` with this layer's deadlines, award-type values and criteria, each value it set
        recorded with its source in `version.sources`."""
        codes = {t.code for t in version.award_types}
        sources = dict(version.sources)
        deadlines = version.deadlines
        if self.deadlines is not None:
            deadlines, keys = _deadlines(self.deadlines, deadlines)
            sources.update((key, self.source) for key in keys)
        award_types = version.award_types
        if self.award_types:
            changed = []
            for award_type in award_types:
                change = self.award_types.get(award_type.code)
                if change is not None:
                    award_type, keys = _award_type(change, award_type)
                    sources.update((f"award_types.{award_type.code}.{key}", self.source) for key in keys)
                changed.append(award_type)
            if unknown := sorted(set(self.award_types) - codes):
                raise self.award_types[unknown[0]].error(
                    f"không có loại khen thưởng {', '.join(unknown)} trong phiên bản '{version.id}'.")
            award_types = tuple(changed)
        eligibility = self.merge(version.eligibility, codes) if self.criteria else version.eligibility
        cutoffs = version.cutoffs
        if self.cutoffs:
            cutoffs = tuple(sorted({**dict(cutoffs), **dict(self.cutoffs)}.items()))
            sources.update((f"deadlines.cutoffs.{kind}", self.source) for kind, _ in self.cutoffs)
        return replace(version, deadlines=deadlines, award_types=award_types, eligibility=eligibility,
                       sources=tuple(sorted(sources.items())), cutoffs=cutoffs)


@dataclass(frozen=True)
class Layers:
    layers: tuple[Layer, ...] = ()

    @classmethod
    def load(cls, rules_dir: Path, versions: tuple[RulesVersion, ...]) -> Layers:
        """The layers of `rules_dir` (none without the file), each checked against every rules version
        whose dates it overlaps."""
        path = Path(rules_dir) / LAYERS_FILE
        if not path.exists():
            return cls()
        root = Entry(load_yaml(path), str(path))
        root.keys("layers")
        layers = tuple(_layer(entry) for entry in root.entries("layers"))
        ids = [layer.id for layer in layers]
        if duplicates := sorted({i for i in ids if ids.count(i) > 1}):
            raise root.error(f"lớp quy định trùng mã: {', '.join(duplicates)}.")
        for layer in layers:
            for version in versions:
                end = version.effective_to
                if (end is None or layer.effective_from <= end) and (
                        layer.effective_to is None or version.effective_from <= layer.effective_to):
                    layer.apply(version)  # raises with the file and line of a faulty change
        return cls(layers)

    def version_for(self, version: RulesVersion, units: list[str], day: date) -> RulesVersion:
        """`version` with the layers in force on `day` for a unit whose chain (farthest first) is `units`."""
        for unit in units:
            for layer in self.layers:
                if layer.unit == unit and layer.applies_on(day):
                    version = layer.apply(version)
        return version

    def over(self, rules: Eligibility, codes: set[str], units: list[str], day: date) -> Eligibility:
        """`rules` with the layers in force on `day` for a unit whose chain (farthest first) is `units`."""
        for unit in units:
            for layer in self.layers:
                if layer.unit == unit and layer.applies_on(day):
                    rules = layer.merge(rules, codes)
        return rules


def _layer(entry: Entry) -> Layer:
    layer_id = entry.text("id", pattern=_LAYER_ID)
    entry = entry.at(f"{entry.where} ('{layer_id}')")
    entry.keys("id", "unit", "source", "effective_from", "effective_to",
               optional=_PARTS)
    start, end = entry.day("effective_from"), entry.optional_day("effective_to")
    if end is not None and end < start:
        raise entry.error("'effective_to' trước 'effective_from'.")
    if all(entry.get(key) is None for key in _PARTS):
        raise entry.error(f"lớp quy định cần ít nhất một trong {', '.join(repr(p) for p in _PARTS)}.")
    criteria: dict[str, dict[str, Entry]] = {}
    if entry.get("criteria") is not None:
        table = entry.entry("criteria")
        for code, changes in table.data.items():
            by_code = table.entry(str(code))
            criteria[str(code)] = {str(cid): by_code.entry(str(cid)) for cid in (changes or {})}
            if not criteria[str(code)]:
                raise by_code.error("cần ít nhất một tiêu chí.")
    deadlines = None
    if entry.get("deadlines") is not None:
        deadlines = entry.entry("deadlines")
        deadlines.keys(optional=("appraisal", *_DEADLINES))
        if deadlines.get("appraisal") is not None:
            deadlines.entry("appraisal").keys(optional=_APPRAISAL)
    award_types = None
    if entry.get("award_types") is not None:
        table = entry.entry("award_types")
        award_types = {str(code): table.entry(str(code)) for code in table.data}
        for change in award_types.values():
            change.keys(optional=_TYPE_KEYS)
            if not change.data:
                raise change.error(f"cần ít nhất một trong: {', '.join(_TYPE_KEYS)}.")
    cutoffs = _cutoffs(entry.entry("cutoffs")) if entry.get("cutoffs") is not None else ()
    return Layer(layer_id, entry.text("unit"), entry.text("source"), start, end, criteria, deadlines, award_types,
                 cutoffs)


def _cutoffs(entry: Entry) -> tuple[tuple[str, tuple[int, int]], ...]:
    """`{annual: "15/01", school_year: "15/07"}`: per round kind, the day and month dossiers are due by."""
    entry.keys(optional=_CUTOFF_KINDS)
    if not entry.data:
        raise entry.error(f"cần ít nhất một loại đợt xét: {', '.join(_CUTOFF_KINDS)}.")
    read = []
    for kind, value in entry.data.items():
        found = _DAY_MONTH.fullmatch(value.strip()) if isinstance(value, str) else None
        day_month = (int(found[1]), int(found[2])) if found else None
        try:
            date(2025, day_month[1], day_month[0]) if day_month else None  # 29/02 is not a day of every year
        except ValueError:
            day_month = None
        if day_month is None:
            raise entry.error(f"'{kind}' phải là ngày/tháng có trong mọi năm, dạng \"15/01\", nhận được {value!r}.")
        read.append((str(kind), day_month))
    return tuple(read)


def _deadlines(entry: Entry, current: Deadlines) -> tuple[Deadlines, list[str]]:
    """The deadlines `entry` changes, and the keys it changed ("deadlines.appraisal.commune")."""
    keys: list[str] = []
    appraisal = current.appraisal
    if entry.get("appraisal") is not None:
        table = entry.entry("appraisal")
        values = {key: table.integer(key, minimum=1) for key in _APPRAISAL if table.get(key) is not None}
        appraisal = replace(appraisal, **values)
        keys += [f"deadlines.appraisal.{key}" for key in values]
    others = {key: entry.integer(key, minimum=1) for key in _DEADLINES if entry.get(key) is not None}
    keys += [f"deadlines.{key}" for key in others]
    return replace(current, appraisal=appraisal, **others), keys


def _award_type(entry: Entry, current: AwardType) -> tuple[AwardType, list[str]]:
    """The award type with the values `entry` changes, and the keys it changed."""
    values: dict[str, object] = {}
    if entry.get("approval_threshold") is not None:
        if not current.council_vote:
            raise entry.error(f"'{current.code}' không biểu quyết tại hội đồng: không đặt được 'approval_threshold'.")
        threshold_entry = entry.entry("approval_threshold")
        values["approval_threshold"] = _threshold(threshold_entry)
        by_level: tuple[tuple[UnitLevel, Threshold], ...] = ()
        if threshold_entry.get("by_level") is not None:
            table = _by_level(threshold_entry, "by_level")
            by_level = tuple((UnitLevel(k), _threshold(table.entry(k), nested=False)) for k in table.data)
        values["thresholds_by_level"] = by_level
    if entry.get("disclosure_days") is not None:
        values["disclosure_days"] = entry.integer("disclosure_days", minimum=0)
    if entry.get("disclosure") is not None:
        values["disclosure"] = _disclosure(entry.entry("disclosure"))
    keys = [key for key in _TYPE_KEYS if key in entry.data]
    return replace(current, **values), keys  # type: ignore[arg-type]


def criteria_sources(rules: Eligibility, code: str) -> list[tuple[Criterion, str]]:
    """Each criterion of `code` with where its values come from (the layer's source, or its article)."""
    return [(c, c.source or c.basis) for c in rules.of(code)]
