"""Data-subject requests (Art. 15–21 GDPR): recorded with the date of receipt, due one month later
(Art. 12(3)), with a follow-up for the person who recorded them.

Erasure needs a second pair of eyes: the person who decides must hold ``privacy.approve`` and may
not be the one who recorded the request. Restriction (Art. 18) freezes the record: it disappears
from search and lists, stays reachable for those who may see it, and refuses every change until the
restriction is lifted.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from core.audit import services as audit
from core.auth.services import ValidationError
from core.dates import add_months
from core.db import db, utcnow
from core.privacy import erasure
from core.privacy.erasure import privileged
from core.privacy.models import DataSubjectRequest, PersonChange, RetentionHold
from core.privacy.registry import registry, tenant_registry
from core.privacy.schemas import DecisionSchema, HoldSchema, RequestSchema, RestrictionSchema
from core.schemas import load


class RestrictedError(ValidationError):
    """A change to a person whose processing is restricted (Art. 18)."""

    def __init__(self):
        super().__init__(
            {
                "restricted": [
                    _(
                        "Processing of this person's data is restricted (Art. 18 GDPR). "
                        "Changes are only possible after the data-protection officer lifts the "
                        "restriction."
                    )
                ]
            }
        )


class ProcessingRevokedError(ValidationError):
    """A change to a file whose processing consent was revoked (kept only for a hold)."""

    def __init__(self):
        super().__init__(
            {
                "consent": [
                    _(
                        "The consent to process this person's data was revoked. The file is only "
                        "kept "
                        "because of a legal hold or restriction and cannot be changed."
                    )
                ]
            }
        )


class AnonymisedError(ValidationError):
    """A change to an anonymised file: it only serves statistics, names must not come back."""

    def __init__(self):
        super().__init__(
            {
                "anonymised": [
                    _(
                        "This file has been anonymised and only serves statistics. It cannot be "
                        "changed."
                    )
                ]
            }
        )


def kind_label(kind: str) -> str:
    return {
        "access": _("Access (Art. 15)"),
        "rectification": _("Rectification (Art. 16)"),
        "erasure": _("Erasure (Art. 17)"),
        "restriction": _("Restriction (Art. 18)"),
        "objection": _("Objection (Art. 21)"),
        "portability": _("Data portability (Art. 20)"),
    }.get(kind, kind)


def status_label(status: str) -> str:
    return {
        "open": _("open"),
        "done": _("done"),
        "rejected": _("rejected"),
        "erased": _("closed: the person's data were erased"),
    }.get(status, status)


def _case_of(person):
    from core.cases.models import Case

    return db.session.scalar(
        select(Case).where(Case.person_id == person.id).order_by(Case.id.desc()).limit(1)
    )


def create_request(actor, person, data) -> DataSubjectRequest:
    """Record a request (``data``: the raw input of
    :class:`~core.privacy.schemas.RequestSchema`)."""
    values = load(RequestSchema, data)
    kind, details = values["kind"], values["details"]
    received_on = values["received_on"] or date.today()
    request = DataSubjectRequest(
        person_id=person.id,
        kind=kind,
        received_on=received_on,
        due_on=add_months(received_on, 1),
        details=details,
        requested_by_id=getattr(actor, "id", None),
    )
    db.session.add(request)
    db.session.flush()
    from core.cases.follow_ups import ensure_follow_up

    ensure_follow_up(
        _case_of(person),
        getattr(actor, "id", None),
        request.due_on,
        _("Answer data-subject request no. %(n)d (%(kind)s)", n=request.id, kind=kind_label(kind)),
        "privacy_request",
        f"privacy-request:{request.id}",
    )
    audit.record("privacy.request_recorded", actor=actor, obj=request, person=person.id, kind=kind)
    return request


def register(limit: int | None = 500) -> list[DataSubjectRequest]:
    """Every request of the tenant (the register page and the API): open ones first, the most
    urgent on top."""
    stmt = select(DataSubjectRequest).order_by(
        (DataSubjectRequest.status == "open").desc(),
        DataSubjectRequest.due_on,
        DataSubjectRequest.id.desc(),
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(db.session.scalars(stmt))


def open_requests() -> list[DataSubjectRequest]:
    return list(
        db.session.scalars(
            select(DataSubjectRequest)
            .where(DataSubjectRequest.status == "open")
            .order_by(DataSubjectRequest.due_on, DataSubjectRequest.id)
        )
    )


def requests_of(person) -> list[DataSubjectRequest]:
    return list(
        db.session.scalars(
            select(DataSubjectRequest)
            .where(DataSubjectRequest.person_id == person.id)
            .order_by(DataSubjectRequest.received_on.desc(), DataSubjectRequest.id.desc())
        )
    )


def _close_follow_up(request) -> None:
    from core.cases.models import FollowUp

    for follow_up in db.session.scalars(
        select(FollowUp).where(FollowUp.source_key == f"privacy-request:{request.id}")
    ):
        follow_up.done_at = follow_up.done_at or utcnow()


def _decide(actor, request, status: str, note: str) -> DataSubjectRequest:
    if request.status != "open":
        raise ValidationError({"status": [_("This request has already been decided.")]})
    request.status, request.decision_note = status, note[:4000]
    request.decided_by_id, request.decided_at = getattr(actor, "id", None), utcnow()
    _close_follow_up(request)
    db.session.flush()
    audit.record(f"privacy.request_{status}", actor=actor, obj=request, kind=request.kind)
    return request


def reject(actor, request, note: str) -> DataSubjectRequest:
    """Refuse a request (e.g. an Art. 17(3) exception); the reason is mandatory."""
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {
                "decision_note": [
                    _("Please give the reason for the refusal; the person must be told.")
                ]
            }
        )
    return _decide(actor, request, "rejected", note)


def complete(actor, request, person, note: str = "") -> DataSubjectRequest:
    """Mark access, rectification, portability or objection requests as answered; restriction
    requests restrict the person; erasure requests go through :func:`execute_erasure`."""
    if request.kind == "erasure":
        raise ValidationError(
            {"kind": [_("Erasure is carried out with its own button, by a second person.")]}
        )
    if request.kind == "restriction":
        restrict(
            actor,
            person,
            request.details or _("Restriction requested (Art. 18 GDPR)"),
            request=request,
        )
    return _decide(actor, request, "done", (note or "").strip())


def decide(actor, tenant, request, person, data):
    """Decide a request (the page and the API): ``data`` is the raw input of
    :class:`~core.privacy.schemas.DecisionSchema` (``complete``, ``reject`` or ``erase``)."""
    values = load(DecisionSchema, data)
    note = values["decision_note"]
    if values["decision"] == "complete":
        return complete(actor, request, person, note)
    if values["decision"] == "reject":
        return reject(actor, request, note)
    return execute_erasure(actor, tenant, request, person, note)


def execute_erasure(actor, tenant, request, person, note: str = ""):
    """Four eyes: the decider is not the recorder. Erases (or, where the tenant only anonymises,
    anonymises) the person in this transaction and closes the request."""
    if request.kind != "erasure":
        raise ValidationError({"kind": [_("This is not an erasure request.")]})
    if request.status != "open":
        raise ValidationError({"status": [_("This request has already been decided.")]})
    if getattr(actor, "id", None) is not None and actor.id == request.requested_by_id:
        raise ValidationError(
            {
                "approver": [
                    _(
                        "A second person must approve the erasure: you recorded this request "
                        "yourself."
                    )
                ]
            }
        )
    if db.session.scalar(
        select(RetentionHold.id).where(
            RetentionHold.person_id == person.id, RetentionHold.released_at.is_(None)
        )
    ):
        raise ValidationError(
            {
                "hold": [
                    _("A legal hold protects this file. Release it first or refuse the request.")
                ]
            }
        )
    _decide(actor, request, "done", (note or "").strip())
    with privileged():
        return erasure.erase(
            person,
            tenant_registry(tenant),
            rule=f"request:{request.id}",
            actor=actor,
            request_id=request.id,
        )


def file_summary(person) -> dict:
    """Numbers for a confirmation page: cases (open), documents, registered disclosures."""
    from sqlalchemy import func

    from core.cases.models import Case
    from core.consent.models import Disclosure
    from core.documentation.models import Attachment

    case_ids = select(Case.id).where(Case.person_id == person.id)
    count = lambda stmt: db.session.scalar(stmt) or 0  # noqa: E731
    return {
        "cases": count(select(func.count()).select_from(Case).where(Case.person_id == person.id)),
        "open_cases": count(
            select(func.count())
            .select_from(Case)
            .where(Case.person_id == person.id, Case.status != "closed")
        ),
        "documents": count(
            select(func.count()).select_from(Attachment).where(Attachment.case_id.in_(case_ids))
        ),
        "disclosures": count(
            select(func.count()).select_from(Disclosure).where(Disclosure.person_id == person.id)
        ),
    }


def file_summary_line(person) -> str:
    """:func:`file_summary` as the sentence every confirmation page shows."""
    numbers = file_summary(person)
    return _(
        "Concerned: %(cases)d case(s), %(open)d of them open, %(documents)d document(s), "
        "%(disclosures)d "
        "registered disclosure(s).",
        cases=numbers["cases"],
        open=numbers["open_cases"],
        documents=numbers["documents"],
        disclosures=numbers["disclosures"],
    )


# --- restriction (Art. 18) ----------------------------------------------------------------


def restrict(actor, person, data, *, request=None) -> None:
    """Restrict processing (Art. 18). ``data``: the raw input of
    :class:`~core.privacy.schemas.RestrictionSchema`, or the reason itself as text."""
    if isinstance(data, str):
        data = {"restriction_reason": data}
    reason = load(RestrictionSchema, data)["restriction_reason"]
    with privileged():
        person.restricted_at = utcnow()
        person.restriction_reason = reason
        db.session.flush()
    audit.record(
        "privacy.restricted", actor=actor, obj=person, request=getattr(request, "id", None)
    )


def lift_restriction(actor, person) -> None:
    if person.restricted_at is None:
        raise ValidationError({"restricted": [_("This person's data are not restricted.")]})
    with privileged():
        person.restricted_at, person.restriction_reason = None, ""
        db.session.flush()
    audit.record("privacy.restriction_lifted", actor=actor, obj=person)
    _resume_revocation(actor, person)


def _resume_revocation(actor, person):
    """A revocation that waited for this hold or restriction applies the tenant's policy now."""
    from core.privacy.retention import resume_revocation
    from core.tenancy.models import Tenant

    if person is None or person.processing_revoked_at is None:
        return None
    return resume_revocation(db.session.get(Tenant, person.tenant_id), person, actor=actor)


