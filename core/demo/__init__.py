"""Demo installation (``lotse demo``): the example tenants from ``tenants/``, their demo accounts
and demo cases.

The machinery lives here; the fiction (which tenants, their surroundings and stories) lives
beside the tenants (:mod:`core.demo.fiction`), so core names no tenant. The accounts use the shared
password ``lotse-demo`` and exist only in a database made by ``lotse demo``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from core.auth import services as auth
from core.demo.accounts import (
    DEMO_PASSWORD,
    DEMO_ROLES,
    NETWORK_EMAIL,
    OPERATOR_EMAIL,
    demo_user,
    seed_tenant_accounts,
)
from core.demo.cases import seed_cases
from core.demo.fiction import demo_set, tenants_dir

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_ROLES",
    "NETWORK_EMAIL",
    "OPERATOR_EMAIL",
    "demo_tenants",
    "seed_cases",
    "seed_demo",
]


def demo_tenants() -> tuple[str, ...]:
    """The slugs of the example tenants, in the order ``lotse demo`` loads them."""
    return demo_set().tenants


def __getattr__(name: str) -> Any:
    """``DEMO_TENANTS`` is read from ``tenants/demo.toml`` when asked for, not hard-coded."""
    if name == "DEMO_TENANTS":
        return demo_tenants()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _case_count() -> int:
    from sqlalchemy import func, select

    from core.cases.models import Case
    from core.db import db

    return db.session.scalar(select(func.count(Case.id))) or 0


def seed_demo() -> list[str]:
    """Load the example tenants with their accounts, plugin demo data and demo cases; returns
    the summary ``lotse demo`` prints. Idempotent."""
    from core.platform.provisioning import load_tenant
    from core.plugins.relay import relay_for
    from core.tenancy.context import tenant_scope

    summary = []
    directory = tenants_dir()
    plan = demo_set(directory)
    for slug in plan.tenants:
        if not (directory / slug / "tenant.toml").exists():
            raise FileNotFoundError(f"tenants/{slug}/tenant.toml missing")
        tenant, _created = load_tenant(slug)
        with tenant_scope(tenant):
            unit_id = seed_tenant_accounts(tenant)
            if slug in plan.network_tenants:
                user = demo_user(NETWORK_EMAIL, plan.network_name)
                auth.add_membership(user, tenant, ["case_manager"], unit_id)
            before = _case_count()
            # Plugins' demo rows, then core's demo cases (core.demo.hooks, trylast).
            relay_for(tenant).lotse_demo_data(tenant=tenant)
            created = _case_count() - before
        summary.append(
            f"{tenant.slug:16} {tenant.name}: admin@, koordination@, cm@, dsb@{slug}.demo"
        )
        if created:
            summary.append(" " * 17 + _("%(n)d demo cases created", n=created))
    demo_user(OPERATOR_EMAIL, "Plattformbetrieb", operator=True)
    summary.append(f"Betrieb: {OPERATOR_EMAIL}; Verbund (2 Mandanten): {NETWORK_EMAIL}")
    summary.append(f"Passwort aller Demo-Konten: {DEMO_PASSWORD}")
    return summary
