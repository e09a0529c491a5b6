"""Starting a periodic report (the unit, the year and the kind) and setting the deadline of the units
below (the same and the last day), each read once from a raw mapping."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.operations.inputs import Faults, choice, day, identifier, integer, mapping
from engine.vocabulary import ReportKind

MIN_YEAR, MAX_YEAR = 1945, 2200


@dataclass(frozen=True)
class ReportStart:
    unit_id: int
    year: int
    kind: ReportKind


def read_start(raw: Any) -> ReportStart:
    faults = Faults(form_first=True)
    body: Mapping[str, Any] = mapping(raw, "", faults, ("unit", "year", "kind"))
    unit_id = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    year = integer(body.get("year"), "year", faults, low=MIN_YEAR, high=MAX_YEAR, digits=True)
    kind = choice(body.get("kind"), "kind", faults, ReportKind,
                  message="Chọn mid_year (sơ kết 6 tháng đầu năm) hoặc year_end (tổng kết năm).")
    faults.refuse("Yêu cầu lập báo cáo không hợp lệ.")
    assert unit_id is not None and year is not None and kind is not None
    return ReportStart(unit_id, year, kind)


@dataclass(frozen=True)
class DeadlineInput:
    unit_id: int  # the level above, whose units below report
    year: int
    kind: ReportKind
    due_on: date


def read_deadline(raw: Any) -> DeadlineInput:
    faults = Faults()
    body: Mapping[str, Any] = mapping(raw, "", faults, ("unit", "year", "kind", "due_on"))
    unit_id = identifier(body.get("unit"), "unit", faults, required=True, digits=True)
    year = integer(body.get("year"), "year", faults, low=MIN_YEAR, high=MAX_YEAR, digits=True)
    kind = choice(body.get("kind"), "kind", faults, ReportKind,
                  message="Chọn mid_year (sơ kết 6 tháng đầu năm) hoặc year_end (tổng kết năm).")
    due_on = day(body.get("due_on"), "due_on", faults, required=True)
    faults.refuse("Hạn gửi báo cáo không hợp lệ.")
    assert unit_id is not None and year is not None and kind is not None and due_on is not None
    return DeadlineInput(unit_id, year, kind, due_on)
