"""Provincial (and sector) layers over the national rules: each province's Quy chế thi đua, khen thưởng
changes or adds criteria (a quota such as CSTD_TINH at most 10% of CSTD_CS, a quota's rounding, a window)
for the units under one unit of the tree (a province, or a Sở for its sector), from a date to a date,
citing its source. Read strictly from `workflows/rules/provinces.yaml` with the catalogue: a faulty layer
stops the start with its file and line. The pre-check merges the layers in force over the national
criteria, the farthest unit first, and prints the layer's source beside each value it set."""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from engine.rules.criteria import Criterion, Eligibility, _criterion, criterion_raw
from engine.rules.reader import Entry, LinedDict, load_yaml

LAYERS_FILE = "provinces.yaml"
_LAYER_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,59}")


@dataclass(frozen=True)
class Layer:
    id: str
    unit: str  # the code of the unit (province, or a Sở for a sector) whose units it covers
    source: str  # "Quyết định số 12/2024/QĐ-UBND ngày … của Ủy ban nhân dân tỉnh …"
    effective_from: date
    effective_to: date | None
    criteria: dict[str, dict[str, Entry]]  # award code → criterion id → its changed (or new) parameters

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


@dataclass(frozen=True)
class Layers:
    layers: tuple[Layer, ...] = ()

    @classmethod
    def load(cls, rules_dir: Path, versions: list[tuple[date, date | None, Eligibility, set[str]]]) -> Layers:
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
            for start, end, rules, codes in versions:
                if (end is None or layer.effective_from <= end) and (
                        layer.effective_to is None or start <= layer.effective_to):
                    layer.merge(rules, codes)  # raises with the file and line of a faulty change
        return cls(layers)

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
    entry.keys("id", "unit", "source", "effective_from", "effective_to", "criteria")
    start, end = entry.day("effective_from"), entry.optional_day("effective_to")
    if end is not None and end < start:
        raise entry.error("'effective_to' trước 'effective_from'.")
    table = entry.entry("criteria")
    criteria: dict[str, dict[str, Entry]] = {}
    for code, changes in table.data.items():
        by_code = table.entry(str(code))
        criteria[str(code)] = {str(cid): by_code.entry(str(cid)) for cid in changes}
        if not criteria[str(code)]:
            raise by_code.error("cần ít nhất một tiêu chí.")
    return Layer(layer_id, entry.text("unit"), entry.text("source"), start, end, criteria)


def criteria_sources(rules: Eligibility, code: str) -> list[tuple[Criterion, str]]:
    """Each criterion of `code` with where its values come from (the layer's source, or its article)."""
    return [(c, c.source or c.basis) for c in rules.of(code)]
