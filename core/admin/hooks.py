"""What the admin domain contributes through the plugin hooks: a built-in plugin, always on for
every tenant (:mod:`core.plugins.builtins`). Local administration of one tenant."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from core import hookimpl
from core.auth.permissions import Permission
from core.web import MenuItem


@hookimpl
def lotse_blueprints():
    from core.admin.views import bp

    return [bp]


MENU = (MenuItem(_l("Administration"), "admin.index", order=90, permission="admin.plugins"),)


@hookimpl
def lotse_menu_items(tenant, user):
    return MENU


PERMISSIONS = (
    Permission("admin.plugins", _l("Switch plugins on and off"), roles=frozenset({"tenant_admin"})),
    Permission("admin.users", _l("Manage users and roles"), roles=frozenset({"tenant_admin"})),
    Permission(
        "admin.org_units", _l("Manage org units and locations"), roles=frozenset({"tenant_admin"})
    ),
    Permission(
        "admin.settings",
        _l("Change tenant settings and branding"),
        roles=frozenset({"tenant_admin"}),
    ),
)


@hookimpl
def lotse_permissions():
    return PERMISSIONS
