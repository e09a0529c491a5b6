"""Process definitions: parsed once at start-up, checked, and identified by a content hash.

A definition is a process from `workflows/` with the processes it calls and the JSON Schema
forms its user tasks name. Its hash covers the serialized specs and the forms, so any change
that can alter behaviour makes a new version; running instances keep the version they started with.
"""
from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from lxml import etree
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.specs.bpmn_process_spec import BpmnProcessSpec
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.subworkflow_task import CallActivity, SubWorkflowTask
from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser

from engine.errors import DefinitionError, ScriptError
from engine.runtime.helpers import HELPERS
from engine.runtime.scripting import ScriptMode, allowed_builtins, compile_checked
from engine.vocabulary import Role

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
# Names of the `spiffworkflow:property` entries a user task carries.
FORM_PROPERTY = "formJsonSchemaFilename"
UNIT_PROPERTY = "unitVariable"  # task data variable holding the id of the unit the lane binds to
ASSIGNEE_PROPERTY = "assigneeVariable"  # optional: the one user (id) who may act on the task
DUE_PROPERTY = "dueVariable"  # optional: task data variable holding the due date or time
HOOK_PROPERTY = "hook"  # `required`: the task is unsafe without a before_complete hook (engine/operations/hooks.py)
HOOK_REQUIRED = "required"


@dataclass(frozen=True)
class UserTaskSpec:
    key: str
    name: str
    role: Role
    form_name: str
    unit_variable: str
    assignee_variable: str | None
    due_variable: str | None
    process: str = ""  # the BPMN process that defines the task (hooks are keyed by it)
    file: str = ""  # the BPMN file of that process
    hook_required: bool = False


@dataclass
class Definition:
    key: str
    name: str
    source_file: str
    spec: BpmnProcessSpec
    subprocess_specs: dict[str, BpmnProcessSpec]
    forms: dict[str, dict[str, Any]]
    user_tasks: dict[str, UserTaskSpec]
    serialized_spec: str = ""
    content_hash: str = ""
    source_xml: bytes = field(default=b"", repr=False)


def iter_task_specs(definition: Definition) -> Iterator[Any]:
    for spec in (definition.spec, *definition.subprocess_specs.values()):
        if spec is not None:
            yield from spec.task_specs.values()


def iter_process_task_specs(definition: Definition) -> Iterator[tuple[str, Any]]:
    """(process id, task spec) of every task of the definition and of the processes it calls; a task
    of an embedded sub-process belongs to the BPMN process it is drawn in."""
    specs = [s for s in (definition.spec, *definition.subprocess_specs.values()) if s is not None]
    inside = {task_spec.spec: spec.name for spec in specs for task_spec in spec.task_specs.values()
              if isinstance(task_spec, SubWorkflowTask) and not isinstance(task_spec, CallActivity)}

    def process_of(name: str) -> str:
        while name in inside:
            name = inside[name]
        return name

    for spec in specs:
        for task_spec in spec.task_specs.values():
            yield process_of(spec.name), task_spec


# Checks every Runtime runs over its definitions once they are built (e.g. the task hooks of
# engine/operations/hooks.py against the user tasks): registered, like helpers, before a Runtime loads.
DefinitionCheck = Callable[[dict[str, Definition]], None]
CHECKS: list[DefinitionCheck] = []


def register_check(check: DefinitionCheck) -> DefinitionCheck:
    if check not in CHECKS:
        CHECKS.append(check)
    return check


def _is_user_task(task_spec: Any) -> bool:
    return bool(getattr(task_spec, "manual", False))


def file_of(task_spec: Any, default: str = "?") -> str:
    """The BPMN file that defines a task spec (a called process's tasks live in its own file)."""
    return getattr(getattr(task_spec, "_wf_spec", None), "file", None) or default


def describe_user_task(task_spec: Any, forms_dir: Path | None, source: str, process: str = "") -> UserTaskSpec:
    """Read and check what the engine needs of one user task."""
    props = (getattr(task_spec, "extensions", None) or {}).get("properties", {})
    source = file_of(task_spec, source)
    where = f"{source}: nhiệm vụ '{task_spec.bpmn_id}'"

    def fault(message: str) -> DefinitionError:
        return DefinitionError(f"{where} {message}", file=source, element=task_spec.bpmn_id)

    hook = props.get(HOOK_PROPERTY)
    if hook not in (None, HOOK_REQUIRED):
        raise fault(f"có thuộc tính '{HOOK_PROPERTY}' = '{hook}': chỉ nhận giá trị '{HOOK_REQUIRED}'.")
    role = Role.from_lane(task_spec.lane)
    if role is None or role is Role.ADMIN:
        raise fault(f"nằm trong làn '{task_spec.lane}', không phải vai trò đã biết.")
    form_name = props.get(FORM_PROPERTY)
    if not form_name:
        raise fault(f"không khai báo biểu mẫu ({FORM_PROPERTY}).")
    if forms_dir is not None and not (forms_dir / form_name).is_file():
        raise fault(f"dùng biểu mẫu '{form_name}' không có trong {forms_dir.name}/.")
    unit_variable = props.get(UNIT_PROPERTY)
    if not unit_variable:
        raise fault(f"không khai báo biến đơn vị của làn ({UNIT_PROPERTY}).")
    return UserTaskSpec(
        key=task_spec.bpmn_id,
        name=task_spec.bpmn_name or task_spec.bpmn_id,
        role=role,
        form_name=form_name,
        unit_variable=unit_variable,
        assignee_variable=props.get(ASSIGNEE_PROPERTY),
        due_variable=props.get(DUE_PROPERTY),
        process=process,
        file=source,
        hook_required=hook == HOOK_REQUIRED,
    )


