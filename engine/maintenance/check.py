"""`khenthuong check`: workflows/, forms/, the rules and the task hooks, checked as the start-up checks
them, with every fault named by file and line, for a province's IT officer editing a BPMN file.

A BPMN fault comes with the line lxml or SpiffWorkflow's validation gives, or else the line of the element
at fault, found by its id; a form fault with the line of the JSON error or of the key at fault; a hook
naming a task its process does not define, with the line of the hook in its Python module; a user
task marked `hook: required` without a before_complete hook, with the line of the task.
"""
from __future__ import annotations

import inspect
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from engine.config import PROJECT_ROOT, Settings
from engine.errors import DefinitionError
from engine.operations.hooks import RegisteredHook, missing_required_hooks, registered_hooks
from engine.rules.calendar import WorkingCalendar
from engine.rules.catalogue import Catalogue
from engine.rules.emulation import EMULATION_FILE, load_emulation_rules
from engine.rules.rewards import REWARDS_FILE, RewardTable, check_codes
from engine.runtime.catalogue import SourceLines, describe_processes
from engine.runtime.definitions import BPMN_NS, Definition, load_form, parse_all
from engine.runtime.helpers import HELPERS

FORM_SUFFIX = ".json"
_NOT_FOUND = re.compile(r"The process '([^']+)' was not found")


@dataclass(frozen=True)
class Fault:
    path: str | None  # as the officer would type it (relative to the current folder when inside it)
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.path is None:
            return self.message
        return f"{self.path} dòng {self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class CheckReport:
    faults: list[Fault] = field(default_factory=list)
    definitions: dict[str, Definition] = field(default_factory=dict)
    bpmn_files: int = 0
    forms: int = 0
    unused_forms: list[str] = field(default_factory=list)
    hooks: int = 0
    user_tasks: int = 0

    @property
    def ok(self) -> bool:
        return not self.faults

    def summary(self) -> str:
        return (f"{self.bpmn_files} tệp BPMN ({len(self.definitions)} quy trình, {self.user_tasks} nhiệm vụ người "
                f"dùng), {self.forms} biểu mẫu, quy định, {self.hooks} móc nhiệm vụ, {len(HELPERS)} hàm hỗ trợ")


