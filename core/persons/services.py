"""Persons: duplicate search before create, create and update with conflict detection.

Every write takes the input as it came (a form read with ``form_input`` or a JSON body) and
validates it with the schema of ``core.persons.schemas`` itself, so HTML and API cannot differ.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core import events
from core.audit import services as audit
from core.conflicts import ConflictError, flush_or_conflict
from core.db import db
from core.persons import search_index
from core.persons.models import Household, HouseholdMember, Person
from core.persons.phonetics import fold, has_name_part, name_key
from core.persons.schemas import (
    PERSON_FIELDS,
    HouseholdMemberSchema,
    PersonLookupSchema,
    PersonSchema,
    PersonUpdateSchema,
)
from core.schemas import load

#: The fields the name search index is made of.
NAME_FIELDS = frozenset({"first_name", "last_name", "other_names"})


@dataclass
class Candidate:
    person: Person
    score: int
    reasons: list[str]


def _stamp_search_keys(person: Person) -> None:
    person.name_key = name_key(person.first_name, person.last_name, person.other_names)[:400]
    person.sort_name = fold(f"{person.last_name} {person.first_name}")[:220]


def find_duplicates(
    first_name: str, last_name: str, birth_date: date | None = None, limit: int = 10
) -> list[Candidate]:
    """Likely duplicates in the bound tenant: same phonetic name parts or similar spelling; the
    same birth date only ranks a name match higher - it never lists anyone on its own (else a
    birth date would list everyone born that day). Ranked, best first."""
    if not has_name_part(first_name, last_name):
        return []
    wanted = set(name_key(first_name, last_name).split())
    folded_last = fold(last_name)
    # Through the name search index: equal phonetic codes and sort-name prefixes are index
    # lookups below row-level security, where a substring search read every person.
    found = search_index.candidates((code for code in wanted if len(code) >= 2), folded_last[:4])
    if found is None:
        return []
    # Restricted (Art. 18) and anonymised records never show up in a search. The matching ids
    # come first (at most 500) and the persons by primary key: joined in one statement, the
    # planner - underestimating one tenant's rows under RLS - read every person of the tenant.
    ids = list(db.session.scalars(found.distinct().limit(500)))
    rows = db.session.scalars(
        select(Person).where(
            Person.id.in_(ids), Person.restricted_at.is_(None), Person.anonymised_at.is_(None)
        )
    ).all()
    out = []
    for person in rows:
        codes = set(person.name_key.split())
        shared = wanted & codes
        if not shared and not (folded_last and person.sort_name.startswith(folded_last[:4])):
            continue  # matched a fragment of a code only: no name part in common
        score, reasons = 0, []
        if wanted and shared:
            score += 40 * len(shared) // max(len(wanted), 1)
            reasons.append(_("similar name"))
        if fold(person.last_name) == folded_last and folded_last:
            score += 20
        if fold(person.first_name) == fold(first_name) and first_name:
            score += 10
        if birth_date is not None and person.birth_date == birth_date:
            score += 40
            reasons.append(_("same birth date"))
        elif birth_date is not None and person.birth_date is not None:
            score -= 20  # different birth dates make a duplicate unlikely
        if score >= 30:
            out.append(Candidate(person, score, reasons))
    out.sort(key=lambda c: (-c.score, c.person.sort_name))
    return out[:limit]


def split_name(q: str) -> tuple[str, str]:
    """ "Last, First" or "First … Last" → (first, last)."""
    q = " ".join(q.split())
    if "," in q:
        last, first = (part.strip() for part in q.split(",", 1))
        return first, last
    parts = q.split(" ")
    return " ".join(parts[:-1]), parts[-1]


def search_by_name(q: str, birth_date: date | None = None) -> list[Candidate]:
    """The API's search before create: a name as typed ("First Last" or "Last, First")."""
    first, last = split_name(q)
    return find_duplicates(first, last, birth_date)


def lookup(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[Candidate]]:
    """The search form before create: the validated criteria and the likely duplicates (none
    before a name is entered)."""
    values = load(PersonLookupSchema, data)
    if not (values["first_name"] or values["last_name"]):
        return values, []
    return values, find_duplicates(values["first_name"], values["last_name"], values["birth_date"])


def create_person(actor, data: Mapping[str, Any]) -> Person:
    values = load(PersonSchema, data)
    person = Person(created_by_id=getattr(actor, "id", None), **values)
    _stamp_search_keys(person)
    db.session.add(person)
    db.session.flush()
    search_index.refresh(person)
    audit.record("person.created", actor=actor, obj=person)
    return person


