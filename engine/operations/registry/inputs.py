"""What the registry's office sends, typed: a nominee to match, the identity of a person; every limit
named once, read from a raw mapping with every fault at once by field."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from engine.clock import local_today
from engine.context import Context
from engine.errors import InvalidInput
from engine.models import AwardeeKind, Gender
from engine.operations.inputs import Faults, choice, day, identifier, mapping, text
from engine.operations.registry.identity import Identity, hash_national_id
from engine.vocabulary import BarReason

MAX_NAME = 300
MAX_NATIONAL_ID = 20
MATCH_FIELDS = ("kind", "name", "unit", "birth_date", "national_id")
IDENTITY_FIELDS = ("birth_date", "gender", "national_id")
BAR_FIELDS = ("reason", "from_date", "note")
LIFT_FIELDS = ("lifted_on", "note")
MAX_BAR_NOTE = 2000
REFUSED = "Thông tin không hợp lệ; xem lỗi từng trường."


@dataclass(frozen=True)
class IdentityInput:
    birth_date: date | None
    gender: Gender | None
    national_id: str | None  # hashed by the command, never stored


def _national_id(ctx: Context, raw: Any, faults: Faults) -> str | None:
    value = text(raw, "national_id", faults, high=MAX_NATIONAL_ID, required=None)
    try:
        hash_national_id(ctx.settings, value)
    except InvalidInput as exc:
        faults.add("national_id", exc.errors.get("national_id", exc.detail))
        return None
    return value


def read_match(ctx: Context, raw: Any) -> Identity:
    """A nominee to find in the registry: kind, name, the unit's id, optionally birth date and CCCD."""
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, MATCH_FIELDS)
    kind = choice(body.get("kind", AwardeeKind.INDIVIDUAL.value), "kind", faults, AwardeeKind)
    name = text(body.get("name"), "name", faults, high=MAX_NAME)
    unit = identifier(body.get("unit"), "unit", faults)
    born = day(body.get("birth_date"), "birth_date", faults, high=local_today(ctx.clock))
    national_id = _national_id(ctx, body.get("national_id"), faults)
    faults.refuse(REFUSED)
    assert kind is not None and name is not None
    return Identity(kind, name, unit, born, hash_national_id(ctx.settings, national_id))


def read_identity(ctx: Context, raw: Any) -> IdentityInput:
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, IDENTITY_FIELDS)
    born = day(body.get("birth_date"), "birth_date", faults, high=local_today(ctx.clock))
    gender = choice(body["gender"], "gender", faults, Gender) if body.get("gender") is not None else None
    national_id = _national_id(ctx, body.get("national_id"), faults)
    faults.refuse(REFUSED)
    return IdentityInput(born, gender, national_id)


def read_merge(raw: Any) -> tuple[int, int]:
    """The record kept and the duplicate merged into it."""
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, ("kept", "merged"))
    kept = identifier(body.get("kept"), "kept", faults, required=True)
    merged = identifier(body.get("merged"), "merged", faults, required=True)
    faults.refuse(REFUSED)
    assert kept is not None and merged is not None
    return kept, merged


@dataclass(frozen=True)
class BarInput:
    reason: BarReason
    from_date: date
    note: str


@dataclass(frozen=True)
class LiftInput:
    lifted_on: date
    note: str


def read_bar(ctx: Context, raw: Any) -> BarInput:
    """A barred case to record: why, since when (not after today), and the office's reason."""
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, BAR_FIELDS)
    reason = choice(body.get("reason"), "reason", faults, BarReason)
    since = day(body.get("from_date"), "from_date", faults, required=True, high=local_today(ctx.clock))
    note = text(body.get("note"), "note", faults, high=MAX_BAR_NOTE)
    faults.refuse(REFUSED)
    assert reason is not None and since is not None and note is not None
    return BarInput(reason, since, note)


def read_lift(ctx: Context, raw: Any) -> LiftInput:
    """Lifting a barred case: from which day (not after today) and why."""
    faults = Faults(form_first=True)
    body = mapping(raw, "", faults, LIFT_FIELDS)
    lifted_on = day(body.get("lifted_on"), "lifted_on", faults, required=True, high=local_today(ctx.clock))
    note = text(body.get("note"), "note", faults, high=MAX_BAR_NOTE)
    faults.refuse(REFUSED)
    assert lifted_on is not None and note is not None
    return LiftInput(lifted_on, note)