def _user_tasks(definition: Definition, forms_dir: Path | None) -> Iterator[UserTaskSpec | DefinitionError]:
    """Each user task of the definition described, or its fault. Human task rows name a task by its
    key alone, so a key may appear in only one of the processes a definition runs."""
    process_of: dict[str, str] = {}
    for process, task_spec in iter_process_task_specs(definition):
        if not _is_user_task(task_spec):
            continue
        try:
            info = describe_user_task(task_spec, forms_dir, definition.source_file, process)
        except DefinitionError as exc:
            yield exc
            continue
        if process_of.setdefault(info.key, process) != process:
            yield DefinitionError(f"{info.file}: nhiệm vụ '{info.key}' trùng mã với một nhiệm vụ của quy trình "
                                  f"'{process_of[info.key]}' mà '{definition.key}' cũng chạy.",
                                  file=info.file, element=info.key)
            continue
        yield info


def collect_user_tasks(definition: Definition) -> dict[str, UserTaskSpec]:
    """The user tasks of a definition restored from its stored text (checked when it was deployed)."""
    found: dict[str, UserTaskSpec] = {}
    for info in _user_tasks(definition, None):
        if isinstance(info, DefinitionError):
            raise info
        found[info.key] = info
    return found


def load_form(forms_dir: Path, name: str, where: str) -> dict[str, Any]:
    file = f"{forms_dir.name}/{name}"
    try:
        schema = json.loads((forms_dir / name).read_text(encoding="utf-8"))
        Draft202012Validator.check_schema(schema)
    except json.JSONDecodeError as exc:
        raise DefinitionError(f"{where}: biểu mẫu '{name}' không phải JSON hợp lệ: {exc.msg}", file=file,
                              line=exc.lineno) from None
    except (ValueError, SchemaError) as exc:
        raise DefinitionError(f"{where}: biểu mẫu '{name}' không phải JSON Schema hợp lệ: {exc}",
                              file=file) from None
    if schema.get("type") != "object" or not isinstance(schema.get("properties"), dict):
        raise DefinitionError(f"{where}: biểu mẫu '{name}' phải là một object có 'properties'.", file=file)
    return schema


def task_expressions(task_spec: Any) -> Iterator[tuple[str, ScriptMode]]:
    """Every script and expression a task spec will hand to the script engine."""
    for attr in ("script", "prescript", "postscript"):
        source = getattr(task_spec, attr, None)
        if source:
            yield source, "exec"
    for condition, _target in getattr(task_spec, "cond_task_specs", []) or []:
        source = getattr(condition, "args", [condition])[0] if condition is not None else None
        if source:
            yield source, "eval"
    event = getattr(task_spec, "event_definition", None)
    if isinstance(event, TimerEventDefinition):
        yield event.expression, "eval"
    for attr in ("condition", "cardinality"):
        source = getattr(task_spec, attr, None)
        if isinstance(source, str) and source:
            yield source, "eval"


def called_names(source: str, mode: str) -> set[str]:
    """The plain names a script or expression calls as functions."""
    return {node.func.id for node in ast.walk(ast.parse(source, mode=mode))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}


def _unknown_calls(source: str, mode: str) -> list[str]:
    """Names called as functions that are neither registered helpers nor allowed builtins."""
    return sorted(called_names(source, mode) - set(HELPERS) - set(allowed_builtins()))


def _script_faults(definition: Definition, task_spec: Any) -> Iterator[DefinitionError]:
    for source, mode in task_expressions(task_spec):
        try:
            compile_checked(source, mode)
            unknown = _unknown_calls(source, mode)
            if unknown:
                raise ScriptError(f"gọi hàm chưa đăng ký: {', '.join(unknown)}")
        except ScriptError as exc:
            file, element = file_of(task_spec, definition.source_file), getattr(task_spec, "bpmn_id", None)
            yield DefinitionError(f"{file}: phần tử '{element or task_spec.name}': {exc.detail}",
                                  file=file, element=element)


