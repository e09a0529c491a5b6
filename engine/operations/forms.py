"""Validation of submitted task data against the task's JSON Schema form, with Vietnamese messages."""
from __future__ import annotations

from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine.errors import InvalidInput

_TYPE_NAMES = {"string": "chuỗi ký tự", "integer": "số nguyên", "number": "số", "boolean": "đúng/sai",
               "object": "đối tượng", "array": "danh sách", "null": "rỗng"}


def _path(error: ValidationError) -> str:
    parts = [str(p) if isinstance(p, str) else f"[{p}]" for p in error.absolute_path]
    text = ""
    for part in parts:
        text += part if part.startswith("[") or not text else f".{part}"
    return text or "data"


def _message(error: ValidationError) -> tuple[str, str]:
    path, kind, value = _path(error), error.validator, error.validator_value
    if kind == "required":
        missing = error.message.split("'")[1]
        return (f"{path}.{missing}" if path != "data" else missing), "Bắt buộc nhập."
    if kind == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return path, f"Trường không có trong biểu mẫu: {', '.join(extra)}."
    messages = {
        "type": lambda: f"Sai kiểu dữ liệu: cần {_type_name(value)}.",
        "enum": lambda: "Giá trị không hợp lệ; chọn một trong: " + ", ".join(map(str, value)) + ".",
        "minLength": lambda: f"Cần ít nhất {value} ký tự.",
        "maxLength": lambda: f"Tối đa {value} ký tự.",
        "minimum": lambda: f"Không được nhỏ hơn {value}.",
        "maximum": lambda: f"Không được lớn hơn {value}.",
        "minItems": lambda: f"Cần ít nhất {value} mục.",
        "maxItems": lambda: f"Tối đa {value} mục.",
        "format": lambda: f"Sai định dạng ({value}).",
        "pattern": lambda: "Sai định dạng.",
    }
    return path, messages.get(kind, lambda: f"Không hợp lệ ({error.message}).")()


def _type_name(value: Any) -> str:
    names = value if isinstance(value, list) else [value]
    return " hoặc ".join(_TYPE_NAMES.get(str(n), str(n)) for n in names)


def _typename_paths(value: Any, path: str = "data") -> list[str]:
    """SpiffWorkflow's serializer treats any dict with a `typename` key as one of its objects."""
    found = []
    if isinstance(value, dict):
        for key, item in value.items():
            sub = key if path == "data" else f"{path}.{key}"
            if key == "typename":
                found.append(sub)
            found += _typename_paths(item, sub)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _typename_paths(item, f"{path}[{index}]")
    return found


def validate_form_data(schema: dict[str, Any], data: Any) -> dict[str, Any]:
    """Plain JSON matching the form, with no field the form does not declare."""
    if not isinstance(data, dict):
        raise InvalidInput("Dữ liệu phải là một đối tượng JSON.", {"data": "Cần một đối tượng JSON."})
    errors: dict[str, str] = {}
    for path in _typename_paths(data):
        errors[path] = "Tên trường 'typename' không được phép."
    undeclared = sorted(set(data) - set(schema.get("properties", {})))
    if undeclared:
        errors["data"] = f"Trường không có trong biểu mẫu: {', '.join(undeclared)}."
    for error in sorted(Draft202012Validator(schema).iter_errors(data), key=lambda e: list(e.absolute_path)):
        path, message = _message(error)
        errors.setdefault(path, message)
    if errors:
        raise InvalidInput("Dữ liệu biểu mẫu không hợp lệ.", errors)
    return data