def update_person(
    actor,
    person: Person,
    data: Mapping[str, Any],
    *,
    request_id: int | None = None,
    partial: bool = False,
) -> Person:
    """Apply changes; if someone saved since ``version`` (in ``data``) was read, raise
    ConflictError listing both values of every field that both changed (nothing is written).
    ``partial``: fields ``data`` leaves out keep their values (the API's PUT). Every change keeps
    old and new value in the correction trail (Art. 16, through ``events.person_changed``), tied
    to a rectification request when one is given."""
    ensure_person(actor, person)
    if partial:
        data = {**{f: getattr(person, f) for f in PERSON_FIELDS}, **data}
    values = load(PersonUpdateSchema, data)
    expected_version = values.pop("version")
    if expected_version is not None and expected_version != person.version:
        theirs = {f: getattr(person, f) for f in PERSON_FIELDS}
        changes = {f: (theirs[f], values[f]) for f in PERSON_FIELDS if values[f] != theirs[f]}
        raise ConflictError(changes)
    changes = {
        f: (getattr(person, f), values[f]) for f in PERSON_FIELDS if getattr(person, f) != values[f]
    }
    for field, (_old, new) in changes.items():
        setattr(person, field, new)
    _stamp_search_keys(person)
    flush_or_conflict(person, PERSON_FIELDS, values)
    if NAME_FIELDS & set(changes):
        search_index.refresh(person)
    if changes:
        audit.record("person.changed", actor=actor, obj=person, fields=list(changes))
        events.person_changed(person, changes, actor=actor, request_id=request_id)
    return person


def get_person(person_id: int) -> Person | None:
    return db.session.scalar(select(Person).where(Person.id == person_id))


# --- households ------------------------------------------------------------------------------


def household_of(person: Person) -> Household | None:
    member = db.session.scalar(
        select(HouseholdMember)
        .where(HouseholdMember.person_id == person.id)
        .options(joinedload(HouseholdMember.household))
    )
    return member.household if member else None


def add_to_household(
    actor, person: Person, data: Mapping[str, Any], *, household: Household | None = None
) -> Household:
    """Put ``person`` into ``household`` or, without one, into a new household named by
    ``data["name"]`` (default "Haushalt <last name>"), with ``data["role"]``."""
    ensure_person(actor, person)
    if household is not None and _acting(actor) and not can_see_household(household, actor):
        from werkzeug.exceptions import NotFound

        raise NotFound()  # a household the user cannot see is treated as not existing
    errors = {}
    if household_of(person) is not None:
        errors["household"] = [_("This person already belongs to a household.")]
    values = load(HouseholdMemberSchema, data, errors=errors)
    if household is None:
        household = Household(name=values["name"] or f"Haushalt {person.last_name}"[:200])
        db.session.add(household)
        db.session.flush()
    role = values["role"]
    db.session.add(HouseholdMember(household_id=household.id, person_id=person.id, role=role))
    db.session.flush()
    audit.record("household.member_added", actor=actor, obj=household, person=person.id, role=role)
    return household


def _acting(actor) -> bool:
    from core.auth.permissions import acting_member

    return acting_member(actor)


def can_see_person(person: Person, user) -> bool:
    """Coordination sees every person; a case worker sees the persons they created and those
    another domain vouches for through ``lotse_person_visible`` (cases: a case the user may open).
    Persons cannot know cases, so it asks instead of importing them."""
    from core.auth.permissions import current_permissions
    from core.plugins.relay import hooks_for
    from core.tenancy.models import Tenant

    permissions = current_permissions()
    if "cases.supervise" in permissions:
        return True
    if "cases.work" not in permissions:
        return False
    if person.created_by_id == user.id:
        return True
    tenant = db.session.get(Tenant, person.tenant_id)
    return any(hooks_for(tenant).lotse_person_visible(person=person, user=user))


def visible_person_ids(persons, user) -> set[int]:
    """:func:`can_see_person` for a list (search candidates, household members) with one query
    per domain instead of one per person: the same rule, asked through ``lotse_persons_visible``
    (plugins that only answer ``lotse_person_visible`` are asked person by person)."""
    from core.auth.permissions import current_permissions
    from core.plugins.relay import hooks_for
    from core.tenancy.models import Tenant

    persons = list(persons)
    permissions = current_permissions()
    if "cases.supervise" in permissions:
        return {p.id for p in persons}
    if "cases.work" not in permissions or not persons:
        return set()
    seen = {p.id for p in persons if p.created_by_id == user.id}
    rest = {p.id: p for p in persons if p.id not in seen}
    if not rest:
        return seen
    hooks = hooks_for(db.session.get(Tenant, persons[0].tenant_id))
    for answer in hooks.lotse_persons_visible(person_ids=frozenset(rest), user=user):
        seen |= set(answer or ()) & set(rest)
    single = hooks.single_only("lotse_person_visible", "lotse_persons_visible")
    for person_id, person in rest.items():
        if person_id not in seen and any(single(person=person, user=user)):
            seen.add(person_id)
    return seen


def ensure_person(actor, person: Person) -> None:
    """The write services' own visibility check: a person ``actor`` may not see is a 404, the
    same answer as a person that does not exist (HTML and API alike). Jobs, the CLI and the demo
    builder run outside a request and act for the organisation."""
    from werkzeug.exceptions import NotFound

    if _acting(actor) and not can_see_person(person, actor):
        raise NotFound()


def can_see_household(household: Household, user) -> bool:
    """A household is visible through a member the user may see."""
    return bool(visible_person_ids([m.person for m in household_members(household)], user))


def household_members(household: Household) -> list[HouseholdMember]:
    return list(
        db.session.scalars(
            select(HouseholdMember)
            .where(HouseholdMember.household_id == household.id)
            .options(joinedload(HouseholdMember.person))  # the names: one statement, not one each
        )
    )
