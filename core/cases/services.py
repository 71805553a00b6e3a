"""Case work services, shared by the HTML views, the JSON API, the CLI and jobs.

Every function writes into the running transaction and never commits: the caller (a view through
``core.web.run_write``, the API, a job) commits once, so a failing step leaves nothing behind.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import g
from flask_babel import gettext as _
from sqlalchemy import func, select, update

from core import events
from core.audit import services as audit
from core.auth.models import Membership, User
from core.auth.permissions import registry
from core.auth.services import ValidationError
from core.cases import access
from core.cases.models import (
    ACCESS_PATHS,
    CLOSURE_REASONS,
    CONTACT_CHANNELS,
    EVALUATION_DIMENSIONS,
    GOAL_STATUSES,
    ITEM_RESPONSIBLES,
    ITEM_STATUSES,
    AccessDecision,
    Case,
    CaseShare,
    Contact,
    Deputy,
    FollowUp,
    Goal,
    HelpPlan,
    HelpPlanItem,
    PhaseTransition,
)
from core.cases.requirements import requirement_problems
from core.cases.settings import case_settings, regelkreis_for
from core.dates import add_months
from core.db import db, utcnow
from core.documentation.models import JournalEntry
from core.persons.models import Person
from core.persons.services import ConflictError, _parse_date, flush_or_conflict
from core.tenancy.models import OrgUnit


def _hooks(tenant):
    from core.plugins.relay import relay_for

    return (
        g.hooks
        if g.get("hooks") is not None and g.get("tenant") is not None and g.tenant.id == tenant.id
        else relay_for(tenant)
    )


def _text(data, field, limit, errors, *, required=False, message=None):
    value = str(data.get(field) or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(message or _("This field is required."))
    if len(value) > limit:
        errors.setdefault(field, []).append(_("Please enter at most %(n)d characters.", n=limit))
    return value


def _choice(data, field, choices, errors, *, required=True, default=""):
    value = data.get(field) or default
    if (required or value) and value not in choices:
        errors.setdefault(field, []).append(_("Please choose a value from the list."))
    return value


def _int(data, field, errors, *, minimum=None, maximum=None, required=False):
    raw = data.get(field)
    if raw in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("This field is required."))
        return None
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("Please enter a whole number."))
        return None
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        errors.setdefault(field, []).append(
            _("Please enter a number between %(min)d and %(max)d.", min=minimum, max=maximum)
        )
    return value


def _member_user(user_id, errors, field) -> int | None:
    if user_id in (None, ""):
        return None
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        errors.setdefault(field, []).append(_("Please choose a person from the list."))
        return None
    membership = db.session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.active.is_(True))
    )
    if membership is None:
        errors.setdefault(field, []).append(_("Please choose a person from the list."))
        return None
    return user_id


def _case_worker(user_id, errors, field) -> int | None:
    """A colleague who can hold cases (case management or coordination) in the bound tenant;
    anyone else - another tenant's account, the local administration - is "not in the list"."""
    user_id = _member_user(user_id, errors, field)
    if user_id is None:
        return None
    roles = db.session.scalar(
        select(Membership.roles).where(Membership.user_id == user_id, Membership.active.is_(True))
    )
    if not ({"case_manager", "coordinator"} & set(roles or [])):
        errors.setdefault(field, []).append(_("Please choose a person from the list."))
        return None
    return user_id


def _org_unit(data, errors) -> int | None:
    """An org unit id from the form, checked to exist in the bound tenant."""
    raw = data.get("org_unit_id") or None
    if raw is None:
        return None
    try:
        unit_id = int(raw)
    except (TypeError, ValueError):
        unit_id = -1
    if db.session.scalar(select(OrgUnit.id).where(OrgUnit.id == unit_id)) is None:
        errors.setdefault("org_unit_id", []).append(_("Please choose an org unit from the list."))
        return None
    return unit_id


def case_workers() -> list[User]:
    """Members who can hold cases (case managers and coordinators) of the bound tenant."""
    rows = db.session.scalars(
        select(Membership)
        .where(Membership.active.is_(True))
        .join(User, User.id == Membership.user_id)
        .order_by(User.display_name)
    ).all()
    return [m.user for m in rows if {"case_manager", "coordinator"} & set(m.roles)]


def _belongs(ok: bool) -> None:
    """A goal, plan or item named together with a case must be of that case (else: 404)."""
    if not ok:
        from werkzeug.exceptions import NotFound

        raise NotFound()


# --- reading -------------------------------------------------------------------------------


def get_case(case_id: int, user) -> Case | None:
    """The case if ``user`` may open it (else None: the caller answers 404). Records the reason."""
    case = db.session.scalar(select(Case).where(Case.id == case_id))
    if case is None:
        return None
    reason = access.access_reason(case, user)
    if reason is None:
        return None
    access.remember_reason(case, reason)
    return case


