"""Phase requirements: the named conditions a Regelkreis phase can require before a case enters
it (``Phase.requires``). Core's three are providers of the same kind plugins contribute through
``lotse_phase_requirements``, so a phase names core's and a plugin's requirements alike."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from core.cases.models import AccessDecision, Goal, HelpPlan
from core.db import db
from core.plugins.providers import (
    ExtensionError,
    PhaseRequirement,
    by_key,
    collect,
    hooks_for,
)


class AccessAdmitted(PhaseRequirement):
    key = "access_admitted"
    label = _l("Positive access decision")

    def check(self, case) -> list[str]:
        decision = db.session.scalar(
            select(AccessDecision)
            .where(AccessDecision.case_id == case.id, AccessDecision.outcome != "")
            .order_by(AccessDecision.id.desc())
            .limit(1)
        )
        if decision is not None and decision.admitted:
            return []
        return [_("A positive access decision must be recorded first (Zugangsprüfung).")]


class HasGoal(PhaseRequirement):
    key = "has_goal"
    label = _l("At least one goal")

    def check(self, case) -> list[str]:
        goals = db.session.execute(select(func.count(Goal.id)).where(Goal.case_id == case.id))
        if goals.scalar_one() > 0:
            return []
        return [_("At least one goal must be agreed first.")]


class PlanAgreed(PhaseRequirement):
    key = "plan_agreed"
    label = _l("Agreed help plan")

    def check(self, case) -> list[str]:
        agreed = db.session.scalar(
            select(HelpPlan.id).where(HelpPlan.case_id == case.id, HelpPlan.status == "agreed")
        )
        return [] if agreed is not None else [_("An agreed help plan is needed first.")]


BUILTIN_REQUIREMENTS = (AccessAdmitted(), HasGoal(), PlanAgreed())


def phase_requirements(tenant, hooks=None) -> dict[str, PhaseRequirement]:
    """Core's requirements plus those of the tenant's plugins, by key."""
    return by_key(
        collect(
            hooks or hooks_for(tenant),
            "lotse_phase_requirements",
            PhaseRequirement,
            builtins=BUILTIN_REQUIREMENTS,
            tenant=tenant,
        )
    )


def requirement_problems(tenant, case, phase) -> list[str]:
    """What keeps ``case`` from entering ``phase`` (empty: nothing)."""
    requirements = phase_requirements(tenant)
    problems: list[str] = []
    for name in phase.requires:
        if name not in requirements:
            raise ExtensionError(f"phase {phase.key!r} requires unknown requirement {name!r}")
        problems.extend(requirements[name].check(case))
    return problems
