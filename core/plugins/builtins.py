"""Core domains as built-in plugins (Datasette's ``DEFAULT_PLUGINS``, found instead of listed).

Every package ``core/<domain>/`` with a ``hooks.py`` contributes its blueprints, API blueprints,
menu items, permissions and data declarations through the same hooks a plugin implements. The
modules are discovered, so a new domain is one new package and no central list changes. They are
registered as ``core.<domain>``, always on for every tenant: they have no ``PluginMeta``, never
get a ``tenant_plugin`` row and are never offered for switching.

A hooks module may set ``ORDER`` (default 100): built-ins run in ascending ``ORDER`` (then by
name), before any plugin. The order is visible where contributions are listed as they come, e.g.
the data categories of the records of processing and of the Art. 15 package.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import core

PREFIX = "core."
DEFAULT_ORDER = 100


def builtin_names() -> list[str]:
    """``core.<domain>`` for every core package that has a ``hooks.py``."""
    names = set()
    for base in core.__path__:
        for package in Path(base).iterdir():
            if (package / "__init__.py").is_file() and (package / "hooks.py").is_file():
                names.add(f"{PREFIX}{package.name}")
    return sorted(names)


def builtin_modules() -> list[tuple[str, ModuleType]]:
    """``(name, hooks module)`` of every built-in domain, in call order."""
    modules = [(name, importlib.import_module(f"{name}.hooks")) for name in builtin_names()]
    return sorted(modules, key=lambda item: (getattr(item[1], "ORDER", DEFAULT_ORDER), item[0]))
