"""The cases blueprint and the helpers the case API modules share (``cases``, ``case_work``).

A case (or person) of another tenant, or one the user may not open, is a plain 404 - never a 403
that would confirm it exists.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import abort, g
from flask_smorest import Blueprint

from core.api.common import actor
from core.cases import access
from core.cases import services as cases
from core.cases.contacts import effort_minutes
from core.cases.models import Case
from core.cases.phases import allowed_moves
from core.cases.settings import regelkreis_for
from core.db import commit_keeping_loaded, db

cases_blp = Blueprint(
    "api_cases",
    __name__,
    url_prefix="/cases",
    description="Cases, the Regelkreis and case documentation",
)


def require_case_work() -> None:
    """Reading case lists needs case work or supervision; writing needs case work."""
    if not (access.can_work() or access.can_supervise()):
        abort(403)


def case_or_404(case_id: int) -> Case:
    case = cases.get_case(case_id, actor())
    if case is None:
        abort(404)
    return case


def writable_case(case_id: int) -> Case:
    case = case_or_404(case_id)
    if not access.can_work():
        abort(403)
    return case


T = TypeVar("T")


def write_case(case_id: int, write: Callable[[Case], T]) -> T:
    """Run one write on a case the user may work on and commit it as one transaction."""
    case = writable_case(case_id)
    result = write(case)
    db.session.commit()
    return result


def change_case(case_id: int, change: Callable[[Case], object]) -> dict:
    """Like ``write_case`` for a change of the case itself; answers with the changed case."""
    case = writable_case(case_id)
    change(case)
    db.session.commit()
    return case_detail(case)


def read(case: Case, part: str) -> None:
    """Audit the read of case content (with the access reason) and commit it."""
    cases.record_read(actor(), case, part)
    commit_keeping_loaded()  # the audit row only: what was loaded stays valid


def person_summary(person) -> dict:
    return {
        "id": person.id,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "birth_date": person.birth_date,
    }


def case_summary(case: Case, person) -> dict:
    return {
        "id": case.id,
        "number": case.number,
        "case_type": case.case_type,
        "phase": case.phase,
        "status": case.status,
        "case_manager_id": case.case_manager_id,
        "opened_on": case.opened_on,
        "closed_on": case.closed_on,
        "last_activity_at": case.last_activity_at,
        "person": person_summary(person),
    }


def case_detail(case: Case) -> dict:
    tenant = g.tenant
    regelkreis = regelkreis_for(tenant)
    case_type = regelkreis.case_types.get(case.case_type)
    phase = regelkreis.phase(case.case_type, case.phase) if case_type else None
    out = case_summary(case, case.person)
    out.update(
        case_type_label=str(case_type.label) if case_type else case.case_type,
        phase_label=str(phase.label) if phase else case.phase,
        topic=case.topic,
        access_path=case.access_path,
        source=case.source,
        warm_handover=case.warm_handover,
        deputy_id=case.deputy_id,
        org_unit_id=case.org_unit_id,
        closure_reason=case.closure_reason,
        closure_note=case.closure_note,
        evaluation=case.evaluation or {},
        follow_up_talk_on=case.follow_up_talk_on,
        effort_minutes=effort_minutes(case),
        access_reason=g.get("case_access", {}).get(case.id, ""),
        allowed_moves=[
            {"phase": key, "label": str(label), "backwards": backwards}
            for key, label, backwards in (allowed_moves(tenant, case) if case_type else [])
        ],
        version=case.version,
    )
    return out
