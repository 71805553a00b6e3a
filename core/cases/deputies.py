"""Deputy arrangements (Vertretungen): ``deputy`` works on all cases of ``absent`` for a time.
Across org units an arrangement takes effect only after both leads approved (four eyes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.auth.models import Membership
from core.cases import access
from core.cases.models import Deputy
from core.cases.schemas import DeputySchema
from core.db import db
from core.schemas import ValidationError, load


def _membership(user_id) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.user_id == user_id))


def create_deputy(actor, data: Mapping[str, Any]) -> Deputy:
    """A deputy for the actor's own absence; coordination may arrange one for anyone."""
    values = load(DeputySchema(actor=actor), data)
    absent_id, deputy_id = values["absent_id"], values["deputy_id"]
    if absent_id and absent_id != getattr(actor, "id", None) and not access.can_supervise():
        raise ValidationError(
            {"absent_id": [_("Only coordination can arrange a deputy for someone else.")]}
        )
    absent_unit = getattr(_membership(absent_id), "org_unit_id", None)
    deputy_unit = getattr(_membership(deputy_id), "org_unit_id", None)
    deputy = Deputy(
        absent_id=absent_id,
        deputy_id=deputy_id,
        starts_on=values["starts_on"],
        ends_on=values["ends_on"],
        cross_unit=absent_unit != deputy_unit,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(deputy)
    db.session.flush()
    audit.record("deputy.created", actor=actor, obj=deputy, cross_unit=deputy.cross_unit)
    return deputy


def approve_deputy(actor, deputy: Deputy) -> Deputy:
    """A lead (coordinator) approves one side of a cross-unit deputy arrangement. A lead of the
    absent person's unit approves that side, a lead of the deputy's unit the other; a
    tenant-wide coordinator (no unit) may approve one side, never both (four eyes)."""
    if not access.can_supervise():
        raise ValidationError({"deputy": [_("Only coordination can approve.")]})
    if not deputy.cross_unit:
        raise ValidationError({"deputy": [_("This arrangement needs no approval.")]})
    actor_unit = getattr(_membership(actor.id), "org_unit_id", None)
    absent_unit = getattr(_membership(deputy.absent_id), "org_unit_id", None)
    deputy_unit = getattr(_membership(deputy.deputy_id), "org_unit_id", None)
    if actor.id in (deputy.approved_by_absent_lead_id, deputy.approved_by_deputy_lead_id):
        raise ValidationError(
            {"deputy": [_("You have approved already; the other lead must approve too.")]}
        )
    if deputy.approved_by_absent_lead_id is None and actor_unit in (absent_unit, None):
        deputy.approved_by_absent_lead_id = actor.id
    elif deputy.approved_by_deputy_lead_id is None and actor_unit in (deputy_unit, None):
        deputy.approved_by_deputy_lead_id = actor.id
    else:
        raise ValidationError({"deputy": [_("You lead neither of the two org units.")]})
    audit.record("deputy.approved", actor=actor, obj=deputy)
    return deputy
