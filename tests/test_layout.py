"""The code's shape: one direction of imports (import-linter), no function above complexity 15, a thin app."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

MAX_COMPLEXITY = 15
PRODUCT = ("summarizer", "index", "webapp")


def test_imports_run_one_way():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if lint is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    run = subprocess.run([lint, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "broken" not in run.stdout.lower().replace("0 broken", "")


def test_no_function_is_more_complex_than_15():
    from radon.visitors import ComplexityVisitor

    files = [ROOT / "app.py"] + [f for pkg in PRODUCT for f in sorted((ROOT / pkg).rglob("*.py"))]
    over = []
    for f in files:
        v = ComplexityVisitor.from_code(f.read_text(encoding="utf-8"))
        functions = v.functions + [m for c in v.classes for m in c.methods]  # closures count in their function
        over += [f"{f.relative_to(ROOT)}:{b.lineno} {b.name} ({b.complexity})"
                 for b in functions if b.complexity > MAX_COMPLEXITY]
    assert not over, "McCabe complexity above 15:\n" + "\n".join(over)


def test_app_imports_only_the_public_package():
    tree = ast.parse((ROOT / "app.py").read_text(encoding="utf-8"))
    ours = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            ours.add(node.module)
        elif isinstance(node, ast.Import):
            ours.update(a.name for a in node.names)
    ours = {m for m in ours if m.split(".")[0] in PRODUCT}
    assert ours <= {"summarizer", "webapp"}, ours