def record_read(actor, case: Case, what: str = "case_file") -> None:
    """Audit a read of the case file (content-free: ids and the access reason)."""
    reason = g.get("case_access", {}).get(case.id, "owner")
    audit.record("case.read", actor=actor, obj=case, part=what, via=reason)


def case_list(user, *, status="open", mine_only=False, search="", phase="", page=1, per_page=50):
    supervise = access.can_supervise() and not mine_only
    stmt = (
        select(Case, Person)
        .join(Person, Person.id == Case.person_id)
        .where(access.visible_condition(user.id, supervise=supervise))
        # Restricted (Art. 18) and anonymised files are out of every standard list.
        .where(Person.restricted_at.is_(None), Person.anonymised_at.is_(None))
    )
    if status in ("open", "closed"):
        stmt = stmt.where(Case.status == status)
    if phase:
        stmt = stmt.where(Case.phase == phase)
    if search:
        from core.persons.phonetics import fold

        needle = fold(search)
        stmt = stmt.where(
            (Person.sort_name.contains(needle)) | (Case.number.contains(search.strip()))
        )
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery()))
    rows = db.session.execute(
        stmt.order_by(Case.last_activity_at.desc(), Case.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return rows, total


# --- opening -------------------------------------------------------------------------------


def _next_number(today: date) -> str:
    """Never ``max()+1`` over surviving cases: an erased case's number would come back."""
    from core.cases.numbering import next_number

    return next_number(today)


def open_case(actor, tenant, person: Person, data: dict) -> Case:
    from core.persons.services import ensure_person

    ensure_person(actor, person)
    errors: dict[str, list[str]] = {}
    regelkreis = regelkreis_for(tenant)
    settings = case_settings(tenant)
    case_type = _choice(data, "case_type", list(regelkreis.case_types), errors)
    access_path = _choice(data, "access_path", ACCESS_PATHS, errors, required=False)
    source = _choice(data, "source", list(settings.sources), errors, required=False)
    needs_topic = case_type in regelkreis.case_types and regelkreis.case_type(case_type).needs_topic
    topic = _text(
        data,
        "topic",
        300,
        errors,
        required=needs_topic,
        message=_("This kind of case is about one topic: please name it."),
    )
    manager_id = _case_worker(
        data.get("case_manager_id") or getattr(actor, "id", None), errors, "case_manager_id"
    )
    deputy_id = _case_worker(data.get("deputy_id"), errors, "deputy_id")
    org_unit_id = _org_unit(data, errors)
    opened_on = _parse_date(data.get("opened_on"), "opened_on", errors) or date.today()
    _lock_person(person)
    if db.session.scalar(select(Case.id).where(Case.person_id == person.id, Case.status == "open")):
        errors.setdefault("person", []).append(
            _("This person already has an open case. One person, one case.")
        )
    if errors:
        raise ValidationError(errors)
    if org_unit_id is None and manager_id:
        org_unit_id = db.session.scalar(
            select(Membership.org_unit_id).where(Membership.user_id == manager_id)
        )
    case = Case(
        number=_next_number(opened_on),
        person_id=person.id,
        case_type=case_type,
        phase=regelkreis.first_phase(case_type),
        topic=topic,
        access_path=access_path,
        source=source,
        warm_handover=bool(data.get("warm_handover")),
        case_manager_id=manager_id,
        deputy_id=deputy_id,
        org_unit_id=org_unit_id,
        opened_on=opened_on,
        last_activity_at=utcnow(),
        evaluation={},
    )
    db.session.add(case)
    db.session.flush()
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase="",
            to_phase=case.phase,
            actor_id=getattr(actor, "id", None),
            reason=_("Case opened"),
        )
    )
    audit.record("case.created", actor=actor, obj=case, case_type=case_type)
    _hooks(tenant).lotse_case_created(case=case)
    return case


def _lock_person(person: Person | None) -> None:
    """One person, one open case - also for two simultaneous requests: the person row is locked
    until commit, so the second one sees the first one's case. PostgreSQL: ``FOR UPDATE``.
    SQLite has no row locks and Python's driver begins the transaction only at the first write,
    so the check before it would read outside any transaction; a no-op write to the person row
    takes the database's write lock first (the others wait, then see the new case)."""
    if person is None:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(Person.id).where(Person.id == person.id).with_for_update())
    else:
        db.session.execute(
            update(Person)
            .where(Person.id == person.id)
            .values(id=Person.id)
            .execution_options(synchronize_session=False)
        )


CASE_FIELDS = (
    "case_manager_id",
    "deputy_id",
    "org_unit_id",
    "access_path",
    "source",
    "warm_handover",
    "topic",
)


