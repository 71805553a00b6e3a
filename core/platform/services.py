"""Creating, disabling and re-enabling tenants; issuing the first admin's set-up link."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from core.audit import services as audit
from core.auth import services as auth
from core.auth.models import AuthSession
from core.auth.services import ValidationError
from core.db import db, utcnow
from core.platform.schemas import AdminLinkSchema, HostRemovalSchema, HostSchema, TenantSchema
from core.schemas import load
from core.tenancy.context import tenant_scope, unscoped
from core.tenancy.loader import RESERVED_SLUGS
from core.tenancy.models import Tenant, TenantHost, TenantPlugin


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


def create_tenant(actor, data=None, **values) -> Tenant:
    """A new tenant and an invitation for its first administrator (mailed, never shown).

    ``data`` is the raw input of :class:`~core.platform.schemas.TenantSchema`; keyword arguments
    are merged into it (the ``lotse tenant create`` command names the fields directly). The
    operator gets the same answer whatever the address: a new account receives a set-up link, an
    existing one an invitation it must accept after signing in with its own password.
    """
    values = load(TenantSchema, {**dict(data or {}), **values})
    slug, name, kind = values["slug"], values["name"], values["kind"]
    if slug in RESERVED_SLUGS or db.session.scalar(select(Tenant).where(Tenant.slug == slug)):
        raise ValidationError({"slug": [_("This short name is taken.")]})
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
                tenant,
                actor,
                {
                    "email": values["admin_email"],
                    "display_name": values["admin_name"],
                    "roles": ["tenant_admin"],
                },
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
            update(AuthSession)
            .where(AuthSession.tenant_id == tenant.id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=utcnow())
        )
    audit.record_platform(
        "tenant.enabled" if active else "tenant.disabled", actor=actor, obj=tenant
    )


def add_host(actor, tenant: Tenant, data) -> TenantHost:
    """A further host name (``data``: the raw input of
    :class:`~core.platform.schemas.HostSchema`)."""
    host = load(HostSchema, data)["host"]
    if db.session.scalar(select(TenantHost).where(TenantHost.host == host)):
        raise ValidationError({"host": [_("This host name is used already.")]})
    row = TenantHost(tenant_id=tenant.id, host=host)
    db.session.add(row)
    db.session.flush()
    audit.record_platform("tenant.host_added", actor=actor, obj=tenant, host_id=row.id)
    return row


def remove_host(actor, tenant: Tenant, data) -> None:
    """``data``: the raw input of :class:`~core.platform.schemas.HostRemovalSchema`."""
    host_id = load(HostRemovalSchema, data)["host_id"]
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


def resend_admin_link(actor, tenant: Tenant, data) -> None:
    """Mail a new set-up link to an invited first administrator who never chose a password.

    Never for an active account (one that has set a password) and never for a case manager: the
    link goes to the account's own address, and only while the tenant has no working admin.
    """
    refusal = admin_link_refusal(tenant)
    if refusal:
        raise ValidationError({"admin_email": [refusal]})
    user = auth.find_user(load(AdminLinkSchema, data)["admin_email"])
    with tenant_scope(tenant):
        invitation = auth.open_invitation_for(user, tenant) if user is not None else None
        if not (
            user is not None
            and invitation is not None
            and "tenant_admin" in invitation.roles
            and user.password_changed_at is None
            and user.credential_tenant_id == tenant.id
        ):
            raise ValidationError(
                {
                    "admin_email": [
                        _(
                            "No invited administrator of this tenant with this address is waiting "
                            "for a set-up link."
                        )
                    ]
                }
            )
        auth.send_password_link(user, tenant, reason="setup")
        audit.record("tenant.admin_link_sent", actor=actor, obj=invitation)
    audit.record_platform("tenant.admin_link_sent", actor=actor, obj=tenant)
