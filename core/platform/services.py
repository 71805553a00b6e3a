"""Creating, disabling and re-enabling tenants; issuing the first admin's set-up link."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.audit import services as audit
from core.auth import services as auth
from core.auth.models import AuthSession
from core.auth.services import ValidationError
from core.db import db, utcnow
from core.tenancy.context import tenant_scope, unscoped
from core.tenancy.loader import RESERVED_SLUGS
from core.tenancy.models import TENANT_KINDS, Tenant, TenantHost, TenantPlugin

_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
_HOST = re.compile(r"^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def tenant_overview() -> list[dict]:
    """Tenants with member and plugin counts: numbers only, nothing from inside a tenant."""
    with unscoped():
        from core.auth.models import Membership

        members = dict(db.session.execute(select(Membership.tenant_id, func.count()).group_by(Membership.tenant_id)).all())
        plugins = dict(
            db.session.execute(
                select(TenantPlugin.tenant_id, func.count()).where(TenantPlugin.enabled.is_(True)).group_by(TenantPlugin.tenant_id)
            ).all()
        )
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.name)).all()
    return [{"tenant": t, "members": members.get(t.id, 0), "plugins": plugins.get(t.id, 0)} for t in tenants]


def create_tenant(actor, *, slug, name, kind, admin_email, admin_name) -> tuple[Tenant, str | None]:
    errors: dict[str, list[str]] = {}
    slug = (slug or "").strip().lower()
    name = (name or "").strip()
    if not _SLUG.match(slug) or len(slug) > 40:
        errors["slug"] = [_("Use lowercase letters, digits and hyphens (e.g. kreis-wesel).")]
    elif slug in RESERVED_SLUGS or db.session.scalar(select(Tenant).where(Tenant.slug == slug)):
        errors["slug"] = [_("This short name is taken.")]
    if not name or len(name) > 200:
        errors["name"] = [_("Please enter a name (at most 200 characters).")]
    if kind not in TENANT_KINDS:
        errors["kind"] = [_("Please choose a kind from the list.")]
    existing = auth.find_user(admin_email)
    if existing is not None and existing.is_platform_operator:
        errors["admin_email"] = [_("Operator accounts cannot be members of a tenant.")]
    elif existing is None and not auth.EMAIL_RE.match(auth.normalise_email(admin_email)):
        errors["admin_email"] = [_("Please enter a valid e-mail address.")]
    if existing is None and not (admin_name or "").strip():
        errors["admin_name"] = [_("Please enter a name.")]
    if errors:
        raise ValidationError(errors)
    tenant = Tenant(slug=slug, name=name, kind=kind, locales=["de", "en"], default_locale="de", theme={}, settings={})
    db.session.add(tenant)
    db.session.flush()
    token = None
    with tenant_scope(tenant):
        user = existing or auth.create_user(admin_email, admin_name)
        if existing is None:
            token = auth.issue_setup_token(user)
        auth.add_membership(user, tenant, ["tenant_admin"])
        from core.consent.services import ensure_defaults

        ensure_defaults(tenant)  # recipient categories and the default consent form
        audit.record("tenant.created", actor=actor)
    audit.record_platform("tenant.created", actor=actor, obj=tenant)
    return tenant, token


def set_active(actor, tenant: Tenant, active: bool) -> None:
    tenant.active = active
    tenant.disabled_at = None if active else utcnow()
    if not active:
        # Nobody keeps working in a disabled tenant.
        db.session.execute(
            AuthSession.__table__.update()
            .where(AuthSession.tenant_id == tenant.id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    audit.record_platform("tenant.enabled" if active else "tenant.disabled", actor=actor, obj=tenant)


def add_host(actor, tenant: Tenant, host: str) -> TenantHost:
    host = (host or "").strip().lower()
    if not _HOST.match(host):
        raise ValidationError({"host": [_("Please enter a host name like integration.kreis-kleve.de.")]})
    if db.session.scalar(select(TenantHost).where(TenantHost.host == host)):
        raise ValidationError({"host": [_("This host name is used already.")]})
    row = TenantHost(tenant_id=tenant.id, host=host)
    db.session.add(row)
    db.session.flush()
    audit.record_platform("tenant.host_added", actor=actor, obj=tenant, host_id=row.id)
    return row


def remove_host(actor, tenant: Tenant, host_id: int) -> None:
    row = db.session.scalar(select(TenantHost).where(TenantHost.id == host_id, TenantHost.tenant_id == tenant.id))
    if row is None:
        raise ValidationError({"host": [_("Unknown host name.")]})
    db.session.delete(row)
    audit.record_platform("tenant.host_removed", actor=actor, obj=tenant, host_id=host_id)


def first_admin_link(actor, tenant: Tenant, email: str) -> str:
    """A new set-up link for a tenant admin who never completed the set-up."""
    user = auth.find_user(email)
    with tenant_scope(tenant):
        membership = auth.membership_of(user, tenant) if user is not None else None
        if membership is None or "tenant_admin" not in membership.roles:
            # Only administrators: the operator must not be able to take over a case manager.
            raise ValidationError({"admin_email": [_("No administrator with this e-mail address.")]})
        token = auth.issue_setup_token(user)
        audit.record("tenant.admin_link_issued", actor=actor, obj=user)
    audit.record_platform("tenant.admin_link_issued", actor=actor, obj=tenant)
    return token