def update_case(actor, tenant, case: Case, data: dict, *, expected_version=None) -> Case:
    """Change the case data (responsibility, access); concurrent saves end in a ConflictError."""
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    settings = case_settings(tenant)
    regelkreis = regelkreis_for(tenant)
    values = {
        "case_manager_id": _case_worker(data.get("case_manager_id"), errors, "case_manager_id"),
        "deputy_id": _case_worker(data.get("deputy_id"), errors, "deputy_id"),
        "access_path": _choice(data, "access_path", ACCESS_PATHS, errors, required=False),
        "source": _choice(data, "source", list(settings.sources), errors, required=False),
        "warm_handover": bool(data.get("warm_handover")),
        "topic": _text(
            data,
            "topic",
            300,
            errors,
            required=regelkreis.case_type(case.case_type).needs_topic,
            message=_("This kind of case is about one topic: please name it."),
        ),
    }
    if values["case_manager_id"] is None and "case_manager_id" not in errors:
        errors["case_manager_id"] = [_("Please choose a person from the list.")]
    values["org_unit_id"] = _org_unit(data, errors)
    if values["deputy_id"] is not None and values["deputy_id"] == values["case_manager_id"]:
        errors["deputy_id"] = [_("Please choose another person as deputy.")]
    if not access.may_hand_over(actor, case):
        for field in ("case_manager_id", "deputy_id"):
            if field not in errors and values[field] != getattr(case, field):
                errors[field] = [
                    _(
                        "Only the case manager can hand the case over; otherwise coordination assigns it."
                    )
                ]
    if errors:
        raise ValidationError(errors)
    if expected_version is not None and expected_version != case.version:
        raise ConflictError(
            {f: (getattr(case, f), values[f]) for f in CASE_FIELDS if getattr(case, f) != values[f]}
        )
    changed = [f for f in CASE_FIELDS if getattr(case, f) != values[f]]
    if "case_manager_id" in changed and case.case_manager_id is not None:
        # A hand-over takes the open follow-ups of the previous case manager along: they would
        # otherwise sit with someone who can no longer open the case.
        for follow_up in db.session.scalars(
            select(FollowUp).where(
                FollowUp.case_id == case.id,
                FollowUp.assignee_id == case.case_manager_id,
                FollowUp.done_at.is_(None),
            )
        ):
            follow_up.assignee_id = values["case_manager_id"]
    for field in changed:
        setattr(case, field, values[field])
    flush_or_conflict(case, CASE_FIELDS, values)
    if changed:
        audit.record("case.changed", actor=actor, obj=case, fields=changed)
    return case


def touch(case: Case) -> None:
    """Note activity on the case without a new version: a journal entry or a contact is no
    change of the case data, so it must not turn a colleague's open case form into a conflict
    (nor two simultaneous entries into one)."""
    db.session.execute(update(Case).where(Case.id == case.id).values(last_activity_at=utcnow()))


# --- the Regelkreis ------------------------------------------------------------------------


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


def move_to_phase(
    actor, tenant, case: Case, to_phase: str, reason: str = "", *, expected_version=None
) -> Case:
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    regelkreis = regelkreis_for(tenant)
    if expected_version is not None and expected_version != case.version:
        raise ConflictError({"phase": (case.phase, to_phase)})
    if case.status != "open":
        raise ValidationError({"phase": [_("The case is closed. Reopen it first.")]})
    target = regelkreis.phase(case.case_type, to_phase)
    if target is None or to_phase == "closure":
        raise ValidationError({"phase": [_("Please choose a value from the list.")]})
    current = regelkreis.index(case.case_type, case.phase)
    wanted = regelkreis.index(case.case_type, to_phase)
    reason = (reason or "").strip()
    backwards = wanted < current
    skipping = wanted > current + 1
    if (backwards or skipping) and not reason:
        errors["reason"] = [_("Going back or skipping a phase needs a reason.")]
    if len(reason) > 2000:
        errors["reason"] = [_("Please enter at most %(n)d characters.", n=2000)]
    if not backwards:
        failures = requirement_problems(tenant, case, target)
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
    # change to the plan makes a new version (see editable_plan).
    db.session.flush()
    audit.record(
        "case.phase_changed", actor=actor, obj=case, old=old, new=to_phase, backwards=backwards
    )
    _hooks(tenant).lotse_case_phase_changed(case=case, old=old, new=to_phase)
    return case


def record_access_decision(actor, case: Case, data: dict) -> AccessDecision:
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    admitted = data.get("admitted")
    if admitted in ("1", "true", True, "yes"):
        admitted = True
    elif admitted in ("0", "false", False, "no"):
        admitted = False
    else:
        errors["admitted"] = [_("Please decide: admitted or not.")]
    target_group = _text(data, "target_group", 200, errors)
    reason = _text(
        data,
        "reason",
        4000,
        errors,
        required=True,
        message=_("Please give the reason for the decision."),
    )
    decided_on = _parse_date(data.get("decided_on"), "decided_on", errors) or date.today()
    if errors:
        raise ValidationError(errors)
    decision = AccessDecision(
        case_id=case.id,
        admitted=admitted,
        target_group=target_group,
        reason=reason,
        decided_on=decided_on,
        actor_id=getattr(actor, "id", None),
    )
    db.session.add(decision)
    touch(case)
    db.session.flush()
    audit.record("case.access_decided", actor=actor, obj=case, admitted=admitted)
    return decision


