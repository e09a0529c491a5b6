"""What each process of workflows/ holds, read from its parsed definition: the user tasks with their lane,
form and variables, the script tasks and the helpers they call, timers, messages, called processes; and
the line of any element in its BPMN file. `khenthuong check` reports faults and writes the catalogue
(docs/processes.md) from these.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.message import MessageEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import ThrowingEvent
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask

from engine.runtime.definitions import Definition, called_names, describe_user_task, task_expressions
from engine.runtime.helpers import HELPERS

_TIMER_KINDS = {"BoundaryEvent": "boundary", "IntermediateCatchEvent": "intermediate", "StartEvent": "start"}


class SourceLines:
    """Line numbers of BPMN elements by id, each file read once."""

    def __init__(self, workflows_dir: Path) -> None:
        self.workflows_dir = workflows_dir
        self._trees: dict[str, Any] = {}

    def line_of(self, file: str, element_id: str | None) -> int | None:
        if not element_id:
            return None
        if file not in self._trees:
            try:
                self._trees[file] = etree.parse(str(self.workflows_dir / file))
            except (OSError, etree.XMLSyntaxError):
                self._trees[file] = None
        tree = self._trees[file]
        if tree is None:
            return None
        found = tree.xpath("//*[@id=$id]", id=element_id)
        return int(found[0].sourceline) if found else None


@dataclass(frozen=True)
class UserTaskEntry:
    id: str
    name: str
    line: int | None
    role: str
    form: str
    unit_variable: str
    assignee_variable: str | None
    due_variable: str | None


@dataclass(frozen=True)
class ScriptEntry:
    id: str
    name: str
    line: int | None
    helpers: tuple[str, ...]


@dataclass(frozen=True)
class TimerEntry:
    id: str
    name: str
    line: int | None
    kind: str  # boundary, intermediate, start
    expression: str
    interrupting: bool | None


@dataclass(frozen=True)
class MessageEntry:
    id: str
    name: str
    line: int | None
    message: str
    direction: str  # "catch" or "throw"


@dataclass
class ProcessEntry:
    key: str
    name: str
    file: str
    line: int | None
    calls: list[str] = field(default_factory=list)
    user_tasks: list[UserTaskEntry] = field(default_factory=list)
    scripts: list[ScriptEntry] = field(default_factory=list)
    timers: list[TimerEntry] = field(default_factory=list)
    messages: list[MessageEntry] = field(default_factory=list)
    helpers: set[str] = field(default_factory=set)  # called from any script or expression of the process


def _own_task_specs(definition: Definition) -> Iterator[Any]:
    """The task specs of the process itself and of the subprocesses embedded in it (not called ones)."""
    pending = [definition.spec]
    while pending:
        spec = pending.pop()
        for task_spec in spec.task_specs.values():
            if getattr(task_spec, "bpmn_id", None) is None:
                continue  # the parser's own start and end specs
            yield task_spec
            if isinstance(task_spec, SubWorkflowTask) and not isinstance(task_spec, CallActivity):
                if task_spec.spec in definition.subprocess_specs:
                    pending.append(definition.subprocess_specs[task_spec.spec])


def _helpers_called(task_spec: Any) -> set[str]:
    return {name for source, mode in task_expressions(task_spec) for name in called_names(source, mode)
            if name in HELPERS}


def describe_process(definition: Definition, lines: SourceLines) -> ProcessEntry:
    file = definition.source_file
    entry = ProcessEntry(definition.key, definition.name, file, lines.line_of(file, definition.key))
    for task_spec in _own_task_specs(definition):
        bpmn_id, name = task_spec.bpmn_id, task_spec.bpmn_name or task_spec.bpmn_id
        line = lines.line_of(file, bpmn_id)
        helpers = _helpers_called(task_spec)
        entry.helpers |= helpers
        if isinstance(task_spec, CallActivity):
            entry.calls.append(task_spec.spec)
        if getattr(task_spec, "manual", False):
            info = describe_user_task(task_spec, None, file)
            entry.user_tasks.append(UserTaskEntry(bpmn_id, name, line, info.role.value, info.form_name,
                                                  info.unit_variable, info.assignee_variable, info.due_variable))
        elif getattr(task_spec, "script", None):
            entry.scripts.append(ScriptEntry(bpmn_id, name, line, tuple(sorted(helpers))))
        event = getattr(task_spec, "event_definition", None)
        if isinstance(event, TimerEventDefinition):
            entry.timers.append(TimerEntry(bpmn_id, name, line, _TIMER_KINDS.get(type(task_spec).__name__, "other"),
                                           event.expression, getattr(task_spec, "cancel_activity", None)))
        elif isinstance(event, MessageEventDefinition):
            direction = "throw" if isinstance(task_spec, ThrowingEvent) else "catch"
            entry.messages.append(MessageEntry(bpmn_id, name, line, event.name, direction))
    order = lambda item: (item.line or 0, item.id)  # noqa: E731 - the order of the file
    for items in (entry.user_tasks, entry.scripts, entry.timers, entry.messages):
        items.sort(key=order)
    return entry


def describe_processes(definitions: dict[str, Definition], workflows_dir: Path) -> list[ProcessEntry]:
    """Every process, by file and by its place in the file."""
    lines = SourceLines(workflows_dir)
    entries = [describe_process(definition, lines) for definition in definitions.values()]
    return sorted(entries, key=lambda e: (e.file, e.line or 0, e.key))
