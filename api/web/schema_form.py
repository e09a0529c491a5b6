"""A task's JSON Schema form as HTML fields, and the posted fields back as the form's data.

Labels come from each property's `title`, choices from `enum` with their `x-labels`; `readOnly`
properties are shown, never edited nor sent back. An array of objects is one group of fields per
item, pre-filled (e.g. one per nomination at `appraise`); an item's integer `id` travels in a
hidden field; an item's read-only `allowed` list narrows its choices (e.g. `decide`). Every input
is named by its field path (`nominations[0].eligible`), the very key of InvalidInput.errors, so
each error lands next to its field.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

TEXTAREA_FROM = 300  # strings allowed this long or longer get a multi-line box
BOOLEAN_OPTIONS = [("true", "Có"), ("false", "Không")]
ALLOWED = "allowed"  # an item's read-only list of the choices open to it


@dataclass
class Field:
    path: str
    name: str
    title: str
    kind: str  # text | textarea | number | choice | boolean | multi | hidden | display | checks | omit | group | list
    value: Any = None
    required: bool = False
    description: str = ""
    options: list[tuple[str, str]] = field(default_factory=list)
    children: list[Field] = field(default_factory=list)
    error: str = ""
    max_length: int | None = None
    addable: bool = False

    @property
    def html_id(self) -> str:
        return "f-" + re.sub(r"[^A-Za-z0-9_-]+", "-", self.path).strip("-")

    @property
    def selected(self) -> str:
        """The value as the option it selects ("true"/"false" for booleans)."""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return "" if self.value is None else str(self.value)

    def child(self, name: str) -> Field | None:
        return next((c for c in self.children if c.name == name), None)


def join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _options(schema: Mapping[str, Any], allowed: list[Any] | None) -> list[tuple[str, str]]:
    labels = schema.get("x-labels") or {}
    return [(str(v), str(labels.get(v, v))) for v in schema.get("enum", []) if allowed is None or v in allowed]


def _scalar(name: str, schema: Mapping[str, Any], path: str, value: Any, required: bool,
            allowed: list[Any] | None, in_item: bool, options: Mapping[str, list[tuple[str, str]]]) -> Field:
    kind = schema.get("type")
    title = str(schema.get("title") or name)
    base = Field(path, name, title, "text", value, required, str(schema.get("description") or ""))
    if schema.get("readOnly") and name == ALLOWED:
        base.kind = "omit"  # shown through the choices it leaves
    elif schema.get("readOnly"):
        is_checks = kind == "array" and all(isinstance(v, Mapping) and "result" in v for v in value or [])
        base.kind = "checks" if is_checks and value else "display"
    elif kind == "integer" and in_item and (name == "id" or name.endswith("_id")):
        base.kind = "hidden"
    elif kind == "array" and name in options:
        base.kind, base.options = "multi", list(options[name])
        base.title = re.sub(r"\s*\(mã [^)]*\)$", "", title)  # names are offered, the ids stay behind them
    elif kind == "array":
        base.kind = "text"  # numbers or words separated by commas
        base.value = ", ".join(map(str, value)) if isinstance(value, list) else value
    elif "enum" in schema:
        base.kind, base.options = "choice", _options(schema, allowed)
    elif kind == "boolean":
        base.kind, base.options = "boolean", BOOLEAN_OPTIONS
    elif kind in ("integer", "number"):
        base.kind = "number"
    else:
        base.max_length = schema.get("maxLength")
        base.kind = "textarea" if (base.max_length or TEXTAREA_FROM) >= TEXTAREA_FROM else "text"
    return base


def _object(schema: Mapping[str, Any], path: str, values: Mapping[str, Any], errors: Mapping[str, str],
            prefilled: Mapping[str, Any], options: Mapping[str, list[tuple[str, str]]],
            in_item: bool = False) -> list[Field]:
    fields = []
    required = set(schema.get("required", []))
    allowed = values.get(ALLOWED) if isinstance(values.get(ALLOWED), list) else None
    for name, sub in (schema.get("properties") or {}).items():
        sub_path = join(path, name)
        value = values.get(name)
        if sub.get("type") == "array" and (sub.get("items") or {}).get("type") == "object" and not sub.get("readOnly"):
            fields.append(_list(name, sub, sub_path, value, errors, name in required, name in prefilled, options))
        elif sub.get("type") == "object" and not sub.get("readOnly"):
            group = Field(sub_path, name, str(sub.get("title") or name), "group", required=name in required)
            group.children = _object(sub, sub_path, value if isinstance(value, Mapping) else {}, errors, {}, options,
                                     in_item)
            fields.append(group)
        else:
            fields.append(_scalar(name, sub, sub_path, value, name in required, allowed, in_item, options))
        fields[-1].error = errors.get(sub_path, "")
    return fields


def _list(name: str, schema: Mapping[str, Any], path: str, value: Any, errors: Mapping[str, str],
          required: bool, prefilled: bool, options: Mapping[str, list[tuple[str, str]]]) -> Field:
    items = list(value) if isinstance(value, list) else []
    if not prefilled and not items:
        items = [{}]  # one empty row to fill in; more with "add a row"
    listing = Field(path, name, str(schema.get("title") or name), "list", required=required, addable=not prefilled,
                    description=str(schema.get("description") or ""))
    for index, item in enumerate(items):
        item_path = f"{path}[{index}]"
        group = Field(item_path, str(index), f"{index + 1}", "group", value=item, error=errors.get(item_path, ""))
        group.children = _object(schema["items"], item_path, item if isinstance(item, Mapping) else {}, errors, {},
                                 options, in_item=prefilled)
        listing.children.append(group)
    return listing


def build_fields(schema: Mapping[str, Any], values: Mapping[str, Any], errors: Mapping[str, str] | None = None,
                 prefilled: Mapping[str, Any] | None = None,
                 options: Mapping[str, list[tuple[str, str]]] | None = None) -> list[Field]:
    """The fields of `schema` showing `values`; lists present in `prefilled` keep their items fixed;
    `options` offers choices, by property name, for lists of plain values (e.g. council members)."""
    return _object(schema, "", values, errors or {}, prefilled or {}, options or {})


def placed_paths(fields: list[Field]) -> set[str]:
    found = set()
    for item in fields:
        found.add(item.path)
        found |= placed_paths(item.children)
    return found


# ---- reading a posted form --------------------------------------------------------------------------

def _indices(form: MultiDict[str, str], path: str) -> list[int]:
    pattern = re.compile(re.escape(path) + r"\[(\d+)\]")
    return sorted({int(m.group(1)) for key in form for m in [pattern.match(key)] if m})


def _read(schema: Mapping[str, Any], path: str, form: MultiDict[str, str]) -> tuple[bool, Any]:
    kind = schema.get("type")
    if kind == "object":
        out = {}
        for name, sub in (schema.get("properties") or {}).items():
            if sub.get("readOnly"):
                continue
            present, value = _read(sub, join(path, name), form)
            if present:
                out[name] = value
        return bool(out) or not path, out
    if kind == "array":
        if (schema.get("items") or {}).get("type") == "object":
            items = [v for i in _indices(form, path) for present, v in [_read(schema["items"], f"{path}[{i}]", form)]
                     if present and v]
            return bool(items) or path in form, items
        raw_items = [part.strip() for v in form.getlist(path) for part in v.split(",") if part.strip()]
        # Nothing ticked or typed: left out, so that the operation's default applies.
        return bool(raw_items), [_typed((schema.get("items") or {}).get("type"), v) for v in raw_items]
    raw = form.get(path)
    if raw is None or raw.strip() == "":
        return False, None
    return True, _typed(kind, raw.strip())


def _typed(kind: object, raw: str) -> Any:
    """A posted text as the schema's type; left as text when it is not one (validation names the field)."""
    if kind == "boolean":
        return {"true": True, "false": False}.get(raw, raw)
    if kind in ("integer", "number"):
        try:
            return int(raw) if kind == "integer" else float(raw.replace(",", "."))
        except ValueError:
            return raw
    return raw


def read_form(schema: Mapping[str, Any], form: MultiDict[str, str]) -> dict[str, Any]:
    """The data a form's fields were posted with, in the shape of `schema` (read-only fields left out)."""
    _, data = _read(schema, "", form)
    return data if isinstance(data, dict) else {}


def merge(prefilled: Mapping[str, Any], posted: Mapping[str, Any]) -> dict[str, Any]:
    """Posted values over the pre-filled ones, item by item, so read-only context stays on show."""
    out = dict(prefilled)
    for key, value in posted.items():
        before = out.get(key)
        if isinstance(value, list) and isinstance(before, list):
            out[key] = [merge(before[i], v) if i < len(before) and isinstance(before[i], Mapping)
                        and isinstance(v, Mapping) else v for i, v in enumerate(value)]
        elif isinstance(value, Mapping) and isinstance(before, Mapping):
            out[key] = merge(before, value)
        else:
            out[key] = value
    return out
