"""Start-up checks of what the cases domain reads from plugins: the Regelkreis of every plugin
(an unknown phase requirement stops the start), phase requirements, follow-up sources, and the
case page's panels and tabs (an unknown permission stops the start). Called through
``lotse_check_extensions`` by :mod:`core.plugins.checks`."""

from __future__ import annotations

from core.plugins.providers import ExtensionError


def check_case_extensions(app, tenant, relays) -> None:
    from core.cases.follow_up_sources import follow_up_sources
    from core.cases.panels import case_panels, case_tabs
    from core.cases.requirements import phase_requirements
    from core.cases.settings import build_regelkreis

    for who, hooks in relays:
        try:
            build_regelkreis(tenant, hooks)
        except ExtensionError as exc:
            raise type(exc)(f"{who}: {exc}") from None
    _who, hooks = relays[-1]
    phase_requirements(tenant, hooks)
    follow_up_sources(tenant, hooks)
    permissions = app.extensions["lotse.permissions"]
    for section in [*case_panels(tenant, hooks), *case_tabs(tenant, hooks)]:
        if section.permission is not None and section.permission not in permissions:
            raise ExtensionError(f"{section!r} needs unknown permission {section.permission!r}")
