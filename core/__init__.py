"""Lotse core. Plugins import what they need from here (the stable facade):

``hookimpl``, ``PluginMeta``, ``plugin_blueprint``, ``MenuItem``, ``Permission``, ``TenantScoped``,
``tenant_foreign_key``, ``db``, ``make_bound_gettext`` and ``audit``.
"""

import pluggy

hookimpl = pluggy.HookimplMarker("lotse")

__all__ = ["hookimpl"]
