"""Domain hooks on human tasks: what a process needs beyond its JSON Schema form.

`before_complete` hooks validate submitted data against the domain (e.g. "approve only within
this level's authority") and apply it, inside the completing transaction and before the engine
runs; they raise InvalidInput to refuse. A hook may return an Outcome: `data` replaces what enters
the workflow state and the audit trail (a secret ballot never does), `reply` adds to the answer.
`prefill` hooks add computed values to what GET /tasks/{id} shows (e.g. the eligibility pre-check
at `appraise`).

A hook is keyed by the BPMN process that *defines* the task (`council_vote`, `level_review`), not by
the process an instance started with, and found through the task's definition at run time, so a
process keeps its hooks whoever calls it. Every Runtime checks the contract when it loads
(`check_hooks`): a hook naming a task its process does not have, or a user task marked
`hook: required` without a before_complete hook, stops the start with the BPMN file named.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.context import Context
from engine.errors import DefinitionError
from engine.models import HumanTask
from engine.runtime import Definition, UserTaskSpec
from engine.runtime.definitions import HOOK_PROPERTY, HOOK_REQUIRED, register_check


@dataclass(frozen=True)
class Outcome:
    data: dict[str, Any]
    reply: dict[str, Any] = field(default_factory=dict)


BeforeComplete = Callable[[Context, HumanTask, dict[str, Any]], Outcome | None]
Prefill = Callable[[Context, HumanTask], dict[str, Any]]

_before_complete: dict[tuple[str, str], BeforeComplete] = {}
_prefill: dict[tuple[str, str], Prefill] = {}


def before_complete(process_key: str, task_key: str) -> Callable[[BeforeComplete], BeforeComplete]:
    """Register the hook of user task `task_key` of the BPMN process `process_key` that defines it."""
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
    process_key: str  # the BPMN process that defines the task
    task_key: str
    func: Callable[..., Any]

    @property
    def name(self) -> str:
        return f"{self.kind}: {self.func.__module__}.{self.func.__qualname__}"


def registered_hooks() -> list[RegisteredHook]:
    """Every hook registered so far, for `khenthuong check` and the process catalogue."""
    hooks = [RegisteredHook("before_complete", p, t, f) for (p, t), f in _before_complete.items()]
    hooks += [RegisteredHook("prefill", p, t, f) for (p, t), f in _prefill.items()]
    return sorted(hooks, key=lambda h: (h.process_key, h.task_key, h.kind))


def hooks_of(process_key: str, task_key: str) -> list[RegisteredHook]:
    """The hooks of one user task of one process."""
    return [hook for hook in registered_hooks() if (hook.process_key, hook.task_key) == (process_key, task_key)]


def _user_tasks_by_process(definitions: dict[str, Definition]) -> dict[str, dict[str, UserTaskSpec]]:
    found: dict[str, dict[str, UserTaskSpec]] = {}
    for definition in definitions.values():
        for info in definition.user_tasks.values():
            found.setdefault(info.process, {})[info.key] = info
    return found


def misplaced_hooks(definitions: dict[str, Definition]) -> list[DefinitionError]:
    """Hooks naming a task that is not a user task of their process (a process none of `definitions`
    runs is not judged: a runtime may load some processes only; `khenthuong check` sees them all)."""
    tasks = _user_tasks_by_process(definitions)
    faults = []
    for hook in registered_hooks():
        known = tasks.get(hook.process_key)
        if known is not None and hook.task_key not in known:
            file = next(iter(known.values())).file
            faults.append(DefinitionError(
                f"{file}: quy trình '{hook.process_key}' không có nhiệm vụ người dùng '{hook.task_key}' mà "
                f"{hook.name} xử lý.", file=file))
    return faults


def missing_required_hooks(definitions: dict[str, Definition]) -> list[DefinitionError]:
    """User tasks marked `hook: required` that have no before_complete hook."""
    return [DefinitionError(f"{info.file}: nhiệm vụ '{key}' ghi {HOOK_PROPERTY}: {HOOK_REQUIRED} nhưng không có "
                            f"hook before_complete nào cho ('{process}', '{key}') trong engine/operations.",
                            file=info.file, element=key)
            for process, by_key in sorted(_user_tasks_by_process(definitions).items())
            for key, info in sorted(by_key.items())
            if info.hook_required and (process, key) not in _before_complete]


def check_hooks(definitions: dict[str, Definition]) -> None:
    """The contract between the BPMN files and their hooks; the first fault stops the start."""
    faults = misplaced_hooks(definitions) + missing_required_hooks(definitions)
    if faults:
        raise faults[0]


register_check(check_hooks)


def _process_of(ctx: Context, task: HumanTask) -> str:
    assert ctx.runtime is not None
    return ctx.runtime.task_process(ctx.session, task.instance, task.key)


def run_before_complete(ctx: Context, task: HumanTask, data: dict[str, Any]) -> Outcome:
    hook = _before_complete.get((_process_of(ctx, task), task.key))
    outcome = hook(ctx, task, data) if hook is not None else None
    return outcome if outcome is not None else Outcome(data)


def prefilled(ctx: Context, task: HumanTask) -> dict[str, Any]:
    hook = _prefill.get((_process_of(ctx, task), task.key))
    return {**task.prefill, **(hook(ctx, task) if hook else {})}
