"""Separation of duties: administering accounts and reading client case files are different jobs.

A local administrator manages accounts, roles and settings; if the same person could also hold a
role that opens case data, every role change or password reset would be a path into case files.
So ``tenant_admin`` and every role holding a permission marked ``case_data`` exclude each other,
unless the tenant explicitly allows one person both (small services with one person for
everything). That setting is audited and shown on the data-protection officer's desk, and every
grant of a case-data role is audited and listed there.
"""

from __future__ import annotations

from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.db import db, utcnow
from core.schemas import ValidationError

ADMIN_ROLE = "tenant_admin"
SETTING = "admin_may_hold_case_roles"


def case_data_roles() -> frozenset[str]:
    from core.auth.permissions import registry

    return registry().case_data_roles()


def allows_both(tenant) -> bool:
    return bool((tenant.settings or {}).get(SETTING))


def conflicting(roles) -> list[str]:
    """The case-data roles in ``roles`` when it also holds local administration."""
    roles = set(roles or [])
    if ADMIN_ROLE not in roles:
        return []
    return sorted(roles & case_data_roles())


def check_duties(tenant, roles) -> None:
    from core.auth.permissions import ROLES

    clash = conflicting(roles)
    if clash and not allows_both(tenant):
        names = ", ".join(str(ROLES.get(r, r)) for r in clash)
        raise ValidationError(
            {
                "roles": [
                    _(
                        "Local administration and roles with access to case data (%(roles)s) are "
                        "separate "
                        "duties. Your organisation can allow one person both only through the "
                        "explicit "
                        "setting under Settings.",
                        roles=names,
                    )
                ]
            }
        )


def record_case_data_grant(tenant, *, actor, membership, roles, before) -> None:
    """Audit every role added to a membership that opens case data (listed for the DSB)."""
    added = sorted((set(roles) - set(before or [])) & case_data_roles())
    if added:
        audit.record(
            "admin.case_data_role_granted",
            actor=actor,
            obj=membership,
            roles=added,
            member=membership.user_id,
            with_admin=ADMIN_ROLE in roles,
        )


def set_allows_both(tenant, actor, allow: bool) -> bool:
    """Change the setting; returns True when it changed (and was audited)."""
    if allows_both(tenant) == bool(allow):
        return False
    tenant.settings = {**(tenant.settings or {}), SETTING: bool(allow)}
    audit.record(
        "admin.duty_separation_changed",
        actor=actor,
        object_type="tenant",
        object_id=tenant.id,
        allow_admin_with_case_roles=bool(allow),
    )
    return True


def dsb_overview(tenant, days: int = 365) -> dict:
    """What the data-protection officer needs: the setting, who holds both, recent grants."""
    from core.audit.models import AuditEvent
    from core.auth.models import Membership, User

    grants = db.session.execute(
        select(AuditEvent, User.display_name)
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .where(
            AuditEvent.action.in_(
                ("admin.case_data_role_granted", "admin.duty_separation_changed")
            ),
            AuditEvent.at >= utcnow() - timedelta(days=days),
        )
        .order_by(AuditEvent.at.desc())
        .limit(200)
    ).all()
    member_names = dict(
        db.session.execute(
            select(User.id, User.display_name).join(Membership, Membership.user_id == User.id)
        ).all()
    )
    both = [
        m
        for m in db.session.scalars(select(Membership).where(Membership.active.is_(True)))
        if conflicting(m.roles)
    ]
    return {
        "allows_both": allows_both(tenant),
        "both": both,
        "grants": grants,
        "member_names": member_names,
    }
