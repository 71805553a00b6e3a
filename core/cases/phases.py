"""Moving a case through the Regelkreis (the access check that opens it: ``core.eligibility``).

Moving forward goes to the next phase (skipping needs a reason); going back to any earlier phase
is always allowed with a reason; every move is recorded. A phase may require artefacts (phase
requirements, ``core.cases.requirements``): no goal agreement without a recorded positive access
decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

from core.audit import services as audit
from core.cases import access
from core.cases.models import Case, PhaseTransition
from core.cases.requirements import requirement_problems
from core.cases.schemas import PhaseMoveSchema
from core.cases.services import hooks_for, touch
from core.cases.settings import regelkreis_for
from core.conflicts import ConflictError
from core.db import db
from core.schemas import ValidationError, load


def allowed_moves(tenant, case: Case) -> list[tuple[str, object, bool]]:
    """(phase key, label, backwards) a user can move to from the current phase (closure excluded:
    it has its own form)."""
    if case.status != "open":
        return []
    regelkreis = regelkreis_for(tenant)
    phases = regelkreis.phases(case.case_type)
    current = regelkreis.index(case.case_type, case.phase)
    return [
        (p.key, p.label, i < current)
        for i, p in enumerate(phases)
        if i != current and p.key != "closure"
    ]


def move_to_phase(actor, tenant, case: Case, data: Mapping[str, Any]) -> Case:
    """Move to ``data["phase"]`` (with ``reason``; a newer ``version`` is a conflict)."""
    access.ensure_case(actor, case)
    if case.status != "open":
        raise ValidationError({"phase": [_("The case is closed. Reopen it first.")]})
    values = load(PhaseMoveSchema(tenant=tenant, actor=actor, case=case), data)
    to_phase, reason = values["phase"], values["reason"]
    if values["version"] is not None and values["version"] != case.version:
        raise ConflictError({"phase": (case.phase, to_phase)})
    regelkreis = regelkreis_for(tenant)
    current = regelkreis.index(case.case_type, case.phase)
    wanted = regelkreis.index(case.case_type, to_phase)
    backwards = wanted < current
    errors: dict[str, list[str]] = {}
    if (backwards or wanted > current + 1) and not reason:
        errors["reason"] = [_("Going back or skipping a phase needs a reason.")]
    if not backwards:
        failures = requirement_problems(tenant, case, regelkreis.phase(case.case_type, to_phase))
        if failures:
            errors["phase"] = failures
    if errors:
        raise ValidationError(errors)
    old = case.phase
    case.phase = to_phase
    touch(case)
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase=old,
            to_phase=to_phase,
            reason=reason,
            actor_id=getattr(actor, "id", None),
            backwards=backwards,
        )
    )
    # Going back (re-assessment) restarts planning: the agreed plan stays as it was, and the next
    # change to the plan makes a new version (see help_plans.editable_plan).
    db.session.flush()
    audit.record(
        "case.phase_changed", actor=actor, obj=case, old=old, new=to_phase, backwards=backwards
    )
    hooks_for(tenant).lotse_case_phase_changed(case=case, old=old, new=to_phase)
    return case
