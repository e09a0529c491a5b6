"""The functions a BPMN script or expression may call. Nothing else is reachable from scripts."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any


def count_equal(items: Iterable[Any], value: Any) -> int:
    """How many items equal `value` (e.g. the "yes" choices of a vote)."""
    return sum(1 for item in items or () if item == value)


HELPERS: dict[str, Callable[..., Any]] = {
    "count_equal": count_equal,
}
