"""Demo installation: the five example tenants from ``tenants/`` and their demo accounts.

The accounts use the shared password ``lotse-demo`` (deliberately outside the password policy)
and exist only in a database made by ``lotse demo``; production set-ups never run this.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from core.auth import services as auth
from core.auth.models import User
from core.auth.passwords import hash_password
from core.db import db, utcnow
from core.demo_cases import seed_cases
from core.tenancy.context import tenant_scope
from core.tenancy.models import OrgUnit

DEMO_PASSWORD = "lotse-demo"  # noqa: S105 - documented demo-only password
DEMO_TENANTS = ("viersen", "hoexter", "oberhausen", "kleve", "jmd-oberhausen")
DEMO_ROLES = {
    "admin": ("Lokale Administration", ["tenant_admin"]),
    "koordination": ("Koordination", ["coordinator"]),
    "cm": ("Case Management", ["case_manager"]),
    "dsb": ("Datenschutz", ["dpo"]),
}
OPERATOR_EMAIL = "betrieb@lotse.demo"
#: One person working for two tenants, to show the tenant switcher.
NETWORK_EMAIL = "verbund@lotse.demo"


def _demo_user(email: str, name: str, *, operator: bool = False, tenant=None) -> User:
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


def _working_unit(
    kind_order=("team", "service", "provider", "social_area", "region", "authority"),
) -> int | None:
    units = db.session.scalars(select(OrgUnit).order_by(OrgUnit.id)).all()
    for kind in kind_order:
        for unit in units:
            if unit.kind == kind:
                return unit.id
    return units[0].id if units else None


def seed_demo() -> list[str]:
    from core.cli import load_tenant

    summary = []
    tenants_dir = Path(current_app.config["LOTSE_TENANTS_DIR"])
    for slug in DEMO_TENANTS:
        if not (tenants_dir / slug / "tenant.toml").exists():
            raise FileNotFoundError(f"tenants/{slug}/tenant.toml missing")
        tenant, _created = load_tenant(slug)
        with tenant_scope(tenant):
            unit_id = _working_unit()
            for local, (label, roles) in DEMO_ROLES.items():
                user = _demo_user(f"{local}@{slug}.demo", f"{label} {tenant.name}", tenant=tenant)
                auth.add_membership(
                    user, tenant, roles, unit_id if local in ("cm", "koordination") else None
                )
            if slug in ("oberhausen", "jmd-oberhausen"):
                user = _demo_user(NETWORK_EMAIL, "Verbund-Beratung (Oberhausen und JMD)")
                auth.add_membership(user, tenant, ["case_manager"], unit_id)
            g_hooks = _relay(tenant)
            g_hooks.lotse_demo_data(tenant=tenant)
            created = seed_cases(tenant, actor=auth.find_user(f"cm@{slug}.demo"))
        summary.append(
            f"{tenant.slug:16} {tenant.name}: admin@, koordination@, cm@, dsb@{slug}.demo"
        )
        if created:
            summary.append(" " * 17 + _("%(n)d demo cases created", n=created))
    _demo_user(OPERATOR_EMAIL, "Plattformbetrieb", operator=True)
    summary.append(f"Betrieb: {OPERATOR_EMAIL}; Verbund (2 Mandanten): {NETWORK_EMAIL}")
    summary.append(f"Passwort aller Demo-Konten: {DEMO_PASSWORD}")
    return summary


def _relay(tenant):
    from core.plugins.relay import relay_for

    return relay_for(tenant)
