"""YAML with line numbers, and the helpers that read one row's fields while collecting every
problem with the line it is on (for the org-chart import)."""
from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, TypeVar

import yaml

from engine.errors import InvalidInput
from engine.text import clean_text

IDENTIFIER = re.compile(r"[A-Za-z0-9._-]+")
MIN_YEAR, MAX_YEAR = 1945, 2200  # as the dossier's plausible_year constraint
E = TypeVar("E", bound=enum.Enum)
_MERGE_TAG = "tag:yaml.org,2002:merge"


class LineMapping(dict[Any, Any]):
    """A YAML mapping with its line and, per key, the line and source text of the value (1-based)."""

    line: int = 0
    where: dict[Any, tuple[int, str | None]]


class LineSequence(list[Any]):
    """A YAML list with its line and, per index, the line and source text of the item."""

    line: int = 0
    where: dict[Any, tuple[int, str | None]]


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


def _where(node: yaml.Node) -> tuple[int, str | None]:
    return node.start_mark.line + 1, node.value if isinstance(node, yaml.ScalarNode) else None


class LineLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader (no object construction) that keeps lines and refuses duplicate keys."""

    def construct_located_mapping(self, node: yaml.MappingNode) -> Iterator[LineMapping]:
        data = LineMapping()
        data.line, data.where = node.start_mark.line + 1, {}
        yield data
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG or not isinstance(key_node, yaml.ScalarNode):
                continue
            key = self.construct_object(key_node)
            if key in data.where:
                raise _DuplicateKey(problem=f"khóa '{key}' bị lặp lại trong cùng một bảng",
                                    problem_mark=key_node.start_mark)
            data.where[key] = _where(value_node)
        data.update(self.construct_mapping(node))

    def construct_located_sequence(self, node: yaml.SequenceNode) -> Iterator[LineSequence]:
        data = LineSequence()
        data.line = node.start_mark.line + 1
        data.where = {index: _where(child) for index, child in enumerate(node.value)}
        yield data
        data.extend(self.construct_sequence(node))


LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_located_mapping)
LineLoader.add_constructor("tag:yaml.org,2002:seq", LineLoader.construct_located_sequence)


def _unclean_line(data: Any) -> int | None:
    """The first line holding a key or a string that no database stores (a NUL or a lone surrogate,
    which YAML's escapes `\\0` and `\\ud800` can write), or None."""
    lines = []
    stack: list[tuple[Any, int]] = [(data, getattr(data, "line", 1))]
    while stack:
        node, line = stack.pop()
        if isinstance(node, str) and not clean_text(node):
            lines.append(line)
        elif isinstance(node, LineMapping):
            stack.extend(item for key, value in node.items() for item in ((key, line_of(node, key)),
                                                                           (value, line_of(node, key))))
        elif isinstance(node, LineSequence):
            stack.extend((value, line_of(node, index)) for index, value in enumerate(node))
    return min(lines, default=None)


# Bounds checked before the file is parsed into nodes (issue 11: a 10 MB file took 50 s and 1 GB). A
# province's org chart (thousands of units and users) is a few hundred KB; demo/org.yaml is 15 KB.
MAX_SOURCE_CHARS = 4 * 1024 * 1024
MAX_NODES = 200_000  # scalars, mappings and lists


def _too_large(source: str) -> str | None:
    """Why the file is refused before parsing: too many characters, or too many nodes (counted on the
    C parser's event stream, which builds no node and stops at the bound)."""
    if len(source) > MAX_SOURCE_CHARS:
        return (f"Tệp: quá lớn ({len(source) / 1048576:.1f} triệu ký tự; tối đa "
                f"{MAX_SOURCE_CHARS / 1048576:.0f} triệu). Hãy chia thành nhiều tệp.")
    parser = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader
    counted = (yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent, yaml.AliasEvent)
    nodes = 0
    try:
        for event in yaml.parse(source, Loader=parser):
            if isinstance(event, counted):
                nodes += 1
                if nodes > MAX_NODES:
                    line = event.start_mark.line + 1 if event.start_mark else 0
                    return (f"Dòng {line}: tệp có quá nhiều mục (tối đa {MAX_NODES} giá trị). "
                            "Hãy chia thành nhiều tệp.")
    except yaml.YAMLError:
        return None  # the full parse below names the error and its line
    return None


def load(source: str, filename: str) -> Any:
    """Parse, or raise InvalidInput naming the line of the first syntax error or unstorable string;
    a file over the bounds above is refused before it is parsed."""
    if (refusal := _too_large(source)) is not None:
        raise InvalidInput(f"Tệp sơ đồ tổ chức {filename} quá lớn: {refusal}", errors={"file": refusal})
    try:
        data = yaml.load(source, Loader=LineLoader)  # a SafeLoader: plain data only
        line = _unclean_line(data)
        if line is None:
            return data
        message = f"Dòng {line}: chuỗi chứa ký tự không hợp lệ (NUL hoặc nửa cặp UTF-16)."
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"Dòng {mark.line + 1}, cột {mark.column + 1}" if mark is not None else "Tệp"
        problem = getattr(exc, "problem", None) or str(exc)
        if not isinstance(exc, _DuplicateKey):
            problem = f"cú pháp YAML không hợp lệ ({problem})"
        message = f"{where}: {problem}."
    except RecursionError:
        message = "Tệp: cấu trúc lồng nhau quá sâu."
    raise InvalidInput(f"Tệp sơ đồ tổ chức {filename} không đọc được: {message}", errors={"file": message})


def line_of(container: LineMapping | LineSequence, key: Any) -> int:
    """The line of `container[key]`; the container's own line for a key it does not have."""
    return container.where.get(key, (container.line, None))[0]


def describe(value: Any) -> str:
    """What YAML made of a value, in the words a user would recognise."""
    if value is None:
        return "giá trị rỗng"
    if isinstance(value, bool):
        return f"giá trị đúng/sai ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"số {value}"
    if isinstance(value, date):
        return f"ngày {value.isoformat()}"
    if isinstance(value, LineSequence):
        return "một danh sách"
    if isinstance(value, LineMapping):
        return "một bảng khóa: giá trị"
    if isinstance(value, str):
        return f"chuỗi '{value}'"
    return f"giá trị kiểu {type(value).__name__}"


class Problems:
    """Every error found, keyed by the path of the bad value; the first error of a path wins."""

    def __init__(self) -> None:
        self.found: dict[str, tuple[int, str]] = {}

    def add(self, path: str, line: int, message: str) -> None:
        self.found.setdefault(path, (line, f"Dòng {line}: {message}"))

    def raise_if_any(self) -> None:
        if self.found:
            in_file_order = sorted(self.found.items(), key=lambda item: item[1][0])
            raise InvalidInput(f"Tệp sơ đồ tổ chức có {len(self.found)} lỗi.",
                               errors={path: message for path, (_, message) in in_file_order})


class Fields:
    """Typed reading of one row (a mapping) of the file, reporting into `problems`."""

    def __init__(self, problems: Problems, path: str, row: LineMapping, allowed: tuple[str, ...]) -> None:
        self.problems, self.path, self.row = problems, path, row
        for key in row:
            if key not in allowed:
                self.error(key, f"trường '{key}' không được hỗ trợ (hợp lệ: {', '.join(allowed)}).")

    def error(self, key: Any, message: str) -> None:
        self.problems.add(f"{self.path}.{key}", line_of(self.row, key), message)

    def required_text(self, key: str, *, max_len: int, identifier: bool = False) -> str:
        """The stripped string, or "" after reporting why there is none."""
        if self.row.get(key) is None or self.row.get(key) == "":
            self.error(key, f"thiếu trường bắt buộc '{key}'." if self.row.get(key) is None
                       else f"trường '{key}' không được để trống.")
            return ""
        return self.optional_text(key, max_len=max_len, identifier=identifier) or ""

    def optional_text(self, key: str, *, max_len: int, identifier: bool = False,
                      secret: bool = False) -> str | None:
        value = self.row.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            shown = None if secret else self.row.where[key][1]
            hint = f" đọc '{shown}' thành" if shown is not None else " đọc được"
            found = f"một giá trị kiểu {type(value).__name__}" if secret else describe(value)
            self.error(key, f"trường '{key}' phải là chuỗi ký tự nhưng YAML{hint} {found}; "
                            "hãy đặt giá trị trong dấu nháy kép.")
            return None
        return check_text(self.problems, f"{self.path}.{key}", line_of(self.row, key), key,
                          value if secret else value.strip(), max_len=max_len, identifier=identifier)

    def flag(self, key: str) -> bool:
        value = self.row.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.error(key, f"trường '{key}' phải là true hoặc false, nhận được {describe(value)}.")
            return False
        return value

    def choice(self, key: str, kind: type[E], what: str, *, required: bool = True,
               allowed: Iterable[E] | None = None) -> E | None:
        """One of the enum's values (or of `allowed`); None after reporting, or when optional and absent."""
        text = self.required_text(key, max_len=40) if required else self.optional_text(key, max_len=40)
        if not text:
            return None
        options = list(allowed if allowed is not None else kind)
        for option in options:
            if option.value == text:
                return option
        self.error(key, f"{what} '{text}' không hợp lệ (hợp lệ: {', '.join(str(o.value) for o in options)}).")
        return None

    def year(self, key: str) -> int | None:
        value = self.row.get(key)
        if value is None:
            self.error(key, f"thiếu trường bắt buộc '{key}'.")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
            self.error(key, f"trường '{key}' phải là một năm từ {MIN_YEAR} đến {MAX_YEAR}, "
                            f"nhận được {describe(value)}.")
            return None
        return value

    def items(self, key: str, *, required: bool = False) -> LineSequence:
        value = self.row.get(key)
        if value is None:
            if required:
                self.error(key, f"thiếu trường bắt buộc '{key}'.")
            return LineSequence()
        if not isinstance(value, LineSequence):
            self.error(key, f"trường '{key}' phải là một danh sách, nhận được {describe(value)}.")
            return LineSequence()
        return value


def mappings(problems: Problems, items: LineSequence, prefix: str, allowed: tuple[str, ...],
             what: str) -> Iterator[Fields]:
    """The rows of a list, each read as a mapping; an item that is not one is reported."""
    for index, item in enumerate(items):
        path = f"{prefix}[{index}]"
        if isinstance(item, LineMapping):
            yield Fields(problems, path, item, allowed)
        else:
            problems.add(path, line_of(items, index),
                         f"mỗi {what} phải là một bảng {{{allowed[0]}: …, …}}, nhận được {describe(item)}.")


def section(problems: Problems, top: LineMapping, name: str) -> LineSequence:
    """A top-level list of the file; absent is empty."""
    value = top.get(name)
    if value is None:
        return LineSequence()
    if not isinstance(value, LineSequence):
        problems.add(name, line_of(top, name),
                     f"mục '{name}' phải là một danh sách, nhận được {describe(value)}.")
        return LineSequence()
    return value


def check_text(problems: Problems, path: str, line: int, key: str, value: str, *, max_len: int,
               identifier: bool = False) -> str | None:
    if len(value) > max_len:
        problems.add(path, line, f"trường '{key}' dài {len(value)} ký tự, tối đa {max_len}.")
        return None
    if identifier and not IDENTIFIER.fullmatch(value):
        problems.add(path, line, f"'{value}' không hợp lệ: chỉ được dùng chữ cái không dấu, chữ số "
                                 "và các ký tự '.', '-', '_'.")
        return None
    return value


def item_text(problems: Problems, path: str, items: LineSequence, index: int, what: str,
              max_len: int) -> str | None:
    """One string item of a list (a council's member), reported at its own line."""
    value, line = items[index], line_of(items, index)
    if not isinstance(value, str) or not value.strip():
        problems.add(path, line, f"{what} phải là một tên đăng nhập, nhận được {describe(value)}.")
        return None
    return check_text(problems, path, line, what, value.strip(), max_len=max_len, identifier=True)
