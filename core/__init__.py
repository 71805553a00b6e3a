"""Lotse core. Plugins import what they may use from :mod:`core.plugin_api` only."""

import pluggy

#: The one place the version lives (``pyproject.toml`` reads it from here); plugins declare the
#: range they work with in ``PluginMeta.lotse_version``.
__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("lotse")

__all__ = ["__version__", "hookimpl"]
