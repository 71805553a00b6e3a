"""Who may open which case inside a tenant.

A case manager sees own cases, cases where they are the standing deputy, cases shared with them,
and the cases of colleagues they deputise for (time-boxed, approved). Coordinators read every case
of the tenant under Fachaufsicht; each such read is audited with its reason. Everyone else (local
administration, operators) sees no case data.
"""

from __future__ import annotations

from datetime import date

from flask import g
from sqlalchemy import and_, exists, or_, select

from core.auth.permissions import current_permissions
from core.cases.models import Case, CaseShare, Deputy


def _active_deputy_for(user_id: int, today: date):
    """Subquery condition: the case's manager is absent and ``user_id`` deputises, approved."""
    return exists(
        select(Deputy.id).where(
            Deputy.absent_id == Case.case_manager_id,
            Deputy.deputy_id == user_id,
            Deputy.starts_on <= today,
            Deputy.ends_on >= today,
            Deputy.revoked_at.is_(None),
            or_(
                Deputy.cross_unit.is_(False),
                and_(Deputy.approved_by_absent_lead_id.is_not(None), Deputy.approved_by_deputy_lead_id.is_not(None)),
            ),
        )
    )


def visible_condition(user_id: int, *, supervise: bool, today: date | None = None):
    """SQL condition on ``Case`` for the cases ``user_id`` may see."""
    if supervise:
        return Case.id.is_not(None)
    today = today or date.today()
    shared = exists(select(CaseShare.id).where(CaseShare.case_id == Case.id, CaseShare.user_id == user_id))
    return or_(Case.case_manager_id == user_id, Case.deputy_id == user_id, shared, _active_deputy_for(user_id, today))


def can_supervise() -> bool:
    return "cases.supervise" in current_permissions()


def can_work() -> bool:
    return "cases.work" in current_permissions()


def access_reason(case: Case, user) -> str | None:
    """Why ``user`` may open ``case`` ("owner", "deputy", "shared", "substitute", "supervision") or None."""
    if not can_work() and not can_supervise():
        return None
    if case.case_manager_id == user.id:
        return "owner"
    if case.deputy_id == user.id:
        return "deputy"
    from core.db import db

    if db.session.scalar(select(CaseShare.id).where(CaseShare.case_id == case.id, CaseShare.user_id == user.id)):
        return "shared"
    today = date.today()
    if db.session.scalar(select(Case.id).where(Case.id == case.id, _active_deputy_for(user.id, today))):
        return "substitute"
    if can_supervise():
        return "supervision"
    return None


def remember_reason(case: Case, reason: str) -> None:
    g.setdefault("case_access", {})[case.id] = reason
