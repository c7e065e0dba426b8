"""The package's layout holds: modules keep to one job, say what they are, and keep out of each other's insides."""

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

MODULES = sorted((ROOT / "sim").rglob("*.py")) + sorted((ROOT / "app_pages").glob("*.py")) + [ROOT / "app.py"]
NAMEDTUPLE_API = {"_fields", "_asdict", "_replace", "_make"}  # public, though they start with "_"


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_reaches_into_another_modules_private_names(path):
    me, found = module_name(path), []
    imported: dict[str, str] = {}  # local name -> the sim module it stands for
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("sim"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__") and node.module != me:
                    found.append(f"line {node.lineno}: from {node.module} import {alias.name}")
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("sim"):
                    imported[alias.asname or alias.name] = alias.name
    for node in ast.walk(tree(path)):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and node.attr not in NAMEDTUPLE_API
            and isinstance(node.value, ast.Name)
            and node.value.id in imported
        ):
            found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
    assert not found, found


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_what_it_is_and_keeps_to_about_400_lines(path):
    assert ast.get_docstring(tree(path)) or path.name == "__main__.py", f"{path} has no docstring"
    assert len(path.read_text(encoding="utf-8").splitlines()) <= 420, f"{path} is over ~400 lines: split it by job"


def test_the_cli_starts_without_the_model_or_pandas():
    """`tightrope --help` and `validate` must start quickly: no Mesa, pandas, numba or numpy on the way."""
    import subprocess
    import sys

    code = (
        "import sys, sim.cli; sim.cli.parser(); import sim.scenario.loader; "
        "print(sorted(m for m in ('mesa', 'pandas', 'numba', 'numpy', 'pyarrow') if m in sys.modules))"
    )
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert got.stdout.strip() == "[]", got.stdout + got.stderr
