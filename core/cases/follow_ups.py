"""Follow-ups (Wiedervorlagen): manual ones, the automatic ones of the nightly job, and ticking
them off. Automatic follow-ups carry a ``source_key`` so every job run stays idempotent."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from core.audit import services as audit
from core.auth.permissions import acting_member
from core.cases import access
from core.cases.models import Case, FollowUp, HelpPlan, HelpPlanItem
from core.cases.schemas import FollowUpSchema
from core.cases.settings import case_settings
from core.dates import add_months
from core.db import db, utcnow
from core.persons.models import Person
from core.schemas import load


def ensure_follow_up(case, assignee_id, due_on, title, kind, source_key) -> FollowUp | None:
    """An automatic follow-up, once per ``source_key`` (``None`` if it exists already); the
    privacy jobs use it too."""
    existing = db.session.scalar(select(FollowUp).where(FollowUp.source_key == source_key))
    if existing is not None:
        return None
    follow_up = FollowUp(
        case_id=case.id if case else None,
        assignee_id=assignee_id,
        due_on=due_on,
        title=title,
        kind=kind,
        source_key=source_key,
    )
    db.session.add(follow_up)
    return follow_up


def plan_item_follow_up(case, item) -> FollowUp | None:
    """The follow-up of a help-plan measure with a due date (one per item and plan version)."""
    return ensure_follow_up(
        case,
        case.case_manager_id,
        item.due_on,
        item.measure[:300],
        "help_plan_due",
        f"plan-item:{item.id}",
    )


def add_follow_up(actor, data: Mapping[str, Any]) -> FollowUp:
    """A follow-up for oneself or a colleague, for the case ``data["case_id"]`` (404 if the actor
    may not open it) or on its own. A follow-up of a case goes only to a colleague who may open
    that case (share it first): the assignee's list shows the client's name."""
    values = load(FollowUpSchema(actor=actor), data)
    case = values["case"]
    follow_up = FollowUp(
        case_id=case.id if case else None,
        assignee_id=values["assignee_id"],
        due_on=values["due_on"],
        title=values["title"],
        kind="manual",
    )
    db.session.add(follow_up)
    db.session.flush()
    audit.record("follow_up.created", actor=actor, obj=follow_up, case=case.id if case else None)
    return follow_up


def complete_follow_up(actor, follow_up: FollowUp) -> FollowUp:
    """The assignee marks done, or someone who may open its case."""
    if acting_member(actor) and follow_up.assignee_id != actor.id:
        case = (
            db.session.scalar(select(Case).where(Case.id == follow_up.case_id))
            if follow_up.case_id
            else None
        )
        if case is None:
            from werkzeug.exceptions import NotFound

            raise NotFound()
        access.ensure_case(actor, case)
    if follow_up.done_at is None:
        follow_up.done_at = utcnow()
        follow_up.done_by_id = getattr(actor, "id", None)
        audit.record("follow_up.done", actor=actor, obj=follow_up)
    return follow_up


def mark_done(actor, follow_up_id: int) -> tuple[FollowUp, Case | None]:
    """ "Done" from a list (HTML and API): the follow-up and its case if ``actor`` may open it.

    A follow-up that is neither the actor's nor of a case they may open is a 404; an assignee
    who can no longer open the case (handed over) still ticks it off, and learns nothing more
    about the case than its id."""
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.id == follow_up_id))
    if follow_up is None:
        raise _not_found()
    case = access.get_case(follow_up.case_id, actor) if follow_up.case_id is not None else None
    if follow_up.assignee_id != getattr(actor, "id", None) and case is None:
        raise _not_found()
    return complete_follow_up(actor, follow_up), case


def _not_found():
    from werkzeug.exceptions import NotFound

    return NotFound()


def my_follow_ups(user, *, include_done=False):
    """Follow-ups assigned to ``user`` plus those of cases ``user`` deputises for today, as
    ``(follow_up, case, person)``. ``person`` is None for a case ``user`` cannot open (any more:
    handed over, deputy period ended): the list then shows the case number only, never the
    client's name or the follow-up's text."""
    visible = select(Case.id).where(
        access.visible_condition(user.id, supervise=access.supervises(user.id))
    )
    stmt = (
        select(FollowUp, Case, Person, Case.id.in_(visible))
        .outerjoin(Case, Case.id == FollowUp.case_id)
        .outerjoin(Person, Person.id == Case.person_id)
        .where(
            (FollowUp.assignee_id == user.id)
            | (
                FollowUp.case_id.in_(
                    select(Case.id).where(access._active_deputy_for(user.id, date.today()))
                )
            )
        )
    )
    if not include_done:
        stmt = stmt.where(FollowUp.done_at.is_(None))
    # Restricted files (Art. 18) leave the lists; answering a data-subject request does not wait.
    stmt = stmt.where(Person.restricted_at.is_(None) | (FollowUp.kind == "privacy_request"))
    rows = db.session.execute(stmt.order_by(FollowUp.due_on, FollowUp.id)).all()
    return [(f, c, p if c is None or seen else None) for f, c, p, seen in rows]


def case_follow_ups(case: Case):
    return list(
        db.session.scalars(
            select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)
        )
    )


def generate_follow_ups(tenant, today: date | None = None) -> dict[str, int]:
    """The job behind ``lotse jobs follow-ups``: residence permits about to expire, cases without
    activity, help-plan items due, plus what the follow-up sources of the other core domains and
    of the tenant's plugins say is due. Idempotent through ``source_key``."""
    today = today or date.today()
    settings = case_settings(tenant)
    created = {"residence_expiry": 0, "inactivity": 0, "help_plan_due": 0}
    horizon = today + timedelta(days=settings.residence_warning_days)
    rows = db.session.execute(
        select(Case, Person)
        .join(Person, Person.id == Case.person_id)
        .where(
            Case.status == "open",
            Person.residence_valid_until.is_not(None),
            Person.residence_valid_until <= horizon,
        )
    ).all()
    for case, person in rows:
        until = person.residence_valid_until
        assert until is not None  # the query selects only persons with an end date
        key = f"residence:{person.id}:{until.isoformat()}"
        due = max(today, until - timedelta(days=30))
        if ensure_follow_up(
            case,
            case.case_manager_id,
            due,
            _(
                "Residence permit expires on %(date)s",
                date=until.strftime("%d.%m.%Y"),
            ),
            "residence_expiry",
            key,
        ):
            created["residence_expiry"] += 1
    cutoff = add_months(utcnow(), -settings.inactivity_months)
    for case in db.session.scalars(
        select(Case).where(Case.status == "open", Case.last_activity_at < cutoff)
    ):
        key = f"inactive:{case.id}:{case.last_activity_at.date().isoformat()}"
        if ensure_follow_up(
            case,
            case.case_manager_id,
            today,
            _("No activity for %(n)d months: continue or close?", n=settings.inactivity_months),
            "inactivity",
            key,
        ):
            created["inactivity"] += 1
    items = db.session.execute(
        select(HelpPlanItem, HelpPlan, Case)
        .join(HelpPlan, HelpPlan.id == HelpPlanItem.plan_id)
        .join(Case, Case.id == HelpPlan.case_id)
        .where(
            HelpPlan.status == "agreed",
            HelpPlanItem.due_on.is_not(None),
            HelpPlanItem.status.in_(("open", "in_progress")),
            Case.status == "open",
        )
    ).all()
    for item, _plan, case in items:
        if plan_item_follow_up(case, item):
            created["help_plan_due"] += 1
    # The other domains' and the plugins' sources (e.g. core.consent: releases running out).
    from core.cases.follow_up_sources import due_follow_ups

    for source, entries in due_follow_ups(tenant, today):
        created[source.key] = 0
        for entry in entries:
            assignee = entry.assignee_id or (entry.case.case_manager_id if entry.case else None)
            title = str(entry.title)[:300]
            if ensure_follow_up(
                entry.case, assignee, entry.due_on, title, source.key, entry.source_key
            ):
                created[source.key] += 1
    db.session.flush()
    return created
