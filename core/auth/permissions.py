"""Roles and the permission registry that core domains and plugins fill through
``lotse_permissions``.

A role is a bundle name stored on a membership; a permission is a named capability checked in
views and services. Plugins add permissions (and say which roles get them by default); they
never add roles, so the set of roles stays understandable for a data-protection officer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask import abort, current_app, g
from flask_babel import lazy_gettext as _l

ROLES: dict[str, object] = {
    "tenant_admin": _l("Local administration"),
    "coordinator": _l("Coordination (Fachaufsicht)"),
    "case_manager": _l("Case management"),
    "dpo": _l("Data protection officer"),
    "steering_member": _l("Steering group member"),
}

_NAME = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")


@dataclass(frozen=True)
class Permission:
    name: str
    title: object
    description: object = ""
    #: Roles that hold this permission.
    roles: frozenset[str] = field(default_factory=frozenset)
    #: True when the permission lets its holder read client case data. Roles holding such a
    #: permission are separated from local administration (see ``core.auth.duties``).
    case_data: bool = False


class PermissionRegistry:
    """All permissions known to the installation, validated once at start-up."""

    def __init__(self):
        self._permissions: dict[str, Permission] = {}
        #: ``granted()`` per set of roles: asked many times per request, fixed after start-up.
        self._granted: dict[frozenset[str], frozenset[str]] = {}

    def register(self, permission: Permission) -> None:
        if not _NAME.match(permission.name):
            raise ValueError(f"permission name {permission.name!r} must be lowercase and dotted")
        if permission.name in self._permissions:
            raise ValueError(f"permission {permission.name!r} registered twice")
        unknown = set(permission.roles) - set(ROLES)
        if unknown:
            raise ValueError(
                f"permission {permission.name!r} names unknown roles {sorted(unknown)}"
            )
        self._permissions[permission.name] = permission
        self._granted.clear()

    def __iter__(self):
        return iter(sorted(self._permissions.values(), key=lambda p: p.name))

    def __contains__(self, name: str) -> bool:
        return name in self._permissions

    def case_data_roles(self) -> frozenset[str]:
        """Roles that open client case data through any core or plugin permission."""
        return frozenset(r for p in self._permissions.values() if p.case_data for r in p.roles)

    def granted(self, roles) -> frozenset[str]:
        roles = frozenset(roles)
        granted = self._granted.get(roles)
        if granted is None:
            granted = frozenset(p.name for p in self._permissions.values() if p.roles & roles)
            self._granted[roles] = granted
        return granted


def registry() -> PermissionRegistry:
    return current_app.extensions["lotse.permissions"]


def current_permissions() -> frozenset[str]:
    """Permissions of the signed-in user in the current tenant (empty outside a tenant)."""
    membership = g.get("membership")
    if membership is None or not membership.active:
        return frozenset()
    return registry().granted(membership.roles)


def has_permission(name: str) -> bool:
    if name not in registry():
        raise KeyError(f"unknown permission {name!r}")
    return name in current_permissions()


def require_permission(name: str) -> None:
    """Abort with 403 unless the current member holds ``name``."""
    if not has_permission(name):
        abort(403)


def acting_member(actor) -> bool:
    """Checks apply to members acting through a request (a membership is bound); jobs, the CLI
    and the demo builder run without one and act for the organisation."""
    from flask import has_request_context

    return (
        actor is not None
        and getattr(actor, "id", None) is not None
        and has_request_context()
        and g.get("membership") is not None
    )
