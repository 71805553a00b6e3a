"""SMART goals of a case, one life area each (the tenant's catalogue)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from core.audit import services as audit
from core.cases import access
from core.cases.models import Case, Goal
from core.cases.schemas import GOAL_FIELDS, GoalSchema, GoalUpdateSchema
from core.cases.services import touch
from core.conflicts import ConflictError, flush_or_conflict
from core.db import db
from core.schemas import load


def save_goal(
    actor, tenant, case: Case, data: Mapping[str, Any], *, goal_id: int | None = None
) -> Goal:
    """Add a goal, or change goal ``goal_id`` of this case (404 for any other); a change on top
    of a newer ``version`` is a ConflictError."""
    access.ensure_case(actor, case)
    goal = None
    if goal_id is not None:
        goal = db.session.scalar(select(Goal).where(Goal.id == goal_id, Goal.case_id == case.id))
        if goal is None:
            from werkzeug.exceptions import NotFound

            raise NotFound()
    schema = GoalSchema if goal is None else GoalUpdateSchema
    values = load(schema(tenant=tenant, actor=actor, case=case), data)
    expected_version = values.pop("version", None)
    if goal is not None and expected_version is not None and expected_version != goal.version:
        raise ConflictError(
            {f: (getattr(goal, f), values[f]) for f in GOAL_FIELDS if getattr(goal, f) != values[f]}
        )
    created = goal is None
    if goal is None:
        goal = Goal(case_id=case.id)
        db.session.add(goal)
    for field, value in values.items():
        setattr(goal, field, value)
    flush_or_conflict(goal, GOAL_FIELDS, values)
    touch(case)
    audit.record(
        "case.goal_created" if created else "case.goal_changed", actor=actor, obj=case, goal=goal.id
    )
    return goal


def goals(case: Case) -> list[Goal]:
    return list(
        db.session.scalars(
            select(Goal).where(Goal.case_id == case.id).order_by(Goal.priority, Goal.id)
        )
    )