def convert_to_case_management(actor, tenant, case: Case, reason: str) -> Case:
    access.ensure_case(actor, case)
    regelkreis = regelkreis_for(tenant)
    if not regelkreis.case_type(case.case_type).convertible:
        raise ValidationError({"case_type": [_("This case cannot be converted.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Please give a reason.")]})
    old_type, old_phase = case.case_type, case.phase
    case.case_type = "case_management"
    case.phase = "access_check"
    touch(case)
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase=old_phase,
            to_phase=case.phase,
            reason=reason.strip()[:2000],
            actor_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    audit.record("case.converted", actor=actor, obj=case, old_type=old_type)
    return case


# --- documentation -------------------------------------------------------------------------


def add_contact(actor, tenant, case: Case, data: dict) -> Contact:
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    contact_on = _parse_date(data.get("contact_on"), "contact_on", errors)
    if contact_on is None and "contact_on" not in errors:
        errors["contact_on"] = [_("Please enter the date of the contact.")]
    elif contact_on and contact_on > date.today():
        errors["contact_on"] = [
            _("A contact cannot lie in the future. Use a follow-up for planned dates.")
        ]
    duration = _int(data, "duration_minutes", errors, minimum=1, maximum=600, required=True)
    channel = _choice(data, "channel", CONTACT_CHANNELS, errors)
    participants = _text(data, "participants", 300, errors)
    summary = _text(data, "summary", 20000, errors)
    regelkreis = regelkreis_for(tenant)
    limit = (
        regelkreis.case_type(case.case_type).session_limit
        if case.case_type in regelkreis.case_types
        else None
    )
    if limit is not None:
        held = db.session.scalar(select(func.count(Contact.id)).where(Contact.case_id == case.id))
        if held >= limit and not str(data.get("over_limit_reason") or "").strip():
            errors["over_limit_reason"] = [
                _(
                    "A short counselling has at most %(n)d sessions. Give a reason for another one or convert the case to case management.",
                    n=limit,
                )
            ]
    if case.status != "open":
        errors.setdefault("case", []).append(_("The case is closed. Reopen it first."))
    if errors:
        raise ValidationError(errors)
    if limit is not None and data.get("over_limit_reason"):
        summary = f"{summary}\n\n[{_('Beyond the session limit')}: {str(data['over_limit_reason']).strip()[:500]}]".strip()
    contact = Contact(
        case_id=case.id,
        contact_on=contact_on,
        duration_minutes=duration,
        channel=channel,
        participants=participants,
        interpreter_used=bool(data.get("interpreter_used")),
        summary=summary,
        author_id=getattr(actor, "id", None),
    )
    db.session.add(contact)
    touch(case)
    db.session.flush()
    audit.record("case.contact_added", actor=actor, obj=case, contact=contact.id)
    return contact


def add_journal_entry(actor, case: Case, data: dict) -> JournalEntry:
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    text = _text(data, "text", 20000, errors, required=True, message=_("Please write the entry."))
    effort = _int(data, "effort_minutes", errors, minimum=0, maximum=600) or 0
    if errors:
        raise ValidationError(errors)
    entry = JournalEntry(
        case_id=case.id, text=text, effort_minutes=effort, author_id=getattr(actor, "id", None)
    )
    db.session.add(entry)
    touch(case)
    db.session.flush()
    audit.record("case.journal_added", actor=actor, obj=case, entry=entry.id)
    return entry


def contacts(case: Case) -> list[Contact]:
    return list(
        db.session.scalars(
            select(Contact)
            .where(Contact.case_id == case.id)
            .order_by(Contact.contact_on.desc(), Contact.id.desc())
        )
    )


def journal_entries(case: Case) -> list[JournalEntry]:
    return list(
        db.session.scalars(
            select(JournalEntry)
            .where(JournalEntry.case_id == case.id)
            .order_by(JournalEntry.at.desc(), JournalEntry.id.desc())
        )
    )


def effort_minutes(case: Case) -> int:
    contacts = db.session.scalar(
        select(func.coalesce(func.sum(Contact.duration_minutes), 0)).where(
            Contact.case_id == case.id
        )
    )
    journal = db.session.scalar(
        select(func.coalesce(func.sum(JournalEntry.effort_minutes), 0)).where(
            JournalEntry.case_id == case.id
        )
    )
    return int(contacts) + int(journal)


# --- goals and help plans ------------------------------------------------------------------


