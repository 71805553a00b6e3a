"""Plugin discovery: entry-point group ``lotse.plugins`` for first- and third-party plugins alike."""

from __future__ import annotations

import importlib
import importlib.util
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

import pluggy

from core import hookspecs
from core.plugins.meta import PluginMeta

ENTRY_POINT_GROUP = "lotse.plugins"


class LotsePluginManager(pluggy.PluginManager):
    """pluggy manager that also keeps each plugin's :class:`PluginMeta` and package."""

    def __init__(self):
        super().__init__("lotse")
        self.add_hookspecs(hookspecs)
        self.metas: dict[str, PluginMeta] = {}
        self.packages: dict[str, ModuleType] = {}

    def register_plugin(self, package: ModuleType) -> PluginMeta:
        meta = getattr(package, "PLUGIN", None)
        if not isinstance(meta, PluginMeta):
            raise TypeError(f"{package.__name__} has no PLUGIN = PluginMeta(...)")
        if meta.name in self.metas:
            return meta
        hooks_name = f"{package.__name__}.hooks"
        # A package keeps its hooks in ``hooks.py``; a plain module may hold them itself.
        is_package = getattr(package, "__path__", None) is not None
        hooks = (
            importlib.import_module(hooks_name)
            if is_package and importlib.util.find_spec(hooks_name) is not None
            else package
        )
        self.register(hooks, name=meta.name)
        self.metas[meta.name] = meta
        self.packages[meta.name] = package
        return meta

    def unregister_plugin(self, name: str) -> None:
        self.unregister(name=name)
        self.metas.pop(name, None)
        self.packages.pop(name, None)

    def load_entry_points(self) -> None:
        for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
            package = ep.load()
            meta = self.register_plugin(package)
            if meta.name != ep.name:
                raise ValueError(f"entry point {ep.name!r} declares plugin {meta.name!r}")

    def plugin_dir(self, name: str) -> Path:
        package = self.packages[name]
        return Path(getattr(package, "__file__", None) or ".").parent

    def requires_deep(self, name: str) -> set[str]:
        """All plugins ``name`` needs, transitively (cycles are reported at start-up)."""
        seen: set[str] = set()
        stack = [name]
        while stack:
            for dep in self.metas[stack.pop()].requires:
                if dep not in self.metas:
                    raise ValueError(f"plugin {name!r} requires unknown plugin {dep!r}")
                if dep not in seen:
                    seen.add(dep)
                    stack.append(dep)
        if name in seen:
            raise ValueError(f"plugin {name!r} depends on itself")
        return seen

    def dependants(self, name: str) -> set[str]:
        return {other for other in self.metas if name in self.requires_deep(other)}

    def validate(self) -> None:
        """Start-up checks: known hooks only, sound dependencies."""
        self.check_pending()
        for name in self.metas:
            self.requires_deep(name)
