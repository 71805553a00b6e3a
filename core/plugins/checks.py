"""Start-up checks of the extension points: a plugin's mistake stops ``create_app`` with a message
that names it, instead of surfacing as a ``KeyError`` when a user first meets it.

Runtime hooks depend on the tenant, and no tenant exists while the app is built. So every
provider hook is called once with a *stand-in tenant* (unsaved, empty settings) and every plugin
enabled; the Regelkreis is built once per plugin (with what it requires) and once with all of
them. The same checks run again whenever a real tenant's providers are collected.
"""

from __future__ import annotations

from core.plugins.providers import ExtensionError


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
    from core.plugins.relay import TenantHookRelay
    from core.plugins.slots import check_template_slots

    check_template_slots(app)
    pm = app.extensions["lotse.pm"]
    with app.app_context():
        tenant = stand_in_tenant()
        _check_providers(app, tenant, pm.hook)
        for name in sorted(pm.metas):
            enabled = {name} | pm.requires_deep(name)
            relay = TenantHookRelay(pm, set(pm.metas) - enabled)
            _check_regelkreis(tenant, relay, f"plugin {name!r}")
        _check_regelkreis(tenant, pm.hook, "all plugins enabled")


def _check_regelkreis(tenant, hooks, who: str) -> None:
    from core.cases.settings import build_regelkreis

    try:
        build_regelkreis(tenant, hooks)
    except ExtensionError as exc:
        raise type(exc)(f"{who}: {exc}") from None


def _check_providers(app, tenant, hooks) -> None:
    from core.cases.follow_up_sources import follow_up_sources
    from core.cases.panels import case_panels, case_tabs
    from core.cases.requirements import phase_requirements
    from core.plugins import providers

    providers.form_definitions(tenant, hooks)  # also checks field types
    providers.eligibility_rules(tenant, hooks)
    providers.report_providers(tenant, hooks)
    providers.partner_tables(tenant, hooks)
    phase_requirements(tenant, hooks)
    follow_up_sources(tenant, hooks)
    permissions = app.extensions["lotse.permissions"]
    for section in [*case_panels(tenant, hooks), *case_tabs(tenant, hooks)]:
        if section.permission is not None and section.permission not in permissions:
            raise ExtensionError(f"{section!r} needs unknown permission {section.permission!r}")