GOAL_FIELDS = (
    "life_area",
    "title",
    "indicator",
    "priority",
    "target_date",
    "status",
    "achievement",
    "achievement_note",
)


def save_goal(
    actor, tenant, case: Case, goal: Goal | None, data: dict, *, expected_version=None
) -> Goal:
    access.ensure_case(actor, case)
    _belongs(goal is None or goal.case_id == case.id)
    errors: dict[str, list[str]] = {}
    settings = case_settings(tenant)
    values = {
        "life_area": _choice(data, "life_area", list(settings.life_areas), errors),
        "title": _text(
            data, "title", 300, errors, required=True, message=_("Please describe the goal.")
        ),
        "indicator": _text(data, "indicator", 4000, errors),
        "priority": _int(data, "priority", errors, minimum=1, maximum=3) or 2,
        "target_date": _parse_date(data.get("target_date"), "target_date", errors),
        "status": _choice(data, "status", GOAL_STATUSES, errors, default="open"),
        "achievement": _int(data, "achievement", errors, minimum=0, maximum=4),
        "achievement_note": _text(data, "achievement_note", 4000, errors),
    }
    if errors:
        raise ValidationError(errors)
    if goal is not None and expected_version is not None and expected_version != goal.version:
        raise ConflictError(
            {f: (getattr(goal, f), values[f]) for f in GOAL_FIELDS if getattr(goal, f) != values[f]}
        )
    created = goal is None
    if created:
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


def plans(case: Case) -> list[HelpPlan]:
    return list(
        db.session.scalars(
            select(HelpPlan).where(HelpPlan.case_id == case.id).order_by(HelpPlan.number.desc())
        )
    )


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


def save_plan_item(
    actor, case: Case, plan: HelpPlan, item: HelpPlanItem | None, data: dict
) -> HelpPlanItem:
    access.ensure_case(actor, case)
    _belongs(plan.case_id == case.id and (item is None or item.plan_id == plan.id))
    if plan.status != "draft":
        raise ValidationError(
            {"plan": [_("An agreed help plan cannot be changed. Edit the new draft instead.")]}
        )
    errors: dict[str, list[str]] = {}
    goal_id = data.get("goal_id") or None
    if goal_id is not None:
        try:
            goal_id = int(goal_id)
        except (TypeError, ValueError):
            goal_id = -1
        if (
            db.session.scalar(select(Goal.id).where(Goal.id == goal_id, Goal.case_id == case.id))
            is None
        ):
            errors["goal_id"] = [_("Please choose a goal of this case.")]
    measure = _text(
        data, "measure", 2000, errors, required=True, message=_("Please describe the measure.")
    )
    responsible = _choice(data, "responsible", ITEM_RESPONSIBLES, errors)
    partner_name = _text(
        data,
        "partner_name",
        200,
        errors,
        required=responsible == "partner",
        message=_("Please name the network partner."),
    )
    due_on = _parse_date(data.get("due_on"), "due_on", errors)
    status = _choice(data, "status", ITEM_STATUSES, errors, default="open")
    if errors:
        raise ValidationError(errors)
    if item is None:
        position = (
            db.session.scalar(
                select(func.coalesce(func.max(HelpPlanItem.position), 0)).where(
                    HelpPlanItem.plan_id == plan.id
                )
            )
            + 1
        )
        item = HelpPlanItem(plan_id=plan.id, position=position)
        plan.items.append(item)  # keeps the loaded plan in step (agree_plan reads plan.items)
    item.goal_id, item.measure, item.responsible = goal_id, measure, responsible
    item.partner_name, item.due_on, item.status = partner_name, due_on, status
    touch(case)
    db.session.flush()
    audit.record("case.plan_item_saved", actor=actor, obj=case, plan=plan.id, item=item.id)
    return item


def agree_plan(actor, case: Case, plan: HelpPlan, data: dict, *, expected_version=None) -> HelpPlan:
    """Freeze the draft as the agreed plan; the previous agreed version is superseded."""
    access.ensure_case(actor, case)
    _belongs(plan.case_id == case.id)
    errors: dict[str, list[str]] = {}
    if expected_version is not None and expected_version != plan.version:
        raise ConflictError({"plan": (plan.status, "agreed")})
    if plan.status != "draft":
        errors["plan"] = [_("This version is agreed already.")]
    if not plan.items:
        errors.setdefault("plan", []).append(_("A help plan needs at least one measure."))
    agreed_on = _parse_date(data.get("agreed_on"), "agreed_on", errors) or date.today()
    review_on = _parse_date(data.get("review_on"), "review_on", errors)
    if review_on is None and "review_on" not in errors:
        errors["review_on"] = [_("Please agree a review date (Überprüfungszeitraum).")]
    elif review_on and review_on < agreed_on:
        errors["review_on"] = [_("The review date must lie after the agreement.")]
    if errors:
        raise ValidationError(errors)
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
    plan.agreed_on = agreed_on
    plan.review_on = review_on
    plan.agreed_by_client = bool(data.get("agreed_by_client"))
    touch(case)
    ensure_follow_up(
        case,
        case.case_manager_id,
        review_on,
        _("Review the help plan"),
        "goal_review",
        f"plan-review:{plan.id}",
    )
    for item in plan.items:
        if item.due_on and item.status in ("open", "in_progress"):
            ensure_follow_up(
                case,
                case.case_manager_id,
                item.due_on,
                item.measure[:300],
                "help_plan_due",
                f"plan-item:{item.id}",
            )
    db.session.flush()
    audit.record("case.plan_agreed", actor=actor, obj=case, plan=plan.id, number=plan.number)
    return plan


