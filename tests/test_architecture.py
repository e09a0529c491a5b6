"""The dependency rule, enforced: engine/ never imports Flask or api/, and only engine/runtime
imports SpiffWorkflow."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


ENGINE_FILES = sorted((ROOT / "engine").rglob("*.py"))


@pytest.mark.parametrize("path", ENGINE_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_engine_is_free_of_http(path):
    assert not _imports(path) & {"flask", "flask_smorest", "werkzeug", "api"}


@pytest.mark.parametrize("path", sorted(set((ROOT / "engine").rglob("*.py")) | set((ROOT / "api").rglob("*.py"))),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_only_the_runtime_imports_spiffworkflow(path):
    if (ROOT / "engine" / "runtime") in path.parents:
        return
    assert "SpiffWorkflow" not in _imports(path)
