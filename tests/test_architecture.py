"""The dependency rules, enforced on the source:

- engine/ never imports Flask or api/, and only engine/runtime imports SpiffWorkflow;
- engine/ has no import circle and no import from a lower layer to a higher one;
- a domain package of engine/operations imports another domain only through its `queries` room;
- imports stand at the top of a module (an import inside a function hides a circle).
"""
from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ENGINE_FILES = sorted((ROOT / "engine").rglob("*.py"))
DOMAINS = ("award", "council", "complaints", "reports", "rounds", "emulation", "public", "fund", "statistics")

# The layers of engine/, lowest first. A module may import its own layer and the layers below it;
# within a layer, only the groups named on the same line may import each other.
LAYERS: list[tuple[str, ...]] = [
    ("engine.errors", "engine.clock", "engine.config", "engine.text", "engine.security", "engine.db",
     "engine.migrate", "engine.storage", "engine.vocabulary"),
    ("engine.models",),
    ("engine.rules",),
    ("engine.documents",),
    ("engine.runtime",),
    ("engine.context", "engine.audit", "engine.anchor"),
    ("engine.operations.*shared", "engine.operations.registry"),
    ("engine.operations.<domain>", "engine.orgchart"),
    ("engine.operations",),  # the package itself: it imports every domain to register their hooks
    ("engine.maintenance",),  # backup, restore, the check: above every domain
    ("engine",),
]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_package(module: str) -> bool:
    return (ROOT.joinpath(*module.split(".")) / "__init__.py").exists()


def _group(module: str) -> str:
    """The layer group a module of engine/ belongs to."""
    parts = module.split(".")
    if module in ("engine", "engine.operations"):
        return module
    if parts[:2] == ["engine", "operations"]:
        if parts[2] in DOMAINS:
            return f"engine.operations.{parts[2]}"
        if parts[2] == "registry":
            return "engine.operations.registry"
        return "engine.operations.*shared"
    if parts[1] in ("models", "rules", "documents", "runtime", "orgchart", "maintenance"):
        return ".".join(parts[:2])
    return module


def _rank(group: str) -> int:
    for rank, members in enumerate(LAYERS):
        if group in members or (group.startswith("engine.operations.") and group.split(".")[2] in DOMAINS
                                and "engine.operations.<domain>" in members):
            return rank
    raise AssertionError(f"{group} is in no layer: add it to LAYERS")


def _type_checking_only(tree: ast.Module) -> set[int]:
    """Line numbers of imports under `if TYPE_CHECKING:` (annotations only, no runtime edge)."""
    lines: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            lines.update(n.lineno for n in ast.walk(node) if isinstance(n, ast.ImportFrom | ast.Import))
    return lines


@cache
def _engine_imports(path: Path) -> tuple[tuple[str, int], ...]:
    """(imported engine module, line) for every runtime import of engine modules in `path`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skip = _type_checking_only(tree)
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if node.lineno in skip if isinstance(node, ast.Import | ast.ImportFrom) else True:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names if alias.name.startswith("engine")]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("engine"):
            for alias in node.names:  # `from engine.operations.award import queries` imports a module
                sub = f"{node.module}.{alias.name}"
                found.append((sub if _is_package(node.module) and (
                    (ROOT.joinpath(*sub.split(".")).with_suffix(".py")).exists() or _is_package(sub)) else node.module,
                    node.lineno))
    return tuple(found)


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _ids(path: Path) -> str:
    return str(path.relative_to(ROOT))


@pytest.mark.parametrize("path", ENGINE_FILES, ids=_ids)
def test_engine_is_free_of_http(path):
    assert not _imports(path) & {"flask", "flask_smorest", "werkzeug", "api"}


@pytest.mark.parametrize("path", sorted(set((ROOT / "engine").rglob("*.py")) | set((ROOT / "api").rglob("*.py"))),
                         ids=_ids)
def test_only_the_runtime_imports_spiffworkflow(path):
    if (ROOT / "engine" / "runtime") in path.parents:
        return
    assert "SpiffWorkflow" not in _imports(path)


@pytest.mark.parametrize("path", ENGINE_FILES + sorted((ROOT / "api").rglob("*.py")), ids=_ids)
def test_imports_stand_at_the_top_of_the_module(path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    nested = [f"line {inner.lineno}" for node in functions
              for inner in ast.walk(node) if isinstance(inner, ast.Import | ast.ImportFrom)]
    assert not nested, f"imports inside functions: {', '.join(nested)}"


@pytest.mark.parametrize("path", ENGINE_FILES, ids=_ids)
def test_no_import_runs_up_the_layers(path):
    here = _group(_module_name(path))
    upward = [f"line {line}: {target} ({_group(target)} is above {here})"
              for target, line in _engine_imports(path)
              if _group(target) != here and (_rank(_group(target)) > _rank(here) or (
                  _rank(_group(target)) == _rank(here) and not _same_line_may_import(here, _group(target))))]
    assert not upward


def _same_line_may_import(here: str, target: str) -> bool:
    """Within one layer, groups may import each other (the basics; context and audit; the shared machinery
    and the registry; the domains and the org-chart import, through queries only, checked below) but for
    the lowest layers of their own kind."""
    return _rank(here) not in (1, 2, 3, 4)


@pytest.mark.parametrize("path", ENGINE_FILES, ids=_ids)
def test_domains_meet_only_through_queries(path):
    module = _module_name(path)
    here = _group(module)
    crossing = [f"line {line}: {target}" for target, line in _engine_imports(path)
                if _group(target).startswith("engine.operations.") and _group(target).split(".")[2] in DOMAINS
                and _group(target) != here and here not in ("engine", "engine.operations")
                and target.split(".")[3:4] != ["queries"]]
    assert not crossing, f"{module} reaches into another domain outside its queries: {crossing}"


def test_engine_has_no_import_circle():
    def packages(module: str) -> set[str]:
        parts = module.split(".")
        return {".".join(parts[:depth]) for depth in range(1, len(parts))}

    # Importing a module first runs the __init__ of each package above it that is not already running.
    graph = {_module_name(p): {t for t, _ in _engine_imports(p)} for p in ENGINE_FILES}
    graph = {m: {t for target in targets for t in {target} | packages(target)} - packages(m) - {m}
             for m, targets in graph.items()}
    graph = {m: {t for t in targets if t in graph} for m, targets in graph.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        stack.append(module)
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                return stack[stack.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        stack.pop()
        state[module] = 2
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            pytest.fail("import circle: " + " → ".join(cycle))
