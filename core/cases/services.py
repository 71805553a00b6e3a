"""The life of a case: reading, opening, changing, sharing, converting, closing, reopening.

Shared by the HTML views, the JSON API, the CLI and jobs. Every write takes the input as it came
(a form read with ``form_input`` or a JSON body) and validates it with its schema from
``core.cases.schemas`` itself, so HTML and API cannot differ. Every function writes into the
running transaction and never commits: the caller (a view through ``core.web.run_write``, the
API, a job) commits once, so a failing step leaves nothing behind.

The work inside a case lives next door: ``phases`` (the Regelkreis), ``contacts``, ``goals``,
``help_plans``, ``follow_ups``, ``deputies``, ``caseload``; journal and attachments in
``core.documentation``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask import g
from flask_babel import gettext as _
from sqlalchemy import and_, func, select, tuple_, union, update
from sqlalchemy.orm import aliased, contains_eager, joinedload
from sqlalchemy.orm.attributes import set_committed_value

from core import events
from core.audit import services as audit
from core.auth.models import Membership, User
from core.cases import access
from core.cases.access import get_case as get_case  # the readers of a case call it from here
from core.cases.follow_ups import ensure_follow_up
from core.cases.follow_ups import my_follow_ups as my_follow_ups  # imported from here by core.home
from core.cases.listing import COUNT_LIMIT, CasePage, Cursor
from core.cases.models import Case, CaseShare, FollowUp, Goal, PhaseTransition
from core.cases.schemas import (
    CASE_FIELDS,
    CaseOpenInputSchema,
    CaseUpdateSchema,
    CloseCaseSchema,
    ConversionSchema,
    ReopenSchema,
    ShareSchema,
)
from core.cases.settings import regelkreis_for
from core.conflicts import ConflictError, flush_or_conflict
from core.db import db, utcnow
from core.persons.models import Person
from core.schemas import ValidationError, load


def hooks_for(tenant):
    """The tenant's hook relay (the request's own when it is the same tenant)."""
    from core.plugins.relay import relay_for

    return (
        g.hooks
        if g.get("hooks") is not None and g.get("tenant") is not None and g.tenant.id == tenant.id
        else relay_for(tenant)
    )


def case_workers() -> list[User]:
    """Members who can hold cases (case managers and coordinators) of the bound tenant."""
    rows = db.session.scalars(
        select(Membership)
        .where(Membership.active.is_(True))
        .join(User, User.id == Membership.user_id)
        .options(contains_eager(Membership.user))  # one statement, not one per member
        .order_by(User.display_name)
    ).all()
    return [m.user for m in rows if {"case_manager", "coordinator"} & set(m.roles)]


def preload_staff(cases) -> None:
    """Load the case managers and deputies of ``cases`` in one statement and hand them to the
    cases, so that a list showing ``case.case_manager`` costs no query per row. (A lazy load does
    not look in the session first here: the tenant criteria on the query make it emit SQL.)"""
    cases = list(cases)
    ids = {i for c in cases for i in (c.case_manager_id, c.deputy_id) if i is not None}
    if not ids:
        return
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(sorted(ids))))}
    for case in cases:
        for attribute, user_id in (
            ("case_manager", case.case_manager_id),
            ("deputy", case.deputy_id),
        ):
            set_committed_value(case, attribute, users.get(user_id) if user_id else None)


def touch(case: Case) -> None:
    """Note activity on the case without a new version: a journal entry or a contact is no
    change of the case data, so it must not turn a colleague's open case form into a conflict
    (nor two simultaneous entries into one)."""
    db.session.execute(update(Case).where(Case.id == case.id).values(last_activity_at=utcnow()))


def add_to_case(
    actor, case: Case, row, action: str, *, id_as: str | None = None, **details
) -> None:
    """Add ``row`` (a contact, a journal entry, a decision …) to the case file in the running
    transaction: note the activity, flush for its id, audit ``action`` (ids only, as
    ``id_as=<row id>`` when given)."""
    db.session.add(row)
    touch(case)
    db.session.flush()
    if id_as:
        details[id_as] = row.id
    audit.record(action, actor=actor, obj=case, **details)


# --- reading -------------------------------------------------------------------------------


def record_read(actor, case: Case, what: str = "case_file") -> None:
    """Audit a read of the case file (content-free: ids and the access reason)."""
    reason = g.get("case_access", {}).get(case.id, "owner")
    audit.record("case.read", actor=actor, obj=case, part=what, via=reason)


#: Cases on one page of the list (HTML and API).
PER_PAGE = 50


def _search(search: str):
    """SELECT of the ids of the cases a search names: the person's names (every word as the
    start of a name word or a phonetic variant, in any order) or the start of the case number.
    Index lookups only (see core.persons.search_index); None when nothing is searched."""
    from core.persons import search_index

    parts = []
    persons = search_index.matching_persons(search)
    if persons is not None:
        parts.append(select(Case.id).where(Case.person_id.in_(persons)))
    number = search.strip()
    if number:
        parts.append(select(Case.id).where(search_index.starts_with(Case.number, number)))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else union(*parts)


def case_list(
    user,
    *,
    status="open",
    mine_only=False,
    search="",
    phase="",
    page=1,
    per_page: int | None = None,
    cursor: str = "",
) -> CasePage:
    """One page of the cases ``user`` may see, newest activity first (keyset pages: ``cursor``
    from a page link; ``page`` only for old links). Two statements whatever the size of the
    list or the staff: the capped count and the page (person and case manager joined in).

    Case managers see the UNION of their own / deputy / shared / substitute cases
    (:func:`core.cases.access.visible_case_ids`); coordinators read the tenant's cases along an
    index in list order. A bad cursor raises ValidationError."""
    per_page = per_page or PER_PAGE
    position = Cursor.decode(cursor) if cursor else None
    supervise = access.can_supervise() and not mine_only
    wanted = status if status in ("open", "closed") else None
    # Conditions on the case alone, and on its person: restricted (Art. 18) and anonymised files
    # are out of every standard list.
    on_case = []
    on_person = [Person.restricted_at.is_(None), Person.anonymised_at.is_(None)]
    if not supervise:
        on_case.append(Case.id.in_(access.visible_case_ids(user.id, status=wanted)))
    if wanted:
        on_case.append(Case.status == wanted)
    if phase:
        on_case.append(Case.phase == phase)
    found = _search(search) if search else None
    if found is not None:
        on_case.append(Case.id.in_(found))
    # A coordinator's list without a search walks the (tenant, status, activity) index and
    # stops after a page: the case rows are picked first, the persons only for them (a join
    # first made the planner read every person of the tenant, as row-level security and the
    # tenant guard make it underestimate one tenant's rows).
    walk = supervise and found is None

    def joined(*columns):
        return (
            select(*columns).join(Person, Person.id == Case.person_id).where(*on_case, *on_person)
        )

    counted = _count(on_case, on_person, walk, joined)
    key = tuple_(Case.last_activity_at, Case.id)
    newest_first = position is None or position.forward

    def ordered(entity):
        if newest_first:
            return (entity.last_activity_at.desc(), entity.id.desc())
        return (entity.last_activity_at, entity.id)

    order = ordered(Case)
    after = []
    offset = 0
    if position is not None:
        bound = tuple_(position.at, position.id)
        after.append(key < bound if position.forward else key > bound)
    else:
        offset = (max(page, 1) - 1) * per_page
    rows = None
    if walk and not offset:
        # The next cases in list order (an index walk that stops), then their persons by
        # primary key; files the list leaves out come back without a person and are dropped.
        window = per_page + 1 + WALK_SLACK
        top = select(Case).where(*on_case, *after).order_by(*order).limit(window).subquery()
        listed = aliased(Case, top)
        stmt = (
            select(listed, Person)
            .outerjoin(Person, and_(Person.id == listed.person_id, *on_person))
            .options(joinedload(listed.case_manager))
            .order_by(*ordered(listed))
        )
        candidates = list(db.session.execute(stmt))
        kept = [(case, person) for case, person in candidates if person is not None]
        if len(kept) > per_page or len(candidates) < window:
            rows = kept
        # else: many left-out files inside the window - read the page the plain way.
    if rows is None:
        stmt = joined(Case, Person).where(*after).options(joinedload(Case.case_manager))
        rows = list(db.session.execute(stmt.order_by(*order).limit(per_page + 1).offset(offset)))
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not newest_first:
        if not more:
            # Back at the top: the first page, full, instead of a short one.
            return case_list(
                user,
                status=status,
                mine_only=mine_only,
                search=search,
                phase=phase,
                per_page=per_page,
            )
        rows.reverse()
    result = CasePage(
        rows=[tuple(row) for row in rows],
        total=min(counted, COUNT_LIMIT),
        total_capped=counted > COUNT_LIMIT,
    )
    if rows:
        if more if newest_first else True:
            result.next = Cursor.of(rows[-1][0], forward=True)
        if position is not None or offset or not newest_first:
            result.prev = Cursor.of(rows[0][0], forward=False)
    return result


#: Extra cases a coordinator's page reads beyond one page, for files the list leaves out.
WALK_SLACK = 20


def _count(on_case, on_person, walk: bool, joined) -> int:
    """Matching cases, counted up to ``COUNT_LIMIT + 1`` (one statement; a second one only when
    many restricted or anonymised files sit among the first cases)."""
    limit = COUNT_LIMIT + 1
    if walk:
        # The cases first (an index-only count), their persons by primary key.
        cases = (
            select(Case.id, Case.person_id)
            .where(*on_case)
            .order_by(Case.last_activity_at.desc(), Case.id.desc())  # along the list's index
            .limit(limit)
            .subquery()
        )
        kept = (
            select(Person.id)
            .where(Person.id == cases.c.person_id, *on_person)
            .correlate(cases)
            .exists()
        )
        candidates, survivors = db.session.execute(
            select(func.count(), func.count().filter(kept)).select_from(cases)
        ).one()
        if candidates < limit or survivors >= limit:
            return survivors
    return (
        db.session.scalar(select(func.count()).select_from(joined(Case.id).limit(limit).subquery()))
        or 0
    )


# --- opening and changing ------------------------------------------------------------------


def _next_number(today: date) -> str:
    """Never ``max()+1`` over surviving cases: an erased case's number would come back."""
    from core.cases.numbering import next_number

    return next_number(today)


