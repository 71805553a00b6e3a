"""The demo accounts: four per example tenant, one platform operator, one person working for
two tenants. They use the shared password ``lotse-demo`` (deliberately outside the password
policy) and exist only in a database made by ``lotse demo``; production set-ups never run this.
"""

from __future__ import annotations

from sqlalchemy import select

from core.auth import services as auth
from core.auth.models import User
from core.auth.passwords import hash_password
from core.db import db, utcnow
from core.tenancy.models import OrgUnit, Tenant

DEMO_PASSWORD = "lotse-demo"  # noqa: S105 - documented demo-only password
#: Local part of the address → (display name prefix, roles); the address is <local>@<slug>.demo.
DEMO_ROLES = {
    "admin": ("Lokale Administration", ["tenant_admin"]),
    "koordination": ("Koordination", ["coordinator"]),
    "cm": ("Case Management", ["case_manager"]),
    "dsb": ("Datenschutz", ["dpo"]),
}
OPERATOR_EMAIL = "betrieb@lotse.demo"
#: One person working for two tenants, to show the tenant switcher (``tenants/demo.toml``).
NETWORK_EMAIL = "verbund@lotse.demo"


def account_email(local: str, slug: str) -> str:
    """``cm`` + ``kleve`` → ``cm@kleve.demo``."""
    return f"{local}@{slug}.demo"


def demo_user(
    email: str, name: str, *, operator: bool = False, tenant: Tenant | None = None
) -> User:
    """A demo account with the demo password. Accounts of one tenant stay in that tenant's
    credential care (its administration may send them reset mails); shared ones do not."""
    user = auth.find_user(email)
    if user is None:
        user = User(
            email=email,
            display_name=name,
            password_hash=hash_password(DEMO_PASSWORD),
            password_changed_at=utcnow(),
            is_platform_operator=operator,
            credential_tenant_id=tenant.id if tenant is not None else None,
        )
        db.session.add(user)
        db.session.flush()
    return user


def working_unit(
    kind_order: tuple[str, ...] = (
        "team",
        "service",
        "provider",
        "social_area",
        "region",
        "authority",
    ),
) -> int | None:
    """The org unit the tenant's case workers sit in (inside the tenant's scope)."""
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.id)).all()
    for kind in kind_order:
        for unit in units:
            if unit.kind == kind:
                return unit.id
    return units[0].id if units else None


def seed_tenant_accounts(tenant: Tenant) -> int | None:
    """admin@, koordination@, cm@ and dsb@<slug>.demo (inside the tenant's scope); returns the
    org unit the case workers were put in."""
    unit_id = working_unit()
    for local, (label, roles) in DEMO_ROLES.items():
        user = demo_user(account_email(local, tenant.slug), f"{label} {tenant.name}", tenant=tenant)
        auth.add_membership(
            user, tenant, roles, unit_id if local in ("cm", "koordination") else None
        )
    return unit_id
