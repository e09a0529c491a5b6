"""Typed input of the reward fund: an entry of money in, its limits, one reader."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.models import FundEntryKind
from engine.operations.inputs import Faults, choice, day, identifier, integer, mapping, text

MAX_AMOUNT = 1_000_000_000_000  # đồng: a thousand billion, well beyond any unit's fund
MAX_NOTE = 500
ENTRY_FIELDS = ("unit_id", "year", "kind", "amount", "entered_on", "note")
ENTERED_KINDS = (FundEntryKind.BUDGET, FundEntryKind.INCOME)  # recovered money is booked by its revocation


@dataclass(frozen=True)
class EntryInput:
    unit_id: int
    year: int
    kind: FundEntryKind
    amount: int
    entered_on: date
    note: str


def read_entry(raw: Any) -> EntryInput:
    faults = Faults()
    body = mapping(raw, "", faults, ENTRY_FIELDS)
    unit_id = identifier(body.get("unit_id"), "unit_id", faults, required=True, digits=True)
    year = integer(body.get("year"), "year", faults, low=1945, high=2200, digits=True)
    kind = choice(body.get("kind"), "kind", faults, FundEntryKind)
    if kind is not None and kind not in ENTERED_KINDS:
        faults.add("kind", "Tiền thưởng thu hồi được ghi khi xác nhận thu hồi, không ghi tay.")
        kind = None
    amount = integer(body.get("amount"), "amount", faults, low=1, high=MAX_AMOUNT, digits=True)
    entered_on = day(body.get("entered_on"), "entered_on", faults, required=True)
    note = text(body.get("note"), "note", faults, high=MAX_NOTE)
    faults.refuse("Khoản ghi quỹ không hợp lệ.")
    assert unit_id is not None and year is not None and kind is not None and amount is not None
    assert entered_on is not None and note is not None
    return EntryInput(unit_id, year, kind, amount, entered_on, note)
