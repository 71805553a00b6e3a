"""Plugins import from ``core.plugin_api`` and nowhere else in ``core``: the facade is the contract
that later Lotse versions keep, everything behind it may change."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import core.plugin_api

ROOT = Path(__file__).resolve().parents[2]
FACADE = "core.plugin_api"
#: A plugin's own test suite may also use the shipped pytest plugin (fixtures, ``Browser``).
TESTING = "core.testing"


def foreign_core_imports(source: str, *, test_module: bool = False) -> list[str]:
    """Every import of a ``core`` module other than the facade, as ``line: module``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "core":  # ``from core import x`` reaches past the facade too
                modules = [f"core.{alias.name}" for alias in node.names]
        else:
            continue
        for module in modules:
            if module == FACADE or (
                test_module and (module == TESTING or module.startswith(f"{TESTING}."))
            ):
                continue
            if module == "core" or module.startswith("core."):
                found.append(f"{node.lineno}: {module}")
    return found


def plugin_modules() -> list[Path]:
    roots = [ROOT / "plugins", ROOT / "docs" / "examples"]
    return sorted(p for root in roots if root.is_dir() for p in root.rglob("*.py"))


def test_plugins_exist_to_be_checked():
    names = {p.relative_to(ROOT).parts[1] for p in plugin_modules() if p.parts[-2] != "plugins"}
    assert {"interpreters", "process_support"} <= names


@pytest.mark.parametrize("path", plugin_modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_plugin_imports_only_the_public_plugin_api(path):
    test_module = "tests" in path.relative_to(ROOT).parts or path.name == "conftest.py"
    offenders = foreign_core_imports(path.read_text(encoding="utf-8"), test_module=test_module)
    assert offenders == [], f"{path.relative_to(ROOT)} imports past {FACADE}: {offenders}"


@pytest.mark.parametrize(
    "source, bad",
    [
        ("from core.plugin_api import db, hookimpl", []),
        ("import core.plugin_api", []),
        ("from core.db import db", ["1: core.db"]),
        ("import core.auth.permissions as p", ["1: core.auth.permissions"]),
        ("from core import hookimpl", ["1: core.hookimpl"]),
        ("def f():\n    from core.privacy.registry import KEEP", ["2: core.privacy.registry"]),
        ("from corelike import x\nfrom . import core", []),
    ],
)
def test_the_check_catches_every_way_past_the_facade(source, bad):
    assert foreign_core_imports(source) == bad


def test_only_a_plugins_tests_may_use_the_shipped_pytest_plugin():
    source = "from core.testing.pytest_plugin import Browser"
    assert foreign_core_imports(source, test_module=True) == []
    assert foreign_core_imports(source) == ["1: core.testing.pytest_plugin"]
    assert foreign_core_imports("from core.db import db", test_module=True) == ["1: core.db"]


def test_the_facade_exports_exactly_what_it_lists():
    names = core.plugin_api.__all__
    assert len(names) == len(set(names))
    missing = [n for n in names if not hasattr(core.plugin_api, n)]
    assert missing == []
    public = {n for n in vars(core.plugin_api) if n.isidentifier() and not n.startswith("_")}
    assert public - {"annotations"} == set(names)  # nothing importable that is not listed