def open_case(actor, tenant, data: Mapping[str, Any]) -> Case:
    """Open a case for the person ``data["person_id"]`` (404 if the actor may not see them)."""
    values = load(CaseOpenInputSchema(tenant=tenant, actor=actor), data)
    person: Person = values.pop("person")
    lock_person(person)
    if db.session.scalar(select(Case.id).where(Case.person_id == person.id, Case.status == "open")):
        raise ValidationError(
            {"person": [_("This person already has an open case. One person, one case.")]}
        )
    regelkreis = regelkreis_for(tenant)
    org_unit_id, manager_id = values["org_unit_id"], values["case_manager_id"]
    if org_unit_id is None and manager_id:
        org_unit_id = db.session.scalar(
            select(Membership.org_unit_id).where(Membership.user_id == manager_id)
        )
    opened_on = values["opened_on"] or date.today()
    case = Case(
        number=_next_number(opened_on),
        person_id=person.id,
        case_type=values["case_type"],
        phase=regelkreis.first_phase(values["case_type"]),
        topic=values["topic"],
        access_path=values["access_path"],
        source=values["source"],
        warm_handover=values["warm_handover"],
        case_manager_id=manager_id,
        deputy_id=values["deputy_id"],
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
    audit.record("case.created", actor=actor, obj=case, case_type=case.case_type)
    hooks_for(tenant).lotse_case_created(case=case)
    return case


def lock_person(person: Person | None) -> None:
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


def update_case(actor, tenant, case: Case, data: Mapping[str, Any]) -> Case:
    """Change the case data (responsibility, access); a save on top of a newer ``version``
    ends in a ConflictError."""
    access.ensure_case(actor, case)
    values = load(CaseUpdateSchema(tenant=tenant, actor=actor, case=case), data)
    expected_version = values.pop("version")
    if not access.may_hand_over(actor, case):
        refused = {
            field: [
                _(
                    "Only the case manager can hand the case over; otherwise coordination assigns "
                    "it."
                )
            ]
            for field in ("case_manager_id", "deputy_id")
            if values[field] != getattr(case, field)
        }
        if refused:
            raise ValidationError(refused)
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


def convert_to_case_management(actor, tenant, case: Case, data: Mapping[str, Any]) -> Case:
    """A short or referral counselling becomes case management (from the access check on)."""
    access.ensure_case(actor, case)
    regelkreis = regelkreis_for(tenant)
    if not regelkreis.case_type(case.case_type).convertible:
        raise ValidationError({"case_type": [_("This case cannot be converted.")]})
    values = load(ConversionSchema(tenant=tenant, actor=actor, case=case), data)
    old_type, old_phase = case.case_type, case.phase
    case.case_type = "case_management"
    case.phase = "access_check"
    touch(case)
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase=old_phase,
            to_phase=case.phase,
            reason=values["reason"],
            actor_id=getattr(actor, "id", None),
        )
    )
    db.session.flush()
    audit.record("case.converted", actor=actor, obj=case, old_type=old_type)
    return case


