"""Start pages. The navigation is assembled here from ``lotse_menu_items`` (core domains and
plugins alike)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.auth.models import Membership
from core.auth.permissions import current_permissions
from core.db import db
from core.plugins.slots import render_slot
from core.tenancy.context import unscoped
from core.tenancy.models import Tenant
from core.tenancy.resolve import tenant_for_host
from core.web import MenuItem

bp = Blueprint("home", __name__, template_folder="templates")


def menu_items() -> list[MenuItem]:
    """Entries of the core domains and the tenant's enabled plugins, filtered by permission.

    Cached per process: the entries depend on the tenant's plugins (its ``plugins_version``, read
    fresh on every request), the member's permissions and the locale, never on anything else
    (``lotse_menu_items`` is documented so), so a change of any of them is a new key."""
    granted = current_permissions()
    tenant = g.tenant
    key = (
        tenant.id,
        tenant.created_at,
        tenant.plugins_version,
        frozenset(g.get("enabled_plugins", ())),
        granted,
        str(get_locale()),
    )
    cache = current_app.extensions.setdefault("lotse.menu_cache", {})
    items = cache.get(key)
    if items is None:
        contributed_items: list[MenuItem] = []
        for contributed in g.hooks.lotse_menu_items(tenant=tenant, user=current_user):
            contributed_items.extend(contributed or ())
        items = tuple(
            sorted(
                (i for i in contributed_items if i.permission is None or i.permission in granted),
                key=lambda i: i.order,
            )
        )
        if len(cache) > MENU_CACHE_SIZE:
            cache.clear()  # old plugin versions and locales: rebuilt on demand
        cache[key] = items
    return list(items)


#: Entries kept by :func:`menu_items` before the cache starts over (tenants × permission sets ×
#: locales: a few hundred in the largest installation).
MENU_CACHE_SIZE = 2000


def slot(name: str, **context) -> Markup:
    """Render a declared template slot (:mod:`core.plugins.slots`) for the current tenant."""
    return render_slot(name, **context)


@dataclass(frozen=True)
class TenantLink:
    """A tenant as the switcher shows it (no ORM object: it outlives the request)."""

    id: int
    slug: str
    name: str


#: How long a process reuses a member's tenant list for the switcher. Only the switcher's links
#: come from it, never access: every request checks its membership afresh (a removed membership
#: is a 404 at once, with or without a link). Changes in this process clear it at once
#: (:func:`_forget_switcher`); other processes show them after at most this many seconds.
SWITCHER_SECONDS = 60


def other_tenants() -> list[TenantLink]:
    """Tenants besides the current one where the user is a member: the tenant switcher."""
    if not current_user.is_authenticated or g.get("tenant") is None:
        return []
    cache = current_app.extensions.setdefault("lotse.switcher_cache", {})
    now = time.monotonic()
    hit = cache.get(current_user.id)
    if hit is None or hit[0] < now:
        with unscoped():
            rows = db.session.execute(
                select(Tenant.id, Tenant.slug, Tenant.name)
                .join(Membership, Membership.tenant_id == Tenant.id)
                .where(
                    Membership.user_id == current_user.id,
                    Membership.active.is_(True),
                    Tenant.active.is_(True),
                )
                .order_by(Tenant.name)
            ).all()
        hit = (now + SWITCHER_SECONDS, tuple(TenantLink(*row) for row in rows))
        cache[current_user.id] = hit
    return [t for t in hit[1] if t.id != g.tenant.id]


@event.listens_for(Session, "after_flush")
def _forget_switcher(session, flush_context):
    """A membership or tenant written in this process: the switcher lists are read again."""
    from flask import current_app as app
    from flask import has_app_context

    if not has_app_context():
        return
    changed = [*session.new, *session.dirty, *session.deleted]
    cache = app.extensions.get("lotse.switcher_cache")
    if not cache:
        return
    if any(isinstance(obj, Tenant) for obj in changed):
        cache.clear()
        return
    for obj in changed:
        if isinstance(obj, Membership):
            cache.pop(obj.user_id, None)


@bp.app_context_processor
def _navigation():
    if g.get("tenant") is None or not current_user.is_authenticated or g.get("membership") is None:
        return {"menu": [], "slot": slot, "other_tenants": []}
    # Computed once per request: partials rendered for slots run the context processors again.
    if "navigation" not in g:
        g.navigation = {"menu": menu_items(), "slot": slot, "other_tenants": other_tenants()}
    return g.navigation


@bp.route("/")
def index():
    pinned = tenant_for_host(request.host)
    if pinned is not None:
        return redirect(url_for("home.dashboard", tenant=pinned.slug))
    tenants = []
    if current_app.config["LOTSE_LIST_TENANTS"]:
        tenants = db.session.scalars(
            select(Tenant).where(Tenant.active.is_(True)).order_by(Tenant.name)
        ).all()
    return render_template("home/index.html", tenants=tenants, title=_("Welcome to Lotse"))


@bp.route("/<tenant>/")
def dashboard():
    follow_ups = []
    if "cases.work" in current_permissions():
        from datetime import date

        from core.cases.services import my_follow_ups

        follow_ups = [row for row in my_follow_ups(current_user) if row[0].due_on <= date.today()]
    return render_template("home/dashboard.html", membership=g.membership, follow_ups=follow_ups)


@bp.route("/health")
def health():
    db.session.execute(select(1))
    return {"status": "ok"}
