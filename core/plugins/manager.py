"""Plugin discovery: entry-point group ``lotse.plugins`` for first- and third-party plugins alike,
plus the core domains as built-in plugins (:mod:`core.plugins.builtins`)."""

from __future__ import annotations

import functools
import importlib
import importlib.util
import logging
import time
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

import pluggy
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import Version

from core import hookspecs
from core.plugins.builtins import builtin_modules
from core.plugins.meta import PluginMeta

ENTRY_POINT_GROUP = "lotse.plugins"

trace_log = logging.getLogger("lotse.hooks")


class IncompatiblePluginError(RuntimeError):
    """A plugin's ``lotse_version`` range excludes the running Lotse."""


class LotsePluginManager(pluggy.PluginManager):
    """pluggy manager that also keeps each plugin's :class:`PluginMeta` and package.

    The core domains are registered first, as built-ins: ``metas`` and ``packages`` hold the
    switchable plugins only, so the tenant relay never removes a built-in.
    """

    def __init__(self) -> None:
        super().__init__("lotse")
        self.add_hookspecs(hookspecs)
        self.metas: dict[str, PluginMeta] = {}
        self.packages: dict[str, ModuleType] = {}
        self._tracing = False
        modules = builtin_modules()
        self.builtins: dict[str, ModuleType] = dict(modules)
        # Built-ins are marked tryfirst; among those pluggy calls the last registered first.
        for name, module in reversed(modules):
            self.register(module, name=name)

    # --- registration ---------------------------------------------------------------------

    def parse_hookimpl_opts(self, plugin: object, name: str) -> Any:
        opts = super().parse_hookimpl_opts(plugin, name)
        if opts is not None and plugin in self.builtins.values() and not opts.get("trylast"):
            # Core answers before any plugin (menus, blueprints): a copy, the marker is shared.
            # An explicit ``trylast`` (the revocation policy, which must run after the plugins
            # that may still need the data) is kept.
            opts = {**opts, "tryfirst": True}
        return opts

    def register(self, plugin: object, name: str | None = None) -> str | None:
        registered = super().register(plugin, name)
        if self._tracing and registered is not None:
            self._trace_plugin(plugin)
        return registered

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

    def is_builtin(self, name: str) -> bool:
        return name in self.builtins

    def plugin_dir(self, name: str) -> Path:
        package = self.packages[name]
        return Path(getattr(package, "__file__", None) or ".").parent

    # --- calling ----------------------------------------------------------------------------

    def contributions(self, hook_name: str, **kwargs: Any) -> list[tuple[str, Any]]:
        """Call a startup hook and keep who answered: ``[(plugin name, result)]`` in call order
        (built-ins first). Used where the caller treats core and plugins differently, e.g. the
        URL gate of plugin blueprints or the owner of a data declaration."""
        caller = getattr(self.hook, hook_name)
        out = []
        for impl in reversed(caller.get_hookimpls()):
            if impl.wrapper or impl.hookwrapper:
                continue
            result = impl.function(*(kwargs[arg] for arg in impl.argnames))
            if result is not None:
                out.append((impl.plugin_name, result))
        return out

    # --- start-up checks ------------------------------------------------------------------

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

    def validate(self, lotse_version: str | None = None) -> None:
        """Start-up checks: known hooks only, sound dependencies, a compatible Lotse."""
        from core import __version__

        self.check_pending()
        for name in self.metas:
            self.requires_deep(name)
        running = Version(lotse_version or __version__)
        for meta in self.metas.values():
            check_compatible(meta, running)

    # --- LOTSE_TRACE_HOOKS ----------------------------------------------------------------

    def trace_calls(self) -> None:
        """Log every call of every hook implementation (hook, plugin, milliseconds) at INFO on the
        ``lotse.hooks`` logger; plugins registered later are traced as well."""
        if self._tracing:
            return
        self._tracing = True
        for _name, plugin in self.list_name_plugin():
            self._trace_plugin(plugin)

    def _trace_plugin(self, plugin: object) -> None:
        for caller in self.get_hookcallers(plugin) or ():
            for impl in caller.get_hookimpls():
                if impl.plugin is plugin and not (impl.wrapper or impl.hookwrapper):
                    _trace_impl(impl, caller.name)


def check_compatible(meta: PluginMeta, running: Version) -> None:
    """Refuse a plugin whose ``lotse_version`` excludes ``running`` (None: no constraint)."""
    if meta.lotse_version is None:
        return
    try:
        wanted = SpecifierSet(meta.lotse_version)
    except InvalidSpecifier as exc:
        raise IncompatiblePluginError(
            f"plugin {meta.name!r} declares an invalid lotse_version {meta.lotse_version!r} "
            "(expected a PEP 440 range such as '>=0.1,<1')"
        ) from exc
    if not wanted.contains(running, prereleases=True):
        raise IncompatiblePluginError(
            f"plugin {meta.name!r} requires Lotse {meta.lotse_version}, "
            f"but this is Lotse {running}: update the plugin or Lotse, or uninstall the plugin"
        )


def _trace_impl(impl: pluggy.HookImpl, hook_name: str) -> None:
    function = impl.function
    if getattr(function, "lotse_traced", False):
        return

    @functools.wraps(function)
    def traced(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            trace_log.info(
                "%s plugin=%s %.2f ms",
                hook_name,
                impl.plugin_name,
                (time.perf_counter() - start) * 1000,
            )

    traced.lotse_traced = True  # type: ignore[attr-defined]
    # pluggy calls ``impl.function`` with the arguments it resolved at registration; swapping the
    # function times each implementation on its own (add_hookcall_monitoring only sees the call).
    setattr(impl, "function", traced)  # noqa: B010
