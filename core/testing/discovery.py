"""Which models exist: core's and those of every plugin installed through the ``lotse.plugins``
entry points, found the way ``migrations/env.py`` finds them (``<plugin package>.models``).

The isolation suite is parametrised over :func:`tenant_scoped_models`, so a new plugin's tables
are covered the moment the plugin is installed, without a test naming it."""

from __future__ import annotations

import importlib
import importlib.util
from functools import lru_cache


@lru_cache(maxsize=1)
def installed_plugin_packages() -> dict[str, str]:
    """Plugin name → package name of every installed plugin."""
    from core.plugins.manager import LotsePluginManager

    pm = LotsePluginManager()
    pm.load_entry_points()
    return {name: package.__name__ for name, package in pm.packages.items()}


def load_installed_models() -> None:
    """Import core's models and every installed plugin's ``models`` module (if it has one)."""
    import core.models  # noqa: F401 - registers every core table

    for package in installed_plugin_packages().values():
        module = f"{package}.models"
        if importlib.util.find_spec(module) is not None:
            importlib.import_module(module)


def _subclasses(cls) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out.add(sub)
        out |= _subclasses(sub)
    return out


def tenant_scoped_models() -> list[type]:
    """Every mapped ``TenantScoped`` model of core and the installed plugins, by name."""
    from core.tenancy.scoping import TenantScoped, scoped_models

    load_installed_models()
    mapped = scoped_models()
    # Both ways of finding them must agree: a TenantScoped class that is not mapped (or mapped
    # outside the registry) would slip past the guard and this suite alike.
    declared = {c for c in _subclasses(TenantScoped) if hasattr(c, "__table__")}
    missing = declared - set(mapped)
    assert not missing, f"TenantScoped classes outside the mapper registry: {missing}"
    return mapped
