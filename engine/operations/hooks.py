"""Domain hooks on human tasks: what a process needs beyond its JSON Schema form.

`before_complete` hooks validate submitted data against the domain (e.g. "approve only within
this level's authority") and apply it, inside the completing transaction and before the engine
runs; they raise InvalidInput to refuse. A hook may return an Outcome: `data` replaces what enters
the workflow state and the audit trail (a secret ballot never does), `reply` adds to the answer.
`prefill` hooks add computed values to what GET /tasks/{id} shows (e.g. the eligibility pre-check
at `appraise`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.context import Context
from engine.models import HumanTask


@dataclass(frozen=True)
class Outcome:
    data: dict[str, Any]
    reply: dict[str, Any] = field(default_factory=dict)


BeforeComplete = Callable[[Context, HumanTask, dict[str, Any]], Outcome | None]
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


@dataclass(frozen=True)
class RegisteredHook:
    kind: str  # "before_complete" or "prefill"
    process_key: str
    task_key: str
    func: Callable[..., Any]


def registered_hooks() -> list[RegisteredHook]:
    """Every hook registered so far, for `khenthuong check` and the process catalogue."""
    hooks = [RegisteredHook("before_complete", p, t, f) for (p, t), f in _before_complete.items()]
    hooks += [RegisteredHook("prefill", p, t, f) for (p, t), f in _prefill.items()]
    return sorted(hooks, key=lambda h: (h.process_key, h.task_key, h.kind))


def run_before_complete(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    hook = _before_complete.get((task.instance.process_key, task.key))
    outcome = hook(ctx, task, data) if hook is not None else None
    return outcome if outcome is not None else Outcome(data)


def prefilled(ctx: Context, task: HumanTask) -> dict[str, Any]:
    hook = _prefill.get((task.instance.process_key, task.key))
    return {**task.prefill, **(hook(ctx, task) if hook else {})}
