"""Caseload: open cases per case manager against the tenant's ratio (a traffic light)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from core.auth.models import Membership, User
from core.cases.models import Case
from core.cases.services import case_workers, hooks_for
from core.cases.settings import case_settings, regelkreis_for
from core.db import db


@dataclass
class CaseloadRow:
    user: User
    active: int
    #: Target for this person: the tenant's ratio scaled by their share of a full-time post.
    ratio: int
    tolerance_pct: int
    fte: float = 1.0

    @property
    def light(self) -> str:
        if self.active <= self.ratio:
            return "green"
        if self.active <= self.ratio * (100 + self.tolerance_pct) / 100:
            return "yellow"
        return "red"


def caseload(tenant) -> list[CaseloadRow]:
    settings = case_settings(tenant)
    regelkreis = regelkreis_for(tenant)
    counted = [key for key, t in regelkreis.case_types.items() if t.counts_for_caseload]
    counts = dict(
        db.session.execute(
            select(Case.case_manager_id, func.count(Case.id))
            .where(Case.status == "open", Case.case_type.in_(counted))
            .group_by(Case.case_manager_id)
        ).all()
    )
    hours = dict(db.session.execute(select(Membership.user_id, Membership.weekly_hours)).all())
    hooks = hooks_for(tenant)
    rows = []
    for user in case_workers():
        weekly = hours.get(user.id) or settings.full_time_hours
        fte = min(weekly / settings.full_time_hours, 1.0)
        rows.append(
            CaseloadRow(
                user,
                counts.get(user.id, 0),
                max(round(_capacity(hooks, tenant, weekly, settings.caseload_ratio, fte)), 1),
                settings.caseload_tolerance_pct,
                round(fte, 2),
            )
        )
    return rows


def _capacity(hooks, tenant, weekly_hours, ratio: int, fte: float) -> float:
    """A plugin's formula (``lotse_caseload_capacity``), else the ratio scaled by the FTE."""
    for answer in hooks.lotse_caseload_capacity(
        tenant=tenant, weekly_hours=weekly_hours, ratio=ratio
    ):
        if answer is not None:
            return float(answer)
    return ratio * fte
