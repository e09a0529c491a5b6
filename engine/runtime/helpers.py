"""The functions a BPMN script or expression may call. Nothing else is reachable from scripts.

Generic helpers live here; domain helpers (routing a dossier, issuing decisions…) are registered
by engine/operations with `register`, which must happen before a Runtime is loaded: the start-up
check refuses a script that calls a function not registered.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

HELPERS: dict[str, Callable[..., Any]] = {}


def register(name: str | None = None) -> Callable[[F], F]:
    def decorate(func: F) -> F:
        HELPERS[name or func.__name__] = func
        return func

    return decorate


@register()
def count_equal(items: Iterable[Any], value: Any) -> int:
    """How many items equal `value` (e.g. the "yes" choices of a vote)."""
    return sum(item == value for item in items or ())
