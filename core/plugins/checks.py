"""Start-up checks of the extension points: a plugin's mistake stops ``create_app`` with a message
that names it, instead of surfacing as a ``KeyError`` when a user first meets it.

Runtime hooks depend on the tenant, and no tenant exists while the app is built. So every
provider hook is called once with a *stand-in tenant* (unsaved, empty settings) and every plugin
enabled; the Regelkreis is built once per plugin (with what it requires) and once with all of
them. The same checks run again whenever a real tenant's providers are collected.
"""

from __future__ import annotations


def stand_in_tenant():
    """An unsaved tenant with default settings, for calling runtime hooks at start-up."""
    from core.tenancy.models import Tenant

    return Tenant(
        slug="startup-check",
        name="Start-up check",
        kind="kreis",
        settings={},
        theme={},
        locales=["de"],
        default_locale="de",
        plugins_version=0,
    )


def validate_extension_points(app) -> None:
    """Template slots, the generic providers, and every domain's own checks
    (``lotse_check_extensions``) with a stand-in tenant."""
    from core.plugins import providers
    from core.plugins.relay import TenantHookRelay
    from core.plugins.slots import check_template_slots

    check_template_slots(app)
    pm = app.extensions["lotse.pm"]
    with app.app_context():
        tenant = stand_in_tenant()
        hooks = pm.hook
        providers.field_types(tenant, hooks)  # forms: core.forms.hooks checks the definitions
        providers.eligibility_rules(tenant, hooks)
        providers.report_providers(tenant, hooks)
        providers.partner_tables(tenant, hooks)
        relays = []
        for name in sorted(pm.metas):
            enabled = {name} | pm.requires_deep(name)
            relays.append((f"plugin {name!r}", TenantHookRelay(pm, set(pm.metas) - enabled)))
        relays.append(("all plugins enabled", hooks))
        pm.hook.lotse_check_extensions(app=app, tenant=tenant, relays=relays)
