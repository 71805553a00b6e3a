"""House rules that a reading of the source can check."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: The only modules allowed to send hand-written SQL; each takes the tenant explicitly or runs
#: as the schema owner (security battery T03 e).
RAW_SQL_ALLOWED = {
    "core/db.py",  # SQLite PRAGMAs on connect
    "core/file_modes.py",  # SQLite PRAGMA database_list on connect (file names, no data access)
    "core/tenancy/rls.py",
    "core/demo/scale.py",  # DISCARD PLANS between bulk batches on PostgreSQL (no data access)
    "core/demo/nrw.py",  # the same DISCARD PLANS in the NRW generator (no data access)
    "core/cli.py",
    "core/testing/database.py",  # the test database: wipe, snapshot, restore (as its owner)
    "core/testing/browser.py",  # no SQL: Browser.text() matches the pattern
    "core/testing/pytest_plugin.py",  # test connections skip the flush per commit
}
RAW_SQL = re.compile(r"\btext\(|exec_driver_sql\(|\.execute\(\s*[\"']")


def _sources(*folders):
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            if "/tests/" in str(path) or "/migrations/" in str(path):
                continue
            yield path, path.relative_to(ROOT).as_posix()


def test_raw_sql_only_in_allowed_modules():
    offenders = [
        rel
        for path, rel in _sources("core", "plugins")
        if rel not in RAW_SQL_ALLOWED and RAW_SQL.search(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_core_never_imports_plugins():
    pattern = re.compile(r"^\s*(from|import)\s+plugins(\.|\s|$)", re.M)
    assert [
        rel for path, rel in _sources("core") if pattern.search(path.read_text(encoding="utf-8"))
    ] == []


def test_plugins_never_import_each_other():
    for plugin in (ROOT / "plugins").iterdir():
        if not (plugin / "__init__.py").exists():
            continue
        pattern = re.compile(rf"^\s*(from|import)\s+plugins\.(?!{plugin.name}\b)\w+", re.M)
        for path in plugin.rglob("*.py"):
            assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_plugin_tables_carry_their_prefix(app):
    pm = app.extensions["lotse.pm"]
    from core.db import db

    for mapper in db.Model.registry.mappers:
        module = mapper.class_.__module__
        if module.startswith("plugins."):
            name = module.split(".")[1]
            assert name in pm.metas
            assert mapper.local_table.name.startswith(f"plg_{name}_"), mapper.local_table.name


# --- imports between the packages of core ----------------------------------------------------
#
# The import graph is read from the source (ast): every import counts, also one inside a
# function, except those under ``if TYPE_CHECKING:``. A node is a package of core (``core.cases``,
# ``core.consent`` …) or a top-level module (``core.cli``, ``core.web`` …).


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _package(module: str) -> str:
    return ".".join(module.split(".")[:2])


class _ImportCollector(ast.NodeVisitor):
    """(imported module, imported name or None, line) of every import outside TYPE_CHECKING."""

    def __init__(self, module: str, is_package: bool):
        self.module, self.is_package, self.found = module, is_package, []

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        name = getattr(test, "id", None) or getattr(test, "attr", None)
        if name == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.found += [(alias.name, None, node.lineno) for alias in node.names]

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            parts = self.module.split(".")[: None if self.is_package else -1]
            parts = parts[: len(parts) - node.level + 1]
            base = ".".join([*parts, base] if base else parts)
        self.found += [(base, alias.name, node.lineno) for alias in node.names]


def _core_imports():
    """``(importer, imported module, imported name or None, "file:line")`` for imports of core."""
    modules = {_module_name(p): p for p in (ROOT / "core").rglob("*.py")}
    for module, path in sorted(modules.items()):
        collector = _ImportCollector(module, path.name == "__init__.py")
        collector.visit(ast.parse(path.read_text(encoding="utf-8")))
        for base, name, line in collector.found:
            if base != "core" and not base.startswith("core."):
                continue
            if name is not None and f"{base}.{name}" in modules:
                base, name = f"{base}.{name}", None  # ``from core.cases import services``
            yield module, base, name, f"{path.relative_to(ROOT)}:{line}"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one node (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _package_edges() -> dict[tuple[str, str], list[str]]:
    """Imports between packages. A domain's ``hooks.py`` is left out: it is that domain's
    composition root (like ``core.app``), found by name and imported by nobody, so it may name
    the declaration types of other packages (permissions, menu items, data categories) without
    making the domain itself depend on them."""
    edges: dict[tuple[str, str], list[str]] = {}
    for importer, imported, _name, where in _core_imports():
        if importer.endswith(".hooks"):
            continue
        if _package(importer) != _package(imported):
            edges.setdefault((_package(importer), _package(imported)), []).append(where)
    return edges


def test_no_import_cycles_between_packages():
    edges = _package_edges()
    graph: dict[str, set[str]] = {}
    for importer, imported in edges:
        graph.setdefault(importer, set()).add(imported)
    cycles = _cycles(graph)
    detail = {
        " ↔ ".join(cycle): sorted(
            f"{a} → {b}: {edges[a, b][0]}" for a, b in edges if a in cycle and b in cycle
        )
        for cycle in cycles
    }
    assert detail == {}, "import cycles between packages of core"


def test_no_import_cycles_between_modules_of_a_package():
    graph: dict[str, set[str]] = {}
    for importer, imported, _name, _where in _core_imports():
        if importer != imported and _package(importer) == _package(imported):
            graph.setdefault(importer, set()).add(imported)
    assert _cycles(graph) == []


def _is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_no_private_names_imported_across_packages():
    offenders = []
    for importer, imported, name, where in _core_imports():
        if _package(importer) == _package(imported):
            continue
        private = [n for n in [*imported.split(".")[1:], name or ""] if _is_private(n)]
        if not private:
            continue
        offenders.append(f"{where}: {imported} {name or ''}")
    assert offenders == []


def test_no_module_imports_a_domain_hooks_module():
    """What makes leaving ``hooks.py`` out of the package graph sound: only the built-in plugin
    discovery loads them (by name), so they can never close an import cycle."""
    importers = [
        where
        for importer, imported, _name, where in _core_imports()
        if imported.endswith(".hooks") and imported != "core.hookspecs"
    ]
    assert importers == []
