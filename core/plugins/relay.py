"""Per-tenant dispatch on top of pluggy (which has no notion of tenants).

``relay_for(tenant)`` returns a hook relay that only reaches the plugins the tenant enabled. It is
cached per ``(tenant id, plugins_version)``: switching a plugin bumps the version, so every app
process sees the change on its next request without a restart. The names of the enabled plugins
are cached per process the same way (:func:`request_plugins`): every request reads the tenant row
(and with it ``plugins_version``) fresh, so a plugin switched off in another process is off here
on the next request; only the ``tenant_plugin`` rows are not read again.
"""

from __future__ import annotations

from flask import current_app, g
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.db import db
from core.tenancy.models import TenantPlugin

#: ``session.info`` key set by the plugin switches until the transaction ends.
SWITCHED = "lotse.plugins_switched"


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session):
    session.info.pop(SWITCHED, None)


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

    def single_only(self, name: str, batch: str):
        """``name``'s caller without the plugins that also implement ``batch`` (the list form of
        the same question, asked already): for plugins that only answer one item at a time."""
        key = f"{name}--{batch}"
        caller = self.__dict__.get(key)
        if caller is None:
            answered = [impl.plugin for impl in getattr(self._pm.hook, batch).get_hookimpls()]
            caller = self._pm.subset_hook_caller(
                name, remove_plugins=[*self._plugin_objects(), *answered]
            )
            self.__dict__[key] = caller
        return caller

    def _plugin_objects(self):
        return [self._pm.get_plugin(n) for n in self._removed if self._pm.get_plugin(n) is not None]


def enabled_plugins(tenant) -> set[str]:
    """Names of installed plugins the tenant has on (rows of uninstalled plugins are ignored)."""
    installed = current_app.extensions["lotse.pm"].metas
    rows = db.session.scalars(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id))
    return {row.plugin_name for row in rows if row.enabled and row.plugin_name in installed}


def _stamp(tenant) -> tuple:
    """What the cached plugin state of ``tenant`` is valid for: its version counter, and its id and
    creation time so that a tenant created again (tests wipe the database) is never mistaken for
    an older one."""
    return (tenant.id, tenant.created_at, tenant.plugins_version)


def request_plugins(tenant) -> set[str]:
    """``enabled_plugins`` for a request entering ``tenant``, cached per process by
    :func:`_stamp`. Only used at request entry, where nothing is written yet: a write path reads
    :func:`enabled_plugins` itself (its uncommitted rows must never be cached under a version
    number that a rollback gives back)."""
    cache = current_app.extensions.setdefault("lotse.enabled_plugins", {})
    stamp = _stamp(tenant)
    hit = cache.get(tenant.id)
    if hit is None or hit[0] != stamp:
        rows = db.session.scalars(
            select(TenantPlugin.plugin_name).where(
                TenantPlugin.tenant_id == tenant.id, TenantPlugin.enabled.is_(True)
            )
        )
        hit = (stamp, frozenset(rows))
        cache[tenant.id] = hit
    installed = current_app.extensions["lotse.pm"].metas
    return {name for name in hit[1] if name in installed}


def enter_tenant(tenant) -> None:
    """A request entered ``tenant``: its plugins (for the URL gate) and hook relay go on ``g``."""
    g.enabled_plugins = request_plugins(tenant)
    g.hooks = relay_for(tenant, enabled=g.enabled_plugins)


def fresh_relay(enabled: set[str]) -> TenantHookRelay:
    """A relay for exactly ``enabled``, not cached: for write paths that switch plugins inside a
    transaction that may still roll back."""
    pm = current_app.extensions["lotse.pm"]
    return TenantHookRelay(pm, set(pm.metas) - set(enabled))


def relay_for(tenant, enabled: set[str] | None = None) -> TenantHookRelay:
    pm = current_app.extensions["lotse.pm"]
    cache = current_app.extensions.setdefault("lotse.relays", {})
    key = (tenant.id, tenant.plugins_version, frozenset(pm.metas))
    relay = cache.get(key)
    if relay is None:
        if db.session.info.get(SWITCHED):
            # Plugins were switched in this (uncommitted) transaction: its version number may yet
            # be rolled back and given to another switch, so its relay is not remembered.
            return fresh_relay(enabled_plugins(tenant) if enabled is None else enabled)
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
