"""Who may open which case inside a tenant.

A case manager sees own cases, cases where they are the standing deputy, cases shared with them,
and the cases of colleagues they deputise for (time-boxed, approved). Coordinators read every case
of the tenant under Fachaufsicht; each such read is audited with its reason. Everyone else (local
administration, operators) sees no case data.
"""

from __future__ import annotations

from datetime import date

from flask import g, has_request_context
from sqlalchemy import and_, exists, or_, select, union

from core.auth.models import Membership
from core.auth.permissions import acting_member as _acting_user
from core.auth.permissions import current_permissions, registry
from core.cases.models import Case, CaseShare, Deputy
from core.db import db


def _deputising(user_id: int, today: date):
    """Conditions on ``Deputy``: ``user_id`` deputises today, approved where needed."""
    return (
        Deputy.deputy_id == user_id,
        Deputy.starts_on <= today,
        Deputy.ends_on >= today,
        Deputy.revoked_at.is_(None),
        or_(
            Deputy.cross_unit.is_(False),
            and_(
                Deputy.approved_by_absent_lead_id.is_not(None),
                Deputy.approved_by_deputy_lead_id.is_not(None),
            ),
        ),
    )


def _active_deputy_for(user_id: int, today: date):
    """Subquery condition: the case's manager is absent and ``user_id`` deputises, approved."""
    return exists(
        select(Deputy.id).where(
            Deputy.absent_id == Case.case_manager_id, *_deputising(user_id, today)
        )
    )


def visible_case_ids(user_id: int, *, status: str | None = None, today: date | None = None):
    """The ids of the cases ``user_id`` works on, as a UNION of four lookups an index serves
    each: own cases, standing deputy, shared, and the cases of colleagues they deputise for.

    The same cases as :func:`visible_condition`, for lists: one OR over the four made the
    database test every case of the tenant; the union reads only the user's own rows, so a
    case manager's list costs the same in a small and in a very large installation. ``status``
    narrows the own and deputy arms (the list's status filter applies to the result anyway)."""
    today = today or date.today()

    def cases_where(*conditions):
        stmt = select(Case.id).where(*conditions)
        return stmt.where(Case.status == status) if status else stmt

    absent = select(Deputy.absent_id).where(*_deputising(user_id, today))
    return union(
        cases_where(Case.case_manager_id == user_id),
        cases_where(Case.deputy_id == user_id),
        select(CaseShare.case_id).where(CaseShare.user_id == user_id),
        cases_where(Case.case_manager_id.in_(absent)),
    )


def visible_condition(user_id: int, *, supervise: bool, today: date | None = None):
    """SQL condition on ``Case`` for the cases ``user_id`` may see."""
    if supervise:
        return Case.id.is_not(None)
    today = today or date.today()
    shared = exists(
        select(CaseShare.id).where(CaseShare.case_id == Case.id, CaseShare.user_id == user_id)
    )
    return or_(
        Case.case_manager_id == user_id,
        Case.deputy_id == user_id,
        shared,
        _active_deputy_for(user_id, today),
    )


def can_supervise() -> bool:
    return "cases.supervise" in current_permissions()


def can_work() -> bool:
    return "cases.work" in current_permissions()


def access_reason(case: Case, user) -> str | None:
    """Why ``user`` may open ``case`` ("owner", "deputy", "shared", "substitute", "supervision"),
    or None."""
    if not can_work() and not can_supervise():
        return None
    if case.case_manager_id == user.id:
        return "owner"
    if case.deputy_id == user.id:
        return "deputy"
    from core.db import db

    if db.session.scalar(
        select(CaseShare.id).where(CaseShare.case_id == case.id, CaseShare.user_id == user.id)
    ):
        return "shared"
    today = date.today()
    if db.session.scalar(
        select(Case.id).where(Case.id == case.id, _active_deputy_for(user.id, today))
    ):
        return "substitute"
    if can_supervise():
        return "supervision"
    return None


def remember_reason(case: Case, reason: str) -> None:
    g.setdefault("case_access", {})[case.id] = reason


def get_case(case_id: int, user) -> Case | None:
    """The case if ``user`` may open it (else None: the caller answers 404). Records the reason."""
    case = db.session.scalar(select(Case).where(Case.id == case_id))
    if case is None:
        return None
    reason = access_reason(case, user)
    if reason is None:
        return None
    remember_reason(case, reason)
    return case


def supervises(user_id: int) -> bool:
    """Does ``user_id`` (not necessarily the signed-in user) hold Fachaufsicht in this tenant?"""
    membership = g.get("membership") if has_request_context() else None
    if membership is not None and membership.user_id == user_id:
        # The signed-in member: the request has checked and loaded this membership already.
        return can_supervise()
    roles = db.session.scalar(
        select(Membership.roles).where(Membership.user_id == user_id, Membership.active.is_(True))
    )
    return "cases.supervise" in registry().granted(roles or [])


def sees_a_case_of(person_id: int, user_id: int) -> bool:
    """Does ``user_id`` work on a case of ``person_id`` (own, deputy, shared, substitute)?"""
    return (
        db.session.scalar(
            select(Case.id)
            .where(Case.person_id == person_id, visible_condition(user_id, supervise=False))
            .limit(1)
        )
        is not None
    )


def may_open(user_id: int, case: Case) -> bool:
    """Could ``user_id`` open ``case`` (own, deputy, shared, substitute, or coordination)?"""
    return (
        db.session.scalar(
            select(Case.id).where(
                Case.id == case.id, visible_condition(user_id, supervise=supervises(user_id))
            )
        )
        is not None
    )


def ensure_case(actor, case: Case) -> str | None:
    """The write services' own visibility check: a case ``actor`` may not open is a 404 - the
    same answer as a case that does not exist, whichever view (HTML or API) called."""
    if not _acting_user(actor):
        return None
    reason = g.get("case_access", {}).get(case.id) or access_reason(case, actor)
    if reason is None:
        from werkzeug.exceptions import NotFound

        raise NotFound()
    remember_reason(case, reason)
    return reason


def may_hand_over(actor, case: Case) -> bool:
    """A new case manager or deputy: the case manager hands over, or coordination assigns."""
    if not _acting_user(actor):
        return True
    return ensure_case(actor, case) in ("owner", "supervision")


def may_share(actor, case: Case) -> bool:
    """Sharing a case on: those responsible for it (case manager, standing deputy, approved
    substitute) and coordination - never a colleague it is only shared with."""
    if not _acting_user(actor):
        return True
    return ensure_case(actor, case) in ("owner", "deputy", "substitute", "supervision")


def persons_with_visible_case(person_ids, user_id: int) -> set[int]:
    """Which of ``person_ids`` have a case ``user_id`` works on: :func:`sees_a_case_of` for a
    whole list in one statement."""
    if not person_ids:
        return set()
    return set(
        db.session.scalars(
            select(Case.person_id)
            .where(
                Case.person_id.in_(sorted(person_ids)),
                visible_condition(user_id, supervise=False),
            )
            .distinct()
        )
    )
