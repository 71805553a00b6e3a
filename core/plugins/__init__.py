"""Plugin machinery (not plugin code): discovery, metadata, tenant relay and the URL gate."""

from core.plugins.gate import plugin_api_blueprint, plugin_blueprint
from core.plugins.meta import PluginMeta

__all__ = ["PluginMeta", "plugin_api_blueprint", "plugin_blueprint"]