# --- follow-ups ----------------------------------------------------------------------------


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


def add_follow_up(actor, case: Case | None, data: dict) -> FollowUp:
    """A follow-up for oneself or a colleague. A follow-up of a case goes only to a colleague who
    may open that case (share it first): the assignee's list shows the client's name."""
    if case is not None:
        access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    due_on = _parse_date(data.get("due_on"), "due_on", errors)
    if due_on is None and "due_on" not in errors:
        errors["due_on"] = [_("Please enter the date.")]
    title = _text(
        data, "title", 300, errors, required=True, message=_("Please enter what is to be checked.")
    )
    assignee_id = _case_worker(
        data.get("assignee_id") or getattr(actor, "id", None), errors, "assignee_id"
    )
    if case is not None and assignee_id is not None and not may_open(assignee_id, case):
        errors["assignee_id"] = [
            _(
                "This colleague cannot open the case. Share the case with them first, or choose someone else."
            )
        ]
    if errors:
        raise ValidationError(errors)
    follow_up = FollowUp(
        case_id=case.id if case else None,
        assignee_id=assignee_id,
        due_on=due_on,
        title=title,
        kind="manual",
    )
    db.session.add(follow_up)
    db.session.flush()
    audit.record("follow_up.created", actor=actor, obj=follow_up, case=case.id if case else None)
    return follow_up


def may_open(user_id: int, case: Case) -> bool:
    """Could ``user_id`` open ``case`` (own, deputy, shared, substitute, or coordination)?"""
    return (
        db.session.scalar(
            select(Case.id).where(
                Case.id == case.id,
                access.visible_condition(user_id, supervise=_supervises(user_id)),
            )
        )
        is not None
    )


def complete_follow_up(actor, follow_up: FollowUp) -> FollowUp:
    """The assignee marks done, or someone who may open its case."""
    if access._acting_user(actor) and follow_up.assignee_id != actor.id:
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


