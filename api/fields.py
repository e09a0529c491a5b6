"""marshmallow fields and validators that explain themselves in Vietnamese.

Subclasses rather than patched defaults: marshmallow merges `default_error_messages` along the
class hierarchy, and apispec documents a subclass as its parent type.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from marshmallow import Schema, ValidationError, fields, missing, validate

from engine.db import MAX_ID
from engine.text import BAD_CHARACTERS, clean_text

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_COMMON = {
    "required": "Bắt buộc nhập.",
    "null": "Không được để trống.",
    "validator_failed": "Giá trị không hợp lệ.",
}


class Str(fields.String):
    default_error_messages = {**_COMMON, "invalid": "Cần một chuỗi ký tự.",
                              "invalid_utf8": "Chuỗi ký tự không hợp lệ (UTF-8).",
                              "characters": BAD_CHARACTERS}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not clean_text(text):
            raise self.make_error("characters")
        return text


class Int(fields.Integer):
    default_error_messages = {**_COMMON, "invalid": "Cần một số nguyên.", "too_large": "Số quá lớn."}


class Id(Int):
    """The id of a row: a positive integer that fits the database."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(validate=validate.Range(min=1, max=MAX_ID, error="Mã số phải từ {min} đến {max}."),
                         **kwargs)


class Bool(fields.Boolean):
    default_error_messages = {**_COMMON, "invalid": "Cần giá trị đúng/sai (true/false, 1/0)."}


class Dict(fields.Dict):
    default_error_messages = {**_COMMON, "invalid": "Cần một đối tượng JSON."}


class List(fields.List):
    default_error_messages = {**_COMMON, "invalid": "Cần một danh sách."}


class Nested(fields.Nested):
    default_error_messages = {**_COMMON, "type": "Cần một đối tượng JSON."}


class DateTime(fields.DateTime):
    default_error_messages = {**_COMMON, "invalid": "Cần thời điểm theo ISO 8601.",
                              "invalid_awareness": "Cần thời điểm có múi giờ.",
                              "format": "Không biểu diễn được thời điểm."}


class Raw(fields.Raw):
    default_error_messages = dict(_COMMON)


class Since(Str):
    """A date (`2026-11-23`, from the start of that day in Vietnam) or an ISO 8601 time."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> datetime:  # type: ignore[override]
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        try:
            if len(text) == 10:
                return datetime.combine(date.fromisoformat(text), time(0), LOCAL_TZ)
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError("Cần ngày dạng YYYY-MM-DD hoặc thời điểm theo ISO 8601.") from None
        return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_TZ)


class Inline(Nested):
    """A nested object made of the parent's own attributes: a nomination's `nominee_*` columns dumped
    as its `nominee` object (documented as the nested schema)."""

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
        return obj


F = TypeVar("F", bound=fields.Field)


def derived(field: type[F], compute: Callable[[Any], Any], *args: Any, **kwargs: Any) -> F:
    """A response field computed from the dumped object, documented as `field`:
    `has_document = derived(Bool, lambda d: d.document_sha256 is not None, required=True)`."""

    class Derived(field):  # type: ignore[valid-type,misc]
        def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = missing) -> Any:
            return compute(obj)

    return Derived(*args, dump_only=True, **kwargs)


def between(low: int, high: int | None = None) -> validate.Range:
    if high is None:
        return validate.Range(min=low, error="Không được nhỏ hơn {min}.")
    return validate.Range(min=low, max=high, error="Phải từ {min} đến {max}.")


def length(low: int | None = None, high: int | None = None) -> validate.Length:
    if low and high:
        error = "Độ dài phải từ {min} đến {max} ký tự."
    else:
        error = "Cần ít nhất {min} ký tự." if low else "Tối đa {max} ký tự."
    return validate.Length(min=low, max=high, error=error)


def one_of(choices: list[str]) -> validate.OneOf:
    return validate.OneOf(choices, error="Phải là một trong: {choices}.")


class BaseSchema(Schema):
    """Every request and response schema; unknown fields in a request are refused."""

    error_messages = {"type": "Cần một đối tượng JSON.", "unknown": "Trường không được hỗ trợ."}
