"""Per-tenant dispatch on top of pluggy (which has no notion of tenants).

``relay_for(tenant)`` returns a hook relay that only reaches the plugins the tenant enabled. It is
cached per ``(tenant id, plugins_version)``: switching a plugin bumps the version, so every app
process sees the change on its next request without a restart.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import select

from core.db import db
from core.tenancy.models import TenantPlugin


class TenantHookRelay:
    """Like ``pm.hook`` but with the plugins the tenant has not enabled removed."""

    def __init__(self, pm, removed_plugins):
        self._pm = pm
        self._removed = frozenset(removed_plugins)

    def __getattr__(self, name):
        if not name.startswith("lotse_"):
            raise AttributeError(name)
        caller = self._pm.subset_hook_caller(name, remove_plugins=self._plugin_objects())
        self.__dict__[name] = caller
        return caller

    def _plugin_objects(self):
        return [self._pm.get_plugin(n) for n in self._removed if self._pm.get_plugin(n) is not None]


def enabled_plugins(tenant) -> set[str]:
    """Names of installed plugins the tenant has on (rows of uninstalled plugins are ignored)."""
    installed = current_app.extensions["lotse.pm"].metas
    rows = db.session.scalars(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id))
    return {row.plugin_name for row in rows if row.enabled and row.plugin_name in installed}


def enter_tenant(tenant) -> None:
    """A request entered ``tenant``: its plugins (for the URL gate) and hook relay go on ``g``."""
    g.enabled_plugins = enabled_plugins(tenant)
    g.hooks = relay_for(tenant, enabled=g.enabled_plugins)


def relay_for(tenant, enabled: set[str] | None = None) -> TenantHookRelay:
    pm = current_app.extensions["lotse.pm"]
    cache = current_app.extensions.setdefault("lotse.relays", {})
    key = (tenant.id, tenant.plugins_version, frozenset(pm.metas))
    relay = cache.get(key)
    if relay is None:
        enabled = enabled_plugins(tenant) if enabled is None else enabled
        relay = TenantHookRelay(pm, set(pm.metas) - set(enabled))
        # Old versions of this tenant are dropped so the cache stays small.
        for old in [k for k in cache if k[0] == tenant.id]:
            del cache[old]
        cache[key] = relay
    return relay


def hooks_for(tenant) -> TenantHookRelay:
    """The relay of ``tenant``: the request's own one when the request is in that tenant."""
    if g.get("hooks") is not None and getattr(g.get("tenant"), "id", None) == tenant.id:
        return g.hooks
    return relay_for(tenant)