def my_follow_ups(user, *, include_done=False):
    """Follow-ups assigned to ``user`` plus those of cases ``user`` deputises for today, as
    ``(follow_up, case, person)``. ``person`` is None for a case ``user`` cannot open (any more:
    handed over, deputy period ended): the list then shows the case number only, never the
    client's name or the follow-up's text."""
    visible = select(Case.id).where(
        access.visible_condition(user.id, supervise=_supervises(user.id))
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


def _supervises(user_id: int) -> bool:
    roles = db.session.scalar(
        select(Membership.roles).where(Membership.user_id == user_id, Membership.active.is_(True))
    )
    return "cases.supervise" in registry().granted(roles or [])


def case_follow_ups(case: Case):
    return list(
        db.session.scalars(
            select(FollowUp).where(FollowUp.case_id == case.id).order_by(FollowUp.due_on)
        )
    )


def generate_follow_ups(tenant, today: date | None = None) -> dict[str, int]:
    """The job behind ``lotse jobs follow-ups``: residence permits about to expire, cases without
    activity, help-plan items due, plus what the tenant's plugins' follow-up sources say is due.
    Idempotent through ``source_key``."""
    today = today or date.today()
    settings = case_settings(tenant)
    created = {"residence_expiry": 0, "inactivity": 0, "help_plan_due": 0, "consent_expiry": 0}
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
        key = f"residence:{person.id}:{person.residence_valid_until.isoformat()}"
        due = max(today, person.residence_valid_until - timedelta(days=30))
        if ensure_follow_up(
            case,
            case.case_manager_id,
            due,
            _(
                "Residence permit expires on %(date)s",
                date=person.residence_valid_until.strftime("%d.%m.%Y"),
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
        if ensure_follow_up(
            case,
            case.case_manager_id,
            item.due_on,
            item.measure[:300],
            "help_plan_due",
            f"plan-item:{item.id}",
        ):
            created["help_plan_due"] += 1
    created["consent_expiry"] = _consent_expiry_follow_ups(today)
    from core.cases.follow_up_sources import due_follow_ups

    for source, items in due_follow_ups(tenant, today):
        created[source.key] = 0
        for item in items:
            assignee = item.assignee_id or (item.case.case_manager_id if item.case else None)
            title = str(item.title)[:300]
            if ensure_follow_up(
                item.case, assignee, item.due_on, title, source.key, item.source_key
            ):
                created[source.key] += 1
    db.session.flush()
    return created


def _consent_expiry_follow_ups(today: date) -> int:
    """A confidentiality release that runs out within 30 days, with no later one standing in for
    it, reminds the case manager to renew it before the next disclosure is refused."""
    from core.consent import services as consent
    from core.consent.models import ConsentRecord

    horizon = today + timedelta(days=30)
    expiring = db.session.scalars(
        select(ConsentRecord).where(
            ConsentRecord.kind == "confidentiality_release",
            ConsentRecord.valid_until.is_not(None),
            ConsentRecord.valid_until >= today,
            ConsentRecord.valid_until <= horizon,
        )
    ).all()
    created = 0
    for record in expiring:
        records = [
            r
            for r in db.session.scalars(
                select(ConsentRecord).where(
                    ConsentRecord.person_id == record.person_id,
                    ConsentRecord.kind == "confidentiality_release",
                )
            )
        ]
        revocations = consent._revocations([r.id for r in records])
        if consent.status(record, revocations.get(record.id, []), today) == "revoked":
            continue
        if any(
            r.id != record.id
            and (r.valid_until is None or r.valid_until > record.valid_until)
            and consent.status(r, revocations.get(r.id, []), today) != "revoked"
            for r in records
        ):
            continue
        case = db.session.scalar(
            select(Case)
            .where(Case.person_id == record.person_id, Case.status == "open")
            .order_by(Case.id.desc())
            .limit(1)
        )
        if case is None:
            continue
        if ensure_follow_up(
            case,
            case.case_manager_id,
            max(today, record.valid_until - timedelta(days=14)),
            _(
                "Confidentiality release expires on %(date)s: renew it",
                date=record.valid_until.strftime("%d.%m.%Y"),
            ),
            "consent_expiry",
            f"consent-expiry:{record.id}:{record.valid_until.isoformat()}",
        ):
            created += 1
    return created


# --- closure -------------------------------------------------------------------------------


def close_case(actor, tenant, case: Case, data: dict, *, expected_version=None) -> Case:
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    if expected_version is not None and expected_version != case.version:
        raise ConflictError({"status": (case.status, "closed")})
    if case.status != "open":
        errors["case"] = [_("The case is closed already.")]
    reason = _choice(data, "closure_reason", CLOSURE_REASONS, errors)
    note = _text(
        data,
        "closure_note",
        4000,
        errors,
        required=reason == "other",
        message=_("Please describe the reason."),
    )
    closed_on = _parse_date(data.get("closed_on"), "closed_on", errors) or date.today()
    if closed_on < case.opened_on:
        errors["closed_on"] = [_("A case cannot close before it was opened.")]
    evaluation = {}
    for dimension in EVALUATION_DIMENSIONS:
        value = _int(data, f"evaluation_{dimension}", errors, minimum=1, maximum=5)
        if value is not None:
            evaluation[dimension] = value
    comment = _text(data, "evaluation_comment", 4000, errors)
    if comment:
        evaluation["comment"] = comment
    follow_up_talk_on = _parse_date(data.get("follow_up_talk_on"), "follow_up_talk_on", errors)
    if follow_up_talk_on and follow_up_talk_on < closed_on:
        errors["follow_up_talk_on"] = [_("The follow-up talk must lie after the closure.")]
    ratings = {}
    for goal in goals(case):
        value = _int(data, f"goal_{goal.id}", errors, minimum=0, maximum=4)
        if value is not None:
            ratings[goal] = value
    known = {f"goal_{goal.id}" for goal in goals(case)}
    for key in data:
        if key.startswith("goal_") and key not in known and data.get(key) not in (None, ""):
            errors[key] = [_("Please rate only goals of this case.")]
    if errors:
        raise ValidationError(errors)
    for goal, value in ratings.items():
        goal.achievement = value
        if goal.status in ("open", "in_progress"):
            goal.status = (
                "achieved" if value >= 4 else "partly_achieved" if value >= 2 else "not_achieved"
            )
    old = case.phase
    case.status, case.phase, case.closed_on = "closed", "closure", closed_on
    case.closure_reason, case.closure_note, case.evaluation = reason, note, evaluation
    case.follow_up_talk_on = follow_up_talk_on
    touch(case)
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase=old,
            to_phase="closure",
            reason=reason,
            actor_id=getattr(actor, "id", None),
        )
    )
    for follow_up in db.session.scalars(
        select(FollowUp).where(FollowUp.case_id == case.id, FollowUp.done_at.is_(None))
    ):
        follow_up.done_at = utcnow()
    if follow_up_talk_on:
        ensure_follow_up(
            case,
            case.case_manager_id,
            follow_up_talk_on,
            _("Follow-up talk after closure"),
            "after_closure",
            f"after-closure:{case.id}:{closed_on.isoformat()}",
        )
    db.session.flush()
    audit.record("case.closed", actor=actor, obj=case, reason=reason)
    events.case_closed(case, actor=actor)
    return case


def reopen_case(actor, tenant, case: Case, data: dict) -> Case:
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    if case.status != "closed":
        errors["case"] = [_("Only a closed case can be reopened.")]
    reason = _text(
        data,
        "reason",
        2000,
        errors,
        required=True,
        message=_("Please give the reason for reopening."),
    )
    regelkreis = regelkreis_for(tenant)
    phase = data.get("phase") or (
        "monitoring"
        if regelkreis.phase(case.case_type, "monitoring")
        else regelkreis.first_phase(case.case_type)
    )
    if regelkreis.phase(case.case_type, phase) is None or phase == "closure":
        errors["phase"] = [_("Please choose a value from the list.")]
    _lock_person(db.session.get(Person, case.person_id))
    if db.session.scalar(
        select(Case.id).where(
            Case.person_id == case.person_id, Case.status == "open", Case.id != case.id
        )
    ):
        errors.setdefault("case", []).append(
            _("This person already has an open case. One person, one case.")
        )
    if errors:
        raise ValidationError(errors)
    case.status, case.phase, case.closed_on = "open", phase, None
    touch(case)
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase="closure",
            to_phase=phase,
            reason=reason,
            actor_id=getattr(actor, "id", None),
            backwards=True,
        )
    )
    db.session.flush()
    audit.record("case.reopened", actor=actor, obj=case)
    return case


