"""Start pages. The navigation is assembled here from ``lotse_menu_items`` (core domains and
plugins alike)."""

from __future__ import annotations

from flask import Blueprint, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select

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
    """Entries of the core domains and the tenant's enabled plugins, filtered by permission."""
    items: list[MenuItem] = []
    for contributed in g.hooks.lotse_menu_items(tenant=g.tenant, user=current_user):
        items.extend(contributed or ())
    granted = current_permissions()
    return sorted(
        (i for i in items if i.permission is None or i.permission in granted), key=lambda i: i.order
    )


def slot(name: str, **context) -> Markup:
    """Render a declared template slot (:mod:`core.plugins.slots`) for the current tenant."""
    return render_slot(name, **context)


def other_tenants() -> list[Tenant]:
    """Tenants besides the current one where the user is a member: the tenant switcher."""
    if not current_user.is_authenticated or g.get("tenant") is None:
        return []
    with unscoped():
        stmt = (
            select(Tenant)
            .join(Membership, Membership.tenant_id == Tenant.id)
            .where(
                Membership.user_id == current_user.id,
                Membership.active.is_(True),
                Tenant.active.is_(True),
                Tenant.id != g.tenant.id,
            )
            .order_by(Tenant.name)
        )
        return list(db.session.scalars(stmt))


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
