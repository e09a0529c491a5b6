"""What the standing office gives to open a review round, typed: `RoundInput`, its limits named once,
and `read_round`, the one function that turns a raw mapping (the API's body, the page's form) into it.

Reading checks the shape and the limits, every fault at once by field path; whether the award types
are in the catalogue and whether the caller is the unit's office is the operation's part.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.models import LatePolicy, RoundKind
from engine.operations.inputs import Faults, at, choice, day, identifier, items, mapping, text

MAX_TITLE, MAX_MOVEMENT, MAX_AWARD_TYPES, MAX_CODE = 300, 300, 60, 40
ROUND_FIELDS = ("unit_id", "title", "kind", "movement", "award_types", "cutoff_on", "council_on", "late_policy")


@dataclass(frozen=True)
class RoundInput:
    unit_id: int
    title: str
    kind: RoundKind
    movement: str | None
    award_types: tuple[str, ...]  # catalogue codes; empty: every award type
    cutoff_on: date | None  # None: the province's cut-off for the kind (its layer), required without one
    council_on: date | None
    late_policy: LatePolicy


def read_round(raw: Any) -> RoundInput:
    """`raw` as a RoundInput; InvalidInput naming every fault."""
    faults = Faults()
    body = mapping(raw, "", faults, ROUND_FIELDS)
    unit_id = identifier(body.get("unit_id"), "unit_id", faults, required=True, digits=True)
    title = text(body.get("title"), "title", faults, high=MAX_TITLE)
    kind = choice(body.get("kind"), "kind", faults, RoundKind)
    movement = text(body.get("movement"), "movement", faults, high=MAX_MOVEMENT, required=None)
    codes: list[str] = []
    raw_types = body.get("award_types")
    for index, code in enumerate(items([] if raw_types is None else raw_types, "award_types", faults,
                                       high=MAX_AWARD_TYPES, noun="loại khen thưởng")):
        value = text(code, at("award_types", index), faults, high=MAX_CODE)
        if value is not None:
            if value.upper() in codes:
                faults.add(at("award_types", index), "Loại khen thưởng bị lặp.")
            codes.append(value.upper())
    cutoff_on = day(body.get("cutoff_on"), "cutoff_on", faults)
    council_on = day(body.get("council_on"), "council_on", faults)
    if cutoff_on is not None and council_on is not None and council_on < cutoff_on:
        faults.add("council_on", f"Ngày họp Hội đồng không được trước hạn nhận hồ sơ ({cutoff_on:%d/%m/%Y}).")
    late_raw = body.get("late_policy")
    late_policy = (LatePolicy.REFUSE if late_raw in (None, "") else
                   choice(late_raw, "late_policy", faults, LatePolicy))
    faults.refuse("Thông tin đợt xét không hợp lệ.")
    assert unit_id is not None and title is not None and kind is not None
    assert late_policy is not None
    return RoundInput(unit_id, title, kind, movement, tuple(codes), cutoff_on, council_on, late_policy)