def share_case(actor, case: Case, data: Mapping[str, Any]) -> CaseShare:
    """Share the case with a colleague (``data["user_id"]``), e.g. a tandem."""
    if not access.may_share(actor, case):
        raise ValidationError(
            {
                "user_id": [
                    _("Only the case manager, the deputy or coordination can share the case.")
                ]
            }
        )
    user_id = load(ShareSchema(actor=actor, case=case), data)["user_id"]
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


# --- closure -------------------------------------------------------------------------------


def close_case(actor, tenant, case: Case, data: Mapping[str, Any]) -> Case:
    """Close with reason, evaluation and goal ratings; open follow-ups are ticked off and the
    follow-up talk is planned."""
    access.ensure_case(actor, case)
    errors = {"case": [_("The case is closed already.")]} if case.status != "open" else {}
    values = load(CloseCaseSchema(tenant=tenant, actor=actor, case=case), data, errors=errors)
    if values["version"] is not None and values["version"] != case.version:
        raise ConflictError({"status": (case.status, "closed")})
    closed_on = values["closed_on"] or date.today()
    evaluation: dict[str, Any] = {}
    for field, value in values.items():
        if field.startswith("evaluation_") and value not in (None, ""):
            evaluation[field.removeprefix("evaluation_")] = value
    ratings = {int(goal_id): value for goal_id, value in values["goal_ratings"].items()}
    for goal in db.session.scalars(select(Goal).where(Goal.case_id == case.id)):
        value = ratings.get(goal.id)
        if value is None:
            continue
        goal.achievement = value
        if goal.status in ("open", "in_progress"):
            goal.status = (
                "achieved" if value >= 4 else "partly_achieved" if value >= 2 else "not_achieved"
            )
    old, reason = case.phase, values["closure_reason"]
    case.status, case.phase, case.closed_on = "closed", "closure", closed_on
    case.closure_reason, case.closure_note, case.evaluation = (
        reason,
        values["closure_note"],
        evaluation,
    )
    case.follow_up_talk_on = values["follow_up_talk_on"]
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
    if case.follow_up_talk_on:
        ensure_follow_up(
            case,
            case.case_manager_id,
            case.follow_up_talk_on,
            _("Follow-up talk after closure"),
            "after_closure",
            f"after-closure:{case.id}:{closed_on.isoformat()}",
        )
    db.session.flush()
    audit.record("case.closed", actor=actor, obj=case, reason=reason)
    events.case_closed(case, actor=actor)
    return case


