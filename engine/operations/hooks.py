"""Domain hooks on human tasks: what a process needs beyond its JSON Schema form.

`before_complete` hooks validate submitted data against the domain (e.g. "approve only within
this level's authority") and apply it, inside the completing transaction and before the engine
runs; they raise InvalidInput to refuse. `prefill` hooks add computed values to what
GET /tasks/{id} shows (e.g. the eligibility pre-check at `appraise`).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.context import Context
from engine.models import HumanTask

BeforeComplete = Callable[[Context, HumanTask, dict[str, Any]], None]
Prefill = Callable[[Context, HumanTask], dict[str, Any]]

_before_complete: dict[tuple[str, str], BeforeComplete] = {}
_prefill: dict[tuple[str, str], Prefill] = {}


def before_complete(process_key: str, task_key: str) -> Callable[[BeforeComplete], BeforeComplete]:
    def decorate(func: BeforeComplete) -> BeforeComplete:
        _before_complete[(process_key, task_key)] = func
        return func

    return decorate


def prefill(process_key: str, task_key: str) -> Callable[[Prefill], Prefill]:
    def decorate(func: Prefill) -> Prefill:
        _prefill[(process_key, task_key)] = func
        return func

    return decorate


def run_before_complete(ctx: Context, task: HumanTask, data: dict[str, Any]) -> None:
    hook = _before_complete.get((task.instance.process_key, task.key))
    if hook is not None:
        hook(ctx, task, data)


def prefilled(ctx: Context, task: HumanTask) -> dict[str, Any]:
    hook = _prefill.get((task.instance.process_key, task.key))
    return {**task.prefill, **(hook(ctx, task) if hook else {})}
