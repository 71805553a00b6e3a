"""Persons: duplicate search before create, create and update with conflict detection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import or_, select

from core import events
from core.audit import services as audit
from core.auth.services import EMAIL_RE, ValidationError
from core.conflicts import ConflictError, flush_or_conflict
from core.db import db
from core.persons.models import (
    GENDERS,
    HOUSEHOLD_ROLES,
    RESIDENCE_STATUSES,
    Household,
    HouseholdMember,
    Person,
)
from core.persons.phonetics import fold, name_key

PERSON_FIELDS = (
    "first_name",
    "last_name",
    "other_names",
    "birth_date",
    "gender",
    "nationality",
    "languages",
    "interpreter_needed",
    "interpreter_language",
    "residence_status",
    "residence_issued_on",
    "residence_valid_until",
    "street",
    "postcode",
    "city",
    "phone",
    "email",
)


@dataclass
class Candidate:
    person: Person
    score: int
    reasons: list[str]


def _parse_date(value, field, errors):
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        errors.setdefault(field, []).append(_("Please enter a valid date."))
        return None


def clean_person(data: dict) -> dict:
    """Validate form/API input for a person; raises ValidationError with German messages."""
    errors: dict[str, list[str]] = {}
    out: dict = {}
    for field, limit in (
        ("first_name", 100),
        ("last_name", 100),
        ("other_names", 300),
        ("street", 200),
        ("city", 100),
        ("phone", 60),
        ("email", 200),
    ):
        value = str(data.get(field) or "").strip()
        if len(value) > limit:
            errors.setdefault(field, []).append(
                _("Please enter at most %(n)d characters.", n=limit)
            )
        out[field] = value
    if not out["first_name"]:
        errors.setdefault("first_name", []).append(_("Please enter the first name."))
    if not out["last_name"]:
        errors.setdefault("last_name", []).append(_("Please enter the last name."))
    if out["email"] and not EMAIL_RE.match(out["email"]):
        errors.setdefault("email", []).append(_("Please enter a valid e-mail address."))
    postcode = str(data.get("postcode") or "").strip()
    if postcode and not (postcode.isdigit() and len(postcode) == 5):
        errors.setdefault("postcode", []).append(_("A German postcode has five digits."))
    out["postcode"] = postcode
    gender = data.get("gender") or "unspecified"
    if gender not in GENDERS:
        errors.setdefault("gender", []).append(_("Please choose a value from the list."))
    out["gender"] = gender
    status = data.get("residence_status") or "unknown"
    if status not in RESIDENCE_STATUSES:
        errors.setdefault("residence_status", []).append(_("Please choose a value from the list."))
    out["residence_status"] = status
    for field in ("birth_date", "residence_issued_on", "residence_valid_until"):
        out[field] = _parse_date(data.get(field), field, errors)
    if out["birth_date"] and out["birth_date"] > date.today():
        errors.setdefault("birth_date", []).append(_("The birth date lies in the future."))
    if (
        out["residence_issued_on"]
        and out["residence_valid_until"]
        and out["residence_valid_until"] < out["residence_issued_on"]
    ):
        errors.setdefault("residence_valid_until", []).append(
            _("The permit cannot end before it was issued.")
        )
    _clean_codes(data, out, errors)
    out["interpreter_needed"] = bool(data.get("interpreter_needed"))
    if errors:
        raise ValidationError(errors)
    return out


def _clean_codes(data: dict, out: dict, errors: dict) -> None:
    """Nationality (ISO 3166-1) and languages (ISO 639) are stored as codes; a code or a German or
    English name is accepted (the form's lists show names), anything else is refused."""
    from core.labels import country_code, language_code

    nationality = country_code(data.get("nationality"))
    if nationality is None:
        errors.setdefault("nationality", []).append(_("Please choose a country from the list."))
    out["nationality"] = nationality or ""
    languages = data.get("languages") or []
    if isinstance(languages, str):
        languages = languages.replace("\n", ",").split(",")
    codes: list[str] = []
    for raw in languages if isinstance(languages, list | tuple) else [languages]:
        code = language_code(raw)
        if code is None:
            errors["languages"] = [_("Please choose a language from the list.")]
        elif code and code not in codes:
            codes.append(code)
    out["languages"] = codes[:20]
    interpreter = language_code(data.get("interpreter_language"))
    if interpreter is None:
        errors.setdefault("interpreter_language", []).append(
            _("Please choose a language from the list.")
        )
    out["interpreter_language"] = interpreter or ""


def _stamp_search_keys(person: Person) -> None:
    person.name_key = name_key(person.first_name, person.last_name, person.other_names)[:400]
    person.sort_name = fold(f"{person.last_name} {person.first_name}")[:220]


def has_name_part(first_name: str, last_name: str) -> bool:
    """A search names at least two letters of a name: a birth date alone lists nobody."""
    return sum(ch.isalpha() for ch in f"{first_name}{last_name}") >= 2


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
    conditions = [Person.name_key.contains(code) for code in wanted if len(code) >= 2]
    if folded_last:
        conditions.append(Person.sort_name.startswith(folded_last[:4]))
    if not conditions:
        return []
    # Restricted (Art. 18) and anonymised records never show up in a search.
    rows = db.session.scalars(
        select(Person)
        .where(or_(*conditions), Person.restricted_at.is_(None), Person.anonymised_at.is_(None))
        .limit(500)
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


def create_person(actor, data: dict) -> Person:
    values = clean_person(data)
    person = Person(created_by_id=getattr(actor, "id", None), **values)
    _stamp_search_keys(person)
    db.session.add(person)
    db.session.flush()
    audit.record("person.created", actor=actor, obj=person)
    return person


def update_person(
    actor,
    person: Person,
    data: dict,
    *,
    expected_version: int | None,
    request_id: int | None = None,
) -> Person:
    """Apply changes; if someone saved in between, raise ConflictError listing both values of
    every field that both changed (nothing is written). Every change keeps old and new value in
    the correction trail (Art. 16), tied to a rectification request when one is given."""
    ensure_person(actor, person)
    values = clean_person(data)
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
    if changes:
        audit.record("person.changed", actor=actor, obj=person, fields=list(changes))
        events.person_changed(person, changes, actor=actor, request_id=request_id)
    return person


def get_person(person_id: int) -> Person | None:
    return db.session.scalar(select(Person).where(Person.id == person_id))


# --- households ------------------------------------------------------------------------------


def household_of(person: Person) -> Household | None:
    member = db.session.scalar(
        select(HouseholdMember).where(HouseholdMember.person_id == person.id)
    )
    return member.household if member else None


def add_to_household(
    actor, person: Person, *, role: str, household: Household | None = None, name: str | None = None
) -> Household:
    ensure_person(actor, person)
    if household is not None and _acting(actor) and not can_see_household(household, actor):
        from werkzeug.exceptions import NotFound

        raise NotFound()  # a household the user cannot see is treated as not existing
    if role not in HOUSEHOLD_ROLES:
        raise ValidationError({"role": [_("Please choose a value from the list.")]})
    if household_of(person) is not None:
        raise ValidationError({"household": [_("This person already belongs to a household.")]})
    if household is None:
        household = Household(name=(name or f"Haushalt {person.last_name}").strip()[:200])
        db.session.add(household)
        db.session.flush()
    db.session.add(HouseholdMember(household_id=household.id, person_id=person.id, role=role))
    db.session.flush()
    audit.record("household.member_added", actor=actor, obj=household, person=person.id, role=role)
    return household


def _acting(actor) -> bool:
    from core.auth.permissions import acting_member

    return acting_member(actor)


def can_see_person(person: Person, user) -> bool:
    """Case workers see persons they created or whose case they may open; coordination sees all."""
    from core.cases import access
    from core.cases.models import Case

    if access.can_supervise():
        return True
    if not access.can_work():
        return False
    if person.created_by_id == user.id:
        return True
    return (
        db.session.scalar(
            select(Case.id).where(
                Case.person_id == person.id, access.visible_condition(user.id, supervise=False)
            )
        )
        is not None
    )


def ensure_person(actor, person: Person) -> None:
    """The write services' own visibility check: a person ``actor`` may not see is a 404, the
    same answer as a person that does not exist (HTML and API alike). Jobs, the CLI and the demo
    builder run outside a request and act for the organisation."""
    from werkzeug.exceptions import NotFound

    if _acting(actor) and not can_see_person(person, actor):
        raise NotFound()


def can_see_household(household: Household, user) -> bool:
    """A household is visible through a member the user may see."""
    return any(can_see_person(m.person, user) for m in household_members(household))


def household_members(household: Household) -> list[HouseholdMember]:
    return list(
        db.session.scalars(
            select(HouseholdMember).where(HouseholdMember.household_id == household.id)
        )
    )
