"""Reading raw input (a JSON body, a web form, the rows of a sheet) into typed inputs.

Each reader takes a value and its field path and returns the typed value, or None after noting a
fault under that path in `Faults`; a domain's check reads every field, then refuses once with all
the faults of the request (InvalidInput with errors by path, `nominations[2].nominee.kind`).

A fault is of form (a value of the wrong type, a value outside a fixed list, an unknown field, a
list or object that is not one) or of content (missing, blank, too long, out of range, or what a
domain's rules say). Form faults come from hand-written JSON, never from the pages' own forms.
"""
from __future__ import annotations

import enum
from collections.abc import Collection
from datetime import date, datetime
from typing import Any, TypeVar

from engine.db import MAX_ID
from engine.errors import InvalidInput
from engine.text import BAD_CHARACTERS, clean_text

REQUIRED = "Bắt buộc nhập."
NOT_AN_OBJECT = "Cần một đối tượng JSON."
E = TypeVar("E", bound=enum.Enum)


class Faults:
    """The faults of one input by field path; the first one said of a path stands.

    `form_first`: when the input has faults of form, only those are told (the content of a body
    that is not of the right form is not worth measuring yet), as the JSON API always answered.
    """

    def __init__(self, *, form_first: bool = False) -> None:
        self.errors: dict[str, str] = {}
        self.of_form: set[str] = set()
        self.form_first = form_first

    def add(self, path: str, message: str, *, form: bool = False) -> None:
        if path not in self.errors and form:
            self.of_form.add(path)
        self.errors.setdefault(path, message)

    def refuse(self, detail: str) -> None:
        if self.form_first and self.of_form:
            raise InvalidInput(detail, {path: m for path, m in self.errors.items() if path in self.of_form})
        if self.errors:
            raise InvalidInput(detail, dict(self.errors))


def at(path: str, key: str | int) -> str:
    """The path of a field (`nominee` under `nominations[2]`) or of an item (`2` under `nominations`)."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def mapping(value: Any, path: str, faults: Faults, fields: Collection[str]) -> dict[str, Any]:
    """An object whose keys are all among `fields` (others are faults); {} when it is no object."""
    if not isinstance(value, dict):
        faults.add(path or "body", REQUIRED if value is None else NOT_AN_OBJECT, form=value is not None)
        return {}
    for key in sorted(set(value) - set(fields), key=str):
        faults.add(at(path, str(key)), "Trường không được hỗ trợ.", form=True)
    return value


def text(value: Any, path: str, faults: Faults, *, high: int, required: str | None = REQUIRED,
         blank: str | None = None, collapse: bool = True) -> str | None:
    """A string, trimmed (inner whitespace collapsed unless `collapse` is off), at most `high` characters.

    Missing or blank: the fault `required` (`blank` for a blank one, when it says more), or None
    when `required` is None (optional).
    """
    if value is not None and not isinstance(value, str):
        faults.add(path, "Cần một chuỗi ký tự.", form=True)
        return None
    if value is not None and not clean_text(value):
        faults.add(path, BAD_CHARACTERS, form=True)
        return None
    cleaned = (" ".join(value.split()) if collapse else value.strip()) if value is not None else ""
    if not cleaned:
        if required is not None:
            faults.add(path, blank if value is not None and blank is not None else required)
        return None
    if len(cleaned) > high:
        faults.add(path, f"Tối đa {high} ký tự.")
        return None
    return cleaned


def integer(value: Any, path: str, faults: Faults, *, low: int, high: int, required: bool = True,
            digits: bool = False) -> int | None:
    """A whole number from `low` to `high`; with `digits`, a string of digits counts as one."""
    if value is None or value == "":
        if required:
            faults.add(path, REQUIRED)
        return None
    if digits and isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or isinstance(value, bool):
        faults.add(path, "Cần một số nguyên.", form=True)
        return None
    if not low <= value <= high:
        faults.add(path, f"Phải từ {low} đến {high}.")
        return None
    return value


def identifier(value: Any, path: str, faults: Faults, *, required: bool = False, digits: bool = False) -> int | None:
    """The id of a row: a whole number from 1 to the largest the database holds."""
    return integer(value, path, faults, low=1, high=MAX_ID, required=required, digits=digits)


def choice(value: Any, path: str, faults: Faults, choices: type[E], *, message: str | None = None) -> E | None:
    """One of an enumeration's values."""
    try:
        return choices(value)
    except ValueError:
        if value is None:
            faults.add(path, REQUIRED)
        else:
            faults.add(path, message or "Phải là một trong: " + ", ".join(str(c.value) for c in choices) + ".",
                       form=True)
        return None


def day(value: Any, path: str, faults: Faults, *, required: bool = False, low: date = date(1900, 1, 1),
        high: date = date(2200, 12, 31)) -> date | None:
    """A date: a date (or datetime) object, `YYYY-MM-DD`, or `dd/mm/yyyy` as Vietnamese write it."""
    if value is None or value == "":
        if required:
            faults.add(path, REQUIRED)
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str):
        raw = value.strip()
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
            try:
                value = datetime.strptime(raw, pattern).date()
                break
            except ValueError:
                continue
    if not isinstance(value, date):
        faults.add(path, "Cần ngày dạng dd/mm/yyyy (hoặc YYYY-MM-DD).", form=not isinstance(value, str))
        return None
    if not low <= value <= high:
        faults.add(path, f"Phải từ {low:%d/%m/%Y} đến {high:%d/%m/%Y}.")
        return None
    return value


def boolean(value: Any, path: str, faults: Faults, *, default: bool = False) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        faults.add(path, "Cần giá trị đúng/sai (true/false).", form=True)
        return default
    return value


def items(value: Any, path: str, faults: Faults, *, high: int, noun: str) -> list[Any]:
    """A list of at most `high` items ("Tối đa 1000 đề nghị.")."""
    if not isinstance(value, list):
        faults.add(path, REQUIRED if value is None else "Cần một danh sách.", form=value is not None)
        return []
    if len(value) > high:
        faults.add(path, f"Tối đa {high} {noun}.")
        return []
    return value