def reopen_case(actor, tenant, case: Case, data: Mapping[str, Any]) -> Case:
    """Reopen a closed case (with a reason), in monitoring or a phase of the actor's choice."""
    access.ensure_case(actor, case)
    errors: dict[str, list[str]] = {}
    if case.status != "closed":
        errors["case"] = [_("Only a closed case can be reopened.")]
    lock_person(db.session.get(Person, case.person_id))
    if db.session.scalar(
        select(Case.id).where(
            Case.person_id == case.person_id, Case.status == "open", Case.id != case.id
        )
    ):
        errors.setdefault("case", []).append(
            _("This person already has an open case. One person, one case.")
        )
    values = load(ReopenSchema(tenant=tenant, actor=actor, case=case), data, errors=errors)
    regelkreis = regelkreis_for(tenant)
    phase = values["phase"] or (
        "monitoring"
        if regelkreis.phase(case.case_type, "monitoring")
        else regelkreis.first_phase(case.case_type)
    )
    case.status, case.phase, case.closed_on = "open", phase, None
    touch(case)
    db.session.add(
        PhaseTransition(
            case_id=case.id,
            from_phase="closure",
            to_phase=phase,
            reason=values["reason"],
            actor_id=getattr(actor, "id", None),
            backwards=True,
        )
    )
    db.session.flush()
    audit.record("case.reopened", actor=actor, obj=case)
    return case