def shown(path: Path) -> str:
    """A path relative to the current folder when it lies inside it, else as it is."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def json_key_line(path: Path, key: str | None) -> int | None:
    """The first line of a JSON file that names `key` (enough to point at a form's field)."""
    if not key:
        return None
    try:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if f'"{key}"' in text:
                return number
    except OSError:
        return None
    return None


def _strip_place(message: str, *places: str) -> str:
    """The message without the place it starts with, which the fault names in front already."""
    for place in places:
        for prefix in (f"{place}: ", f"{place} dòng "):
            if message.startswith(prefix):
                rest = message[len(prefix):]
                return rest.split(": ", 1)[1] if prefix.endswith("dòng ") and ": " in rest else rest
    return message


def _in_vietnamese(message: str) -> str:
    """SpiffWorkflow's and the XSD's messages, as far as an officer needs them."""
    message = message.replace(f"{{{BPMN_NS}}}", "bpmn:").strip()
    if match := _NOT_FOUND.search(message):
        return f"gọi quy trình '{match.group(1)}' không có trong thư mục quy trình (calledElement)."
    if message.startswith("Element '"):
        return f"không đúng lược đồ BPMN 2.0: {message.rstrip('. ')}."
    return message


def _called_element_place(workflows_dir: Path, message: str) -> tuple[str, int] | None:
    """Where a call names a process that does not exist: the `calledElement` that names it."""
    match = _NOT_FOUND.search(message)
    if not match:
        return None
    needle = f'calledElement="{match.group(1)}"'
    for path in sorted(workflows_dir.glob("*.bpmn")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if needle in text:
                return path.name, number
    return None


def _definition_fault(error: DefinitionError, settings: Settings, lines: SourceLines) -> Fault:
    file, line = error.file, error.line
    if file is None or file == "?":
        return Fault(None, None, _in_vietnamese(error.message))
    message = _strip_place(error.message, file, Path(file).name)
    if file.endswith(FORM_SUFFIX):
        path = settings.forms_dir / Path(file).name
        line = line or json_key_line(path, error.element)
    else:
        file, line = _called_element_place(settings.workflows_dir, message) or (file, line)
        path = settings.workflows_dir / file
        line = line or lines.line_of(file, error.element)
    return Fault(shown(path), line, _in_vietnamese(message))


def _check_forms(settings: Settings) -> tuple[list[Fault], list[str]]:
    faults, names = [], sorted(p.name for p in settings.forms_dir.glob(f"*{FORM_SUFFIX}"))
    for name in names:
        try:
            load_form(settings.forms_dir, name, name)
        except DefinitionError as exc:
            path = settings.forms_dir / name
            faults.append(Fault(shown(path), exc.line, _strip_place(exc.message, name)))
    return faults, names


def _check_rules(settings: Settings) -> list[Fault]:
    faults = []
    for load in (Catalogue.load, WorkingCalendar.load, RewardTable.load):
        try:
            load(settings.rules_dir)
        except DefinitionError as exc:
            faults.append(Fault(None, None, exc.message))
    if not faults:
        try:
            check_codes(RewardTable.load(settings.rules_dir),
                        {t.code for v in Catalogue.load(settings.rules_dir).versions for t in v.award_types},
                        str(settings.rules_dir / REWARDS_FILE))
        except DefinitionError as exc:
            faults.append(Fault(None, None, exc.message))
        faults += _check_emulation(settings)
    return faults


def _check_emulation(settings: Settings) -> list[Fault]:
    """emulation.yaml reads, and the awards its cluster vote proposes are in the catalogue."""
    try:
        book = load_emulation_rules(settings.rules_dir)
    except DefinitionError as exc:
        return [Fault(None, None, exc.message)]
    codes = {t.code for v in Catalogue.load(settings.rules_dir).versions for t in v.award_types}
    return [Fault(None, None, f"{settings.rules_dir / EMULATION_FILE}: phiên bản từ {v.effective_from:%d/%m/%Y}, "
                              f"'cluster_vote.awards': không có loại khen thưởng '{code}' trong danh mục.")
            for v in book.versions if v.cluster_vote for code in v.cluster_vote.awards.values() if code not in codes]


def hook_place(hook: RegisteredHook) -> tuple[Path, int]:
    """The Python file and line where a hook is defined."""
    source = Path(inspect.getsourcefile(hook.func) or "?")
    return source, inspect.getsourcelines(hook.func)[1]


def _check_hooks(definitions: dict[str, Definition], hooks: list[RegisteredHook]) -> list[Fault]:
    """A hook must name a process and one of the user tasks that process itself defines (a hook keyed
    by a caller of the task's process would never run)."""
    faults = []
    for hook in hooks:
        definition = definitions.get(hook.process_key)
        info = definition.user_tasks.get(hook.task_key) if definition is not None else None
        if info is not None and info.process == hook.process_key:
            continue
        path, line = hook_place(hook)
        what = (f"quy trình '{hook.process_key}' không có nhiệm vụ người dùng '{hook.task_key}'"
                if definition is not None else f"không có quy trình '{hook.process_key}'")
        faults.append(Fault(shown(path), line, f"móc {hook.kind} của ({hook.process_key}, {hook.task_key}): {what}."))
    return faults


def check_installation(settings: Settings) -> CheckReport:
    """Every fault the start-up would refuse, and some it would find only one at a time."""
    report = CheckReport(bpmn_files=len(list(settings.workflows_dir.glob("*.bpmn"))))
    lines = SourceLines(settings.workflows_dir)
    definitions, errors = parse_all(settings.workflows_dir, settings.forms_dir)
    form_faults, form_names = _check_forms(settings)
    broken_forms = {fault.path for fault in form_faults}
    for error in errors:
        fault = _definition_fault(error, settings, lines)
        if fault not in report.faults and fault.path not in broken_forms:
            report.faults.append(fault)
    report.faults += form_faults
    report.faults += _check_rules(settings)
    hooks = registered_hooks()
    if not errors:
        report.faults += _check_hooks(definitions, hooks)
        report.faults += [_definition_fault(e, settings, lines) for e in missing_required_hooks(definitions)]
    report.faults.sort(key=lambda f: (f.path or "", f.line or 0))
    report.definitions, report.forms, report.hooks = definitions, len(form_names), len(hooks)
    report.user_tasks = sum(len(p.user_tasks) for p in describe_processes(definitions, settings.workflows_dir))
    used = {form for d in definitions.values() for form in d.forms}
    report.unused_forms = [name for name in form_names if name not in used] if not errors else []
    return report


@dataclass(frozen=True)
class HelperDoc:
    name: str
    signature: str
    doc: str
    module: str  # the file that defines it, relative to the project

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line."""
        return " ".join(self.doc.split("\n\n")[0].split())


class _Plain(str):
    """An annotation kept as text (modules use `from __future__ import annotations`), shown unquoted."""

    def __repr__(self) -> str:
        return str(self)


def signature_text(func: Any) -> str:
    signature = inspect.signature(func)
    plain = lambda a: _Plain(a) if isinstance(a, str) else a  # noqa: E731
    parameters = [p.replace(annotation=plain(p.annotation)) for p in signature.parameters.values()]
    return str(signature.replace(parameters=parameters, return_annotation=plain(signature.return_annotation)))


def module_file(func: Any) -> str:
    source = Path(inspect.getsourcefile(func) or "?").resolve()
    try:
        return source.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return os.fspath(source)


def helper_docs() -> list[HelperDoc]:
    """What a modeller may call from a BPMN script or expression, by name."""
    return [HelperDoc(name, signature_text(func), inspect.getdoc(func) or "", module_file(func))
            for name, func in sorted(HELPERS.items())]

