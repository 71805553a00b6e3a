"""Which tenant a request is for: the ``/<slug>/`` path prefix, optionally pinned by a host alias.

Registered on the app as a URL value preprocessor, so it runs before every ``before_request``
hook and before any view. An unknown or disabled slug is a plain 404.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from flask import abort, current_app, g, request
from sqlalchemy import select
from sqlalchemy.orm import aliased

from core.db import db
from core.tenancy.context import bind_tenant, unbind_tenant
from core.tenancy.models import Tenant, TenantHost


def tenant_by_slug(slug: str) -> Tenant | None:
    return db.session.scalar(select(Tenant).where(Tenant.slug == slug, Tenant.active.is_(True)))


def normalise_host(host: str) -> str:
    """``Integration.Kreis-Kleve.de.:443`` → ``integration.kreis-kleve.de``: the port and the DNS
    root dot do not make another host, so an alias cannot be bypassed by spelling it differently."""
    host = (host or "").strip().lower()
    if host.startswith("["):  # IPv6 literal
        return host.split("]")[0] + "]"
    return host.split(":")[0].rstrip(".")


def tenant_for_host(host: str) -> Tenant | None:
    host = normalise_host(host)
    alias = db.session.scalar(select(TenantHost).where(TenantHost.host == host))
    return alias.tenant if alias is not None and alias.tenant.active else None


def tenant_and_pin(slug: str, host: str) -> tuple[Tenant | None, int | None]:
    """The active tenant named ``slug`` and the id of the active tenant ``host`` is an alias of,
    in one statement: read fresh on every request (a tenant switched off or an alias added
    elsewhere takes effect at once), yet one round trip instead of two."""
    owner = aliased(Tenant)
    pinned = (
        select(TenantHost.tenant_id)
        .join(owner, owner.id == TenantHost.tenant_id)
        .where(TenantHost.host == normalise_host(host), owner.active.is_(True))
        .scalar_subquery()
    )
    row = db.session.execute(
        select(Tenant, pinned.label("pinned")).where(Tenant.slug == slug, Tenant.active.is_(True))
    ).first()
    return (row[0], row[1]) if row is not None else (None, None)


def pull_tenant(endpoint, values):
    if not values or "tenant" not in values:
        return
    slug = values.pop("tenant")
    tenant, pinned = tenant_and_pin(slug, request.host)
    if tenant is None:
        abort(404)
    if pinned is not None and pinned != tenant.id:
        # A host alias belongs to one tenant; other tenants are not reachable through it.
        abort(404)
    enter_tenant(tenant)


def enter_tenant(tenant: Tenant) -> None:
    g.tenant = tenant
    g.tenant_token = bind_tenant(tenant)
    for on_enter in current_app.extensions.get("lotse.on_enter_tenant", ()):
        on_enter(tenant)


def leave_tenant(exc=None):
    token = g.pop("tenant_token", None)
    if token is not None:
        unbind_tenant(token)


def add_tenant_default(endpoint, values):
    if "tenant" in values or g.get("tenant") is None:
        return
    if current_app.url_map.is_endpoint_expecting(endpoint, "tenant"):
        values["tenant"] = g.tenant.slug


def is_api_request() -> bool:
    """The request goes to the resolved tenant's JSON API (``/<tenant>/api/…``)."""
    return request.path.startswith(f"/{getattr(g.get('tenant'), 'slug', '')}/api/")


def init_resolution(app, *, on_enter: Iterable[Callable[[Tenant], None]] = ()) -> None:
    """Resolve ``/<tenant>/`` on every request; ``on_enter`` callbacks run once the tenant is
    bound (the plugin machinery puts the tenant's hook relay on ``g``), so tenancy needs to know
    nothing above it."""
    app.extensions["lotse.on_enter_tenant"] = tuple(on_enter)
    app.url_value_preprocessor(pull_tenant)
    app.url_defaults(add_tenant_default)
    app.teardown_request(leave_tenant)
