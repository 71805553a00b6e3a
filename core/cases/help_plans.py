"""The help plan (Hilfeplan / Integrationsförderplan): versions of measures. Once agreed a
version is frozen; changes make a new version, and its follow-ups replace the old ones."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from core.audit import services as audit
from core.cases import access
from core.cases.follow_ups import ensure_follow_up, plan_item_follow_up
from core.cases.models import Case, FollowUp, HelpPlan, HelpPlanItem
from core.cases.schemas import HelpPlanAgreeSchema, PlanItemSchema
from core.cases.services import touch
from core.conflicts import ConflictError
from core.db import db, utcnow
from core.schemas import ValidationError, load


def _not_found():
    from werkzeug.exceptions import NotFound

    return NotFound()


def plans(case: Case) -> list[HelpPlan]:
    return list(
        db.session.scalars(
            select(HelpPlan).where(HelpPlan.case_id == case.id).order_by(HelpPlan.number.desc())
        )
    )


def get_plan(case: Case, plan_id: int) -> HelpPlan:
    """Version ``plan_id`` of this case's plan (404 for any other)."""
    plan = db.session.scalar(
        select(HelpPlan).where(HelpPlan.id == plan_id, HelpPlan.case_id == case.id)
    )
    if plan is None:
        raise _not_found()
    return plan


def editable_plan(actor, case: Case) -> HelpPlan:
    """The draft to edit: the open draft, or a new version copied from the agreed plan
    (an agreed plan is never changed)."""
    access.ensure_case(actor, case)
    latest = db.session.scalar(
        select(HelpPlan).where(HelpPlan.case_id == case.id).order_by(HelpPlan.number.desc())
    )
    if latest is not None and latest.status == "draft":
        return latest
    plan = HelpPlan(
        case_id=case.id,
        number=(latest.number + 1) if latest else 1,
        status="draft",
        review_on=latest.review_on if latest else None,
    )
    db.session.add(plan)
    db.session.flush()
    if latest is not None:
        for item in latest.items:
            db.session.add(
                HelpPlanItem(
                    plan_id=plan.id,
                    goal_id=item.goal_id,
                    position=item.position,
                    measure=item.measure,
                    responsible=item.responsible,
                    partner_name=item.partner_name,
                    due_on=item.due_on,
                    status=item.status,
                )
            )
        db.session.flush()
        db.session.refresh(plan)
    audit.record(
        "case.plan_version_created", actor=actor, obj=case, plan=plan.id, number=plan.number
    )
    return plan


def save_plan_item(actor, case: Case, plan: HelpPlan, data: Mapping[str, Any]) -> HelpPlanItem:
    """Add a measure to the draft, or change its item ``data["item_id"]`` (404 for an item of
    another version); an agreed version cannot be changed."""
    access.ensure_case(actor, case)
    if plan.case_id != case.id:
        raise _not_found()
    values = load(PlanItemSchema(actor=actor, case=case), data)
    item = None
    if values["item_id"] is not None:
        item = db.session.scalar(
            select(HelpPlanItem).where(
                HelpPlanItem.id == values["item_id"], HelpPlanItem.plan_id == plan.id
            )
        )
        if item is None:
            raise _not_found()
    if plan.status != "draft":
        raise ValidationError(
            {"plan": [_("An agreed help plan cannot be changed. Edit the new draft instead.")]}
        )
    if item is None:
        position = (
            db.session.execute(
                select(func.coalesce(func.max(HelpPlanItem.position), 0)).where(
                    HelpPlanItem.plan_id == plan.id
                )
            ).scalar_one()
            + 1
        )
        item = HelpPlanItem(plan_id=plan.id, position=position)
        plan.items.append(item)  # keeps the loaded plan in step (agree_plan reads plan.items)
    item.goal_id, item.measure, item.responsible = (
        values["goal_id"],
        values["measure"],
        values["responsible"],
    )
    item.partner_name, item.due_on, item.status = (
        values["partner_name"],
        values["due_on"],
        values["status"],
    )
    touch(case)
    db.session.flush()
    audit.record("case.plan_item_saved", actor=actor, obj=case, plan=plan.id, item=item.id)
    return item


def agree_plan(actor, case: Case, plan: HelpPlan, data: Mapping[str, Any]) -> HelpPlan:
    """Freeze the draft as the agreed plan; the previous agreed version is superseded."""
    access.ensure_case(actor, case)
    if plan.case_id != case.id:
        raise _not_found()
    errors: dict[str, list[str]] = {}
    if plan.status != "draft":
        errors["plan"] = [_("This version is agreed already.")]
    if not plan.items:
        errors.setdefault("plan", []).append(_("A help plan needs at least one measure."))
    values = load(HelpPlanAgreeSchema(actor=actor, case=case), data, errors=errors)
    if values["version"] is not None and values["version"] != plan.version:
        raise ConflictError({"plan": (plan.status, "agreed")})
    for older in db.session.scalars(
        select(HelpPlan).where(HelpPlan.case_id == case.id, HelpPlan.status == "agreed")
    ):
        older.status = "superseded"
        # Follow-ups of the superseded version are replaced by those of the new one.
        keys = [f"plan-review:{older.id}", *(f"plan-item:{item.id}" for item in older.items)]
        for follow_up in db.session.scalars(
            select(FollowUp).where(FollowUp.source_key.in_(keys), FollowUp.done_at.is_(None))
        ):
            follow_up.done_at = utcnow()
    plan.status = "agreed"
    plan.agreed_on = values["agreed_on"] or date.today()
    plan.review_on = values["review_on"]
    plan.agreed_by_client = values["agreed_by_client"]
    touch(case)
    ensure_follow_up(
        case,
        case.case_manager_id,
        plan.review_on,
        _("Review the help plan"),
        "goal_review",
        f"plan-review:{plan.id}",
    )
    for item in plan.items:
        if item.due_on and item.status in ("open", "in_progress"):
            plan_item_follow_up(case, item)
    db.session.flush()
    audit.record("case.plan_agreed", actor=actor, obj=case, plan=plan.id, number=plan.number)
    return plan
