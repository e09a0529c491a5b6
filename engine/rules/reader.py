"""Strict reading of the rules files: every refusal is a DefinitionError, in Vietnamese, naming the
file and the entry, so that whoever edits the YAML sees at once what to fix."""
from __future__ import annotations

import enum
import re
from collections.abc import Collection, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar

import yaml

from engine.errors import DefinitionError

E = TypeVar("E", bound=enum.Enum)


class LinedDict(dict[Any, Any]):
    """A mapping read from a file, knowing the line it starts on (1-based)."""

    line: int | None = None


class _StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing a key given twice in one mapping (PyYAML keeps the last one silently);
    every mapping remembers its line, so that a refusal says where to look."""

    def construct_lined_map(self, node: yaml.MappingNode) -> Iterator[LinedDict]:
        data = LinedDict()
        data.line = node.start_mark.line + 1
        yield data
        data.update(self.construct_mapping(node))

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"khóa '{key}' xuất hiện hai lần",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_lined_map)


def load_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except FileNotFoundError:
        raise DefinitionError(f"{path}: không tìm thấy tệp quy định.") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise DefinitionError(f"{path}: tệp YAML không đúng cú pháp: {exc}") from None


def _label(value: Any) -> str:
    return "null" if value is None else repr(value)


class Entry:
    """A mapping read from a rules file, with the place it came from."""

    def __init__(self, data: Any, where: str) -> None:
        self.where = where
        if not isinstance(data, dict):
            raise self.error(f"cần một bảng khóa – giá trị, nhận được {_label(data)}.")
        self.data: dict[Any, Any] = data

    def at(self, where: str) -> Entry:
        return Entry(self.data, where)

    def error(self, message: str) -> DefinitionError:
        line = getattr(self.data, "line", None) if hasattr(self, "data") else None
        return DefinitionError(f"{self.where}: {message}" + (f" (dòng {line})" if line else ""))

    def keys(self, *required: str, optional: Collection[str] = ()) -> None:
        if unknown := [str(k) for k in self.data if k not in required and k not in optional]:
            raise self.error(f"khóa không được hỗ trợ: {', '.join(sorted(unknown))}.")
        if missing := [k for k in required if k not in self.data]:
            raise self.error(f"thiếu khóa: {', '.join(missing)}.")

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def entry(self, key: str) -> Entry:
        return Entry(self.data.get(key), f"{self.where}, '{key}'")

    def _list(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if not isinstance(value, list):
            raise self.error(f"'{key}' phải là một danh sách, nhận được {_label(value)}.")
        return value

    def entries(self, key: str) -> list[Entry]:
        return [Entry(item, f"{self.where}, '{key}' mục {i}") for i, item in enumerate(self._list(key), 1)]

    def text(self, key: str, pattern: re.Pattern[str] | None = None) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.error(f"'{key}' phải là một chuỗi không rỗng, nhận được {_label(value)}.")
        if pattern is not None and not pattern.fullmatch(value):
            raise self.error(f"'{key}' = '{value}' không đúng dạng {pattern.pattern}.")
        return value.strip()

    def texts(self, key: str) -> Iterator[str]:
        for i, value in enumerate(self._list(key), 1):
            if not isinstance(value, str) or not value.strip():
                raise self.error(f"'{key}' mục {i} phải là một chuỗi không rỗng.")
            yield value.strip()

    def integer(self, key: str, minimum: int) -> int:
        value = self.data.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise self.error(f"'{key}' phải là số nguyên từ {minimum} trở lên, nhận được {_label(value)}.")
        return value

    def flag(self, key: str) -> bool:
        value = self.data.get(key)
        if not isinstance(value, bool):
            raise self.error(f"'{key}' phải là true hoặc false, nhận được {_label(value)}.")
        return value

    def day(self, key: str) -> date:
        value = self.data.get(key)
        if isinstance(value, str):
            try:
                value = date.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, date) or isinstance(value, datetime):
            raise self.error(f"'{key}' phải là ngày dạng YYYY-MM-DD, nhận được {_label(value)}.")
        return value

    def optional_day(self, key: str) -> date | None:
        return None if self.data.get(key) is None else self.day(key)

    def choice(self, key: str, enum_cls: type[E], exclude: Collection[E] = ()) -> E:
        return self._choice(self.data.get(key), f"'{key}'", enum_cls, exclude)

    def choices(self, key: str, enum_cls: type[E], exclude: Collection[E] = ()) -> list[E]:
        chosen = [self._choice(v, f"'{key}' mục {i}", enum_cls, exclude) for i, v in enumerate(self._list(key), 1)]
        if len(set(chosen)) != len(chosen):
            raise self.error(f"'{key}' có giá trị lặp lại.")
        return chosen

    def _choice(self, value: Any, label: str, enum_cls: type[E], exclude: Collection[E]) -> E:
        allowed = [member for member in enum_cls if member not in exclude]
        for member in allowed:
            if value == member.value:
                return member
        names = ", ".join(str(member.value) for member in allowed)
        raise self.error(f"{label} = {_label(value)} không hợp lệ; phải là một trong: {names}.")