def definition_faults(definition: Definition, forms_dir: Path) -> list[DefinitionError]:
    """Every fault of a parsed definition (scripts, lanes, forms); fills its user tasks and forms."""
    faults: list[DefinitionError] = []
    protected: set[str] = set()
    for task_spec in iter_task_specs(definition):
        faults += _script_faults(definition, task_spec)
    for info in _user_tasks(definition, forms_dir):
        try:
            if isinstance(info, DefinitionError):
                raise info
            if info.form_name not in definition.forms:
                definition.forms[info.form_name] = load_form(forms_dir, info.form_name, definition.source_file)
        except DefinitionError as exc:
            faults.append(exc)
            continue
        definition.user_tasks[info.key] = info
        protected.update(v for v in (info.unit_variable, info.assignee_variable, info.due_variable) if v)
    # A form must not let a user rebind the unit, the assignee or the deadline of a task.
    for name, schema in definition.forms.items():
        clash = protected.intersection(schema["properties"])
        if clash:
            faults.append(DefinitionError(
                f"{definition.source_file}: biểu mẫu '{name}' chứa biến do hệ thống quản lý: {sorted(clash)}.",
                file=f"{forms_dir.name}/{name}", element=sorted(clash)[0]))
    return faults


def link_event_subprocesses(spec: BpmnProcessSpec) -> None:
    """SpiffWorkflow 3.2.0 wires an event subprocess into the *shared* spec (start → subprocess → end)
    the first time its event arrives, after which every later workflow of that spec waits at its end
    for a subprocess that never runs. Linking the subprocess to the start once, here, satisfies the
    library's check without it ever touching the end join."""
    start = spec.start
    for name in getattr(start, "trigger_specs", []):
        task_spec = spec.task_specs[name]
        if start.name not in task_spec._inputs:
            task_spec._inputs.append(start.name)


def parse_directory(workflows_dir: Path, forms_dir: Path) -> dict[str, Definition]:
    """Parse and check every `*.bpmn` and `*.dmn` of a folder; the first fault raises DefinitionError."""
    definitions, faults = parse_all(workflows_dir, forms_dir)
    if faults:
        raise faults[0]
    return definitions


def _read_files(parser: SpiffBpmnParser, workflows_dir: Path) -> tuple[dict[str, str], list[DefinitionError]]:
    """Add each BPMN file to the parser; a file that does not read or validate is a fault of its own."""
    sources: dict[str, str] = {}
    faults: list[DefinitionError] = []
    for path in sorted(workflows_dir.glob("*.bpmn")):
        try:
            xml = etree.parse(str(path))
            parser.add_bpmn_xml(xml, filename=path.name)
        except etree.XMLSyntaxError as exc:
            faults.append(DefinitionError(f"{path.name} dòng {exc.lineno}: tệp BPMN không đọc được: {exc.msg}",
                                          file=path.name, line=exc.lineno))
            continue
        except ValidationException as exc:
            faults.append(_validation_fault(exc, path.name))
            continue
        for process in xml.getroot().iter(f"{{{BPMN_NS}}}process"):
            sources[process.get("id")] = path.name
    return sources, faults


def _validation_fault(exc: ValidationException, file: str | None = None) -> DefinitionError:
    file = exc.file_name or file or "?"
    return DefinitionError(f"{file} dòng {exc.line_number or '?'}: {exc}", file=file,
                           line=exc.line_number or None, element=exc.id or None)


def parse_all(workflows_dir: Path, forms_dir: Path) -> tuple[dict[str, Definition], list[DefinitionError]]:
    """Every definition that parses and checks, and every fault found on the way (at most one per file
    that does not read, one per process that does not check)."""
    parser = SpiffBpmnParser(validator=VALIDATOR)
    sources, faults = _read_files(parser, workflows_dir)
    if faults:
        return {}, faults  # a missing file may be what another one calls: nothing further is reliable
    definitions: dict[str, Definition] = {}
    try:
        dmn_files = sorted(workflows_dir.glob("*.dmn"))
        if dmn_files:
            parser.add_dmn_files([str(p) for p in dmn_files])
        keys = parser.get_process_ids()
    except ValidationException as exc:
        return {}, [_validation_fault(exc)]
    for key in keys:
        try:
            definition = _build(parser, key, sources, workflows_dir)
        except ValidationException as exc:
            faults.append(_validation_fault(exc, sources.get(key)))
            continue
        found = definition_faults(definition, forms_dir)
        faults += found
        if not found:
            definitions[key] = definition
    return definitions, faults


def _build(parser: SpiffBpmnParser, key: str, sources: dict[str, str], workflows_dir: Path) -> Definition:
    spec = parser.get_spec(key)
    subprocess_specs = parser.get_subprocess_specs(key)
    for each in (spec, *subprocess_specs.values()):
        link_event_subprocesses(each)
    return Definition(
        key=key,
        name=spec.description or key,
        source_file=sources.get(key, "?"),
        spec=spec,
        subprocess_specs=subprocess_specs,
        forms={},
        user_tasks={},
        source_xml=(workflows_dir / sources[key]).read_bytes() if key in sources else b"",
    )


def content_hash(serialized_spec: str, forms: dict[str, Any]) -> str:
    payload = json.dumps({"spec": json.loads(serialized_spec), "forms": forms}, sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