# --- sharing, deputies and caseload --------------------------------------------------------


def share_case(actor, case: Case, user_id) -> CaseShare:
    errors: dict[str, list[str]] = {}
    if not access.may_share(actor, case):
        raise ValidationError(
            {
                "user_id": [
                    _("Only the case manager, the deputy or coordination can share the case.")
                ]
            }
        )
    user_id = _case_worker(user_id, errors, "user_id")
    if user_id is not None and user_id == case.case_manager_id:
        errors["user_id"] = [_("The case manager of the case has access anyway.")]
    if errors:
        raise ValidationError(errors)
    existing = db.session.scalar(
        select(CaseShare).where(CaseShare.case_id == case.id, CaseShare.user_id == user_id)
    )
    if existing:
        return existing
    share = CaseShare(case_id=case.id, user_id=user_id, shared_by_id=getattr(actor, "id", None))
    db.session.add(share)
    db.session.flush()
    audit.record("case.shared", actor=actor, obj=case, with_user=user_id)
    return share


def _membership(user_id) -> Membership | None:
    return db.session.scalar(select(Membership).where(Membership.user_id == user_id))


def create_deputy(actor, data: dict) -> Deputy:
    errors: dict[str, list[str]] = {}
    absent_id = _case_worker(
        data.get("absent_id") or getattr(actor, "id", None), errors, "absent_id"
    )
    deputy_id = _case_worker(data.get("deputy_id"), errors, "deputy_id")
    starts_on = _parse_date(data.get("starts_on"), "starts_on", errors)
    ends_on = _parse_date(data.get("ends_on"), "ends_on", errors)
    if starts_on is None and "starts_on" not in errors:
        errors["starts_on"] = [_("Please enter the first day.")]
    if ends_on is None and "ends_on" not in errors:
        errors["ends_on"] = [_("Please enter the last day.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The last day cannot lie before the first day.")]
    if starts_on and ends_on and (ends_on - starts_on).days > 366:
        errors["ends_on"] = [_("A deputy arrangement lasts at most one year.")]
    if absent_id and deputy_id and absent_id == deputy_id:
        errors["deputy_id"] = [_("Please choose another person as deputy.")]
    if absent_id and absent_id != getattr(actor, "id", None) and not access.can_supervise():
        errors["absent_id"] = [_("Only coordination can arrange a deputy for someone else.")]
    if errors:
        raise ValidationError(errors)
    absent_unit = getattr(_membership(absent_id), "org_unit_id", None)
    deputy_unit = getattr(_membership(deputy_id), "org_unit_id", None)
    deputy = Deputy(
        absent_id=absent_id,
        deputy_id=deputy_id,
        starts_on=starts_on,
        ends_on=ends_on,
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
    rows = []
    for user in case_workers():
        fte = min((hours.get(user.id) or settings.full_time_hours) / settings.full_time_hours, 1.0)
        rows.append(
            CaseloadRow(
                user,
                counts.get(user.id, 0),
                max(round(settings.caseload_ratio * fte), 1),
                settings.caseload_tolerance_pct,
                round(fte, 2),
            )
        )
    return rows
