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

        members = dict(
            db.session.execute(
                select(Membership.tenant_id, func.count()).group_by(Membership.tenant_id)
            ).all()
        )
        plugins = dict(
            db.session.execute(
                select(TenantPlugin.tenant_id, func.count())
                .where(TenantPlugin.enabled.is_(True))
                .group_by(TenantPlugin.tenant_id)
            ).all()
        )
    tenants = db.session.scalars(select(Tenant).order_by(Tenant.name)).all()
    return [
        {"tenant": t, "members": members.get(t.id, 0), "plugins": plugins.get(t.id, 0)}
        for t in tenants
    ]


def create_tenant(actor, *, slug, name, kind, admin_email, admin_name) -> Tenant:
    """A new tenant and an invitation for its first administrator (mailed, never shown).

    The operator gets the same answer whatever the address: a new account receives a set-up
    link, an existing one an invitation it must accept after signing in with its own password.
    """
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
    if not auth.EMAIL_RE.match(auth.normalise_email(admin_email)):
        errors["admin_email"] = [_("Please enter a valid e-mail address.")]
    if not (admin_name or "").strip():
        errors["admin_name"] = [_("Please enter a name.")]
    if errors:
        raise ValidationError(errors)
    tenant = Tenant(
        slug=slug,
        name=name,
        kind=kind,
        locales=["de", "en"],
        default_locale="de",
        theme={},
        settings={},
    )
    db.session.add(tenant)
    db.session.flush()
    with tenant_scope(tenant):
        from core.admin.services import invite_member
        from core.consent.services import ensure_defaults

        ensure_defaults(tenant)  # recipient categories and the default consent form
        audit.record("tenant.created", actor=actor)
        try:
            invite_member(
                tenant, actor, email=admin_email, display_name=admin_name, roles=["tenant_admin"]
            )
        except ValidationError as exc:
            raise ValidationError(
                {
                    "admin_email" if k == "email" else "admin_name" if k == "display_name" else k: v
                    for k, v in exc.errors.items()
                }
            ) from None
    audit.record_platform("tenant.created", actor=actor, obj=tenant)
    return tenant


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
    audit.record_platform(
        "tenant.enabled" if active else "tenant.disabled", actor=actor, obj=tenant
    )


def add_host(actor, tenant: Tenant, host: str) -> TenantHost:
    host = (host or "").strip().lower()
    if not _HOST.match(host):
        raise ValidationError(
            {"host": [_("Please enter a host name like integration.kreis-kleve.de.")]}
        )
    if db.session.scalar(select(TenantHost).where(TenantHost.host == host)):
        raise ValidationError({"host": [_("This host name is used already.")]})
    row = TenantHost(tenant_id=tenant.id, host=host)
    db.session.add(row)
    db.session.flush()
    audit.record_platform("tenant.host_added", actor=actor, obj=tenant, host_id=row.id)
    return row


def remove_host(actor, tenant: Tenant, host_id: int) -> None:
    row = db.session.scalar(
        select(TenantHost).where(TenantHost.id == host_id, TenantHost.tenant_id == tenant.id)
    )
    if row is None:
        raise ValidationError({"host": [_("Unknown host name.")]})
    db.session.delete(row)
    audit.record_platform("tenant.host_removed", actor=actor, obj=tenant, host_id=host_id)


def admin_link_refusal(tenant: Tenant) -> str | None:
    """The operator may re-send a set-up link only while the tenant has no administrator who
    ever chose a password; otherwise the tenant's own administration handles its accounts."""
    from core.auth.models import Membership, User

    with tenant_scope(tenant):
        admins = db.session.scalars(
            select(User).join(Membership, Membership.user_id == User.id)
        ).all()
        members = db.session.scalars(select(Membership)).all()
    admin_ids = {m.user_id for m in members if "tenant_admin" in m.roles}
    if any(u.password_changed_at is not None for u in admins if u.id in admin_ids):
        return _(
            "This tenant has an administrator with a password; the tenant's own administration "
            "manages its accounts."
        )
    return None


def resend_admin_link(actor, tenant: Tenant, email: str) -> None:
    """Mail a new set-up link to an invited first administrator who never chose a password.

    Never for an active account (one that has set a password) and never for a case manager: the
    link goes to the account's own address, and only while the tenant has no working admin.
    """
    refusal = admin_link_refusal(tenant)
    if refusal:
        raise ValidationError({"admin_email": [refusal]})
    user = auth.find_user(email)
    with tenant_scope(tenant):
        invitation = auth.open_invitation_for(user, tenant) if user is not None else None
        eligible = (
            invitation is not None
            and "tenant_admin" in invitation.roles
            and user.password_changed_at is None
            and user.credential_tenant_id == tenant.id
        )
        if not eligible:
            raise ValidationError(
                {
                    "admin_email": [
                        _(
                            "No invited administrator of this tenant with this address is waiting for a set-up link."
                        )
                    ]
                }
            )
        auth.send_password_link(user, tenant, reason="setup")
        audit.record("tenant.admin_link_sent", actor=actor, obj=invitation)
    audit.record_platform("tenant.admin_link_sent", actor=actor, obj=tenant)
