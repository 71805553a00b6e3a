"""Switching plugins on and off for a tenant at run time (no restart, no migration)."""

from __future__ import annotations

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.db import db, utcnow
from core.plugins.relay import SWITCHED, enabled_plugins, fresh_relay
from core.schemas import ValidationError, load
from core.tenancy.models import TenantPlugin


def manager():
    return current_app.extensions["lotse.pm"]


def _rows(tenant) -> dict[str, TenantPlugin]:
    rows = db.session.scalars(select(TenantPlugin).where(TenantPlugin.tenant_id == tenant.id))
    return {row.plugin_name: row for row in rows}


def plugin_settings(tenant, name: str) -> dict:
    row = _rows(tenant).get(name)
    meta = manager().metas[name]
    settings = dict(row.settings) if row else {}
    if meta.settings_schema is not None:
        # Defaults of the schema fill keys the tenant never set.
        defaults = meta.settings_schema().load({})
        defaults.update(settings)
        settings = defaults
    return settings


def enable_plugin(tenant, name: str, actor=None, *, operator: bool = False) -> list[str]:
    """Enable ``name`` and everything it requires; return the names newly switched on."""
    pm = manager()
    if name not in pm.metas:
        raise ValidationError({"plugin": [_("Unknown plugin: %(name)s", name=name)]})
    wanted = [*sorted(pm.requires_deep(name)), name]
    for plugin in wanted:
        meta = pm.metas[plugin]
        if meta.restricted and not operator:
            raise ValidationError(
                {
                    "plugin": [
                        _("Only the platform operator can enable %(title)s.", title=meta.title)
                    ]
                }
            )
        if not meta.is_available(tenant):
            raise ValidationError(
                {"plugin": [_("%(title)s is not available for this tenant.", title=meta.title)]}
            )
    rows = _rows(tenant)
    switched = []
    now = utcnow()
    for plugin in wanted:
        row = rows.get(plugin)
        if row is None:
            row = TenantPlugin(tenant_id=tenant.id, plugin_name=plugin, settings={})
            db.session.add(row)
        if row.enabled:
            continue
        row.enabled = True
        row.changed_at = now
        row.changed_by_id = getattr(actor, "id", None)
        switched.append(plugin)
        audit.record(
            "plugin.enabled",
            actor=actor,
            object_type="plugin",
            object_id=plugin,
            pulled_in_by=name if plugin != name else None,
        )
    if switched:
        db.session.info[SWITCHED] = True
        tenant.plugins_version += 1
        db.session.flush()
        relay = fresh_relay(enabled_plugins(tenant))
        for plugin in switched:
            meta = pm.metas[plugin]
            if meta.on_enable:
                meta.on_enable(tenant)
            relay.lotse_plugin_enabled(tenant=tenant, plugin_name=plugin)
    return switched


def disable_plugin(tenant, name: str, actor=None) -> list[str]:
    """Disable ``name`` and the enabled plugins that depend on it; data stays in the database."""
    pm = manager()
    if name not in pm.metas:
        raise ValidationError({"plugin": [_("Unknown plugin: %(name)s", name=name)]})
    rows = _rows(tenant)
    targets = [p for p in sorted(pm.dependants(name)) + [name] if rows.get(p) and rows[p].enabled]
    now = utcnow()
    for plugin in targets:
        rows[plugin].enabled = False
        rows[plugin].changed_at = now
        rows[plugin].changed_by_id = getattr(actor, "id", None)
        audit.record("plugin.disabled", actor=actor, object_type="plugin", object_id=plugin)
    if targets:
        still_on = enabled_plugins(tenant)
        relay = fresh_relay(still_on | set(targets))
        for plugin in targets:
            meta = pm.metas[plugin]
            if meta.on_disable:
                meta.on_disable(tenant)
            relay.lotse_plugin_disabled(tenant=tenant, plugin_name=plugin)
        db.session.info[SWITCHED] = True
        tenant.plugins_version += 1
        db.session.flush()
    return targets


def update_plugin_settings(tenant, name: str, data: dict, actor=None) -> dict:
    """Validate ``data`` with the plugin's schema and store it; raises ValidationError."""
    meta = manager().metas[name]
    if meta.settings_schema is None:
        raise ValidationError({"settings": [_("This plugin has no settings.")]})
    settings = load(meta.settings_schema, data)
    row = _rows(tenant).get(name)
    if row is None:
        row = TenantPlugin(tenant_id=tenant.id, plugin_name=name, enabled=False)
        db.session.add(row)
    row.settings = settings
    audit.record(
        "plugin.settings_changed",
        actor=actor,
        object_type="plugin",
        object_id=name,
        keys=sorted(settings),
    )
    return settings