# --- legal holds ----------------------------------------------------------------------------


def add_hold(actor, person, data) -> RetentionHold:
    """A legal hold (``data``: the raw input of :class:`~core.privacy.schemas.HoldSchema`)."""
    values = load(HoldSchema, data)
    hold = RetentionHold(
        person_id=person.id,
        reason=values["reason"],
        until=values["until"],
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(hold)
    db.session.flush()
    audit.record("privacy.hold_added", actor=actor, obj=hold, person=person.id)
    return hold


def release_hold(actor, hold: RetentionHold):
    """Release the hold; returns the deletion log if a waiting revocation now erases/anonymises."""
    from core.persons.models import Person

    hold.released_at = utcnow()
    db.session.flush()
    audit.record("privacy.hold_released", actor=actor, obj=hold)
    return _resume_revocation(actor, db.session.get(Person, hold.person_id))


def active_hold(hold_id: int) -> RetentionHold | None:
    return db.session.scalar(
        select(RetentionHold).where(
            RetentionHold.id == hold_id, RetentionHold.released_at.is_(None)
        )
    )


def holds_of(person) -> list[RetentionHold]:
    return list(
        db.session.scalars(
            select(RetentionHold).where(
                RetentionHold.person_id == person.id, RetentionHold.released_at.is_(None)
            )
        )
    )


# --- correction trail (Art. 16) -------------------------------------------------------------


def record_changes(actor, person, before: dict, after: dict, request_id: int | None = None) -> int:
    """Keep old and new value of every changed master-data field, visible on the person page."""
    count = 0
    for field, old in before.items():
        new = after.get(field)
        if old != new:
            old, new = _label(field, old), _label(field, new)
            db.session.add(
                PersonChange(
                    person_id=person.id,
                    field=field,
                    old_value=_text(old),
                    new_value=_text(new),
                    request_id=request_id,
                    actor_id=getattr(actor, "id", None),
                )
            )
            count += 1
    return count


def _label(field: str, value):
    """Coded fields enter the trail with their German name: pages never show the code."""
    from core import labels

    if field == "nationality":
        return labels.country_label(value, "de")
    if field == "interpreter_language":
        return labels.language_label(value, "de")
    if field == "languages":
        return [labels.language_label(code, "de") for code in value or []]
    return value


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def changes_of(person) -> list[PersonChange]:
    return list(
        db.session.scalars(
            select(PersonChange)
            .where(PersonChange.person_id == person.id)
            .order_by(PersonChange.at.desc(), PersonChange.id.desc())
        )
    )


# --- the freeze -----------------------------------------------------------------------------


def _person_ids_of(obj) -> set[int]:
    """Which client a pending change belongs to, using the registry's link of its table."""
    from core.cases.models import Case, HelpPlan
    from core.consent.models import ConsentRecord

    table = getattr(obj, "__tablename__", None)
    try:
        declaration = registry().tables.get(table)
    except RuntimeError:
        return set()
    if declaration is None or declaration.link in ("none", "household"):
        return set()
    if declaration.link == "self":
        return {obj.id} if obj.id is not None else set()
    if declaration.link == "person":
        return {obj.person_id} if getattr(obj, "person_id", None) else set()
    if declaration.link == "case":
        person_id = (
            db.session.scalar(select(Case.person_id).where(Case.id == obj.case_id))
            if obj.case_id
            else None
        )
    elif declaration.link == "plan":
        person_id = db.session.scalar(
            select(Case.person_id)
            .join(HelpPlan, HelpPlan.case_id == Case.id)
            .where(HelpPlan.id == obj.plan_id)
        )
    else:
        person_id = db.session.scalar(
            select(ConsentRecord.person_id).where(ConsentRecord.id == obj.consent_id)
        )
    return {person_id} if person_id else set()


@event.listens_for(Session, "before_flush")
def _refuse_changes_to_restricted(session, flush_context, instances):
    if session.info.get("lotse_privacy_privileged"):
        return
    from core.audit.models import AuditEvent
    from core.cases.models import FollowUp
    from core.consent.models import ConsentRevocation
    from core.persons.models import Person

    # The rights themselves stay usable on a frozen file: requests and their follow-ups, holds,
    # withdrawals (Art. 7(3)) and the audit trail.
    exempt = (AuditEvent, DataSubjectRequest, RetentionHold, ConsentRevocation)
    pending = [
        o
        for o in (*session.new, *session.dirty, *session.deleted)
        if not isinstance(o, exempt)
        and not (isinstance(o, FollowUp) and o.kind == "privacy_request")
    ]
    if not pending:
        return
    candidates = [o for o in pending if hasattr(o, "tenant_id") and hasattr(o, "__tablename__")]
    if not candidates:
        return
    with session.no_autoflush:
        ids: set[int] = set()
        for obj in candidates:
            if isinstance(obj, Person) and obj in session.dirty and not session.is_modified(obj):
                continue
            ids |= _person_ids_of(obj)
        if not ids:
            return
        frozen = session.execute(
            select(Person.restricted_at, Person.anonymised_at, Person.processing_revoked_at)
            .where(
                Person.id.in_(ids),
                Person.restricted_at.is_not(None)
                | Person.anonymised_at.is_not(None)
                | Person.processing_revoked_at.is_not(None),
            )
            .limit(1)
        ).first()
    if frozen is not None:
        if frozen.restricted_at is not None:
            raise RestrictedError()
        raise AnonymisedError() if frozen.anonymised_at is not None else ProcessingRevokedError()
