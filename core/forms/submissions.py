"""Form submissions: which forms a tenant has; starting, saving, finalising, correcting them.

Shared by the HTML views, the JSON API and the demo. Every permission check lives here: a
submission is as visible as what it is attached to (a case the user may open, a person or a
household they may see), writing needs case work, and an object of another tenant or one the
user may not see is a 404, the same answer as one that does not exist. Functions write into the
running transaction and never commit (the caller does, once). Audit rows are content-free (ids
and the form key); a runtime hook ``lotse_form_saved`` follows every draft save and
finalisation, so other domains (eligibility) can react inside the same transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.exceptions import Forbidden, NotFound

from core.audit import services as audit
from core.db import db, utcnow
from core.forms.models import FormSubmission
from core.schemas import ValidationError

# --- definitions ---------------------------------------------------------------------------


def form_definitions(tenant, hooks=None) -> dict[tuple[str, int], Any]:
    """Every definition the tenant has by ``(key, version)``: core's (the assessment form) and
    those of the plugins it enabled, through the tenant's relay."""
    from core.forms.services import form_definitions as collect_definitions

    return collect_definitions(tenant, hooks)


def current_definitions(tenant) -> dict[str, Any]:
    """The newest version of each form, by key, in title order."""
    from core.forms.services import latest_definitions

    newest = latest_definitions(tenant)
    return dict(sorted(newest.items(), key=lambda item: str(item[1].title).casefold()))


def definition(tenant, key: str, version: int | None = None):
    """The tenant's definition ``key`` (the newest, or ``version``); None when it has none."""
    if version is None:
        return current_definitions(tenant).get(key)
    return form_definitions(tenant).get((key, version))


def definition_of(tenant, submission: FormSubmission):
    """The definition a submission was made with; None when the tenant no longer has it (its
    plugin was switched off): such a submission is kept but neither shown nor changed."""
    return form_definitions(tenant).get((submission.form_key, submission.form_version))


def phases_of(defn) -> tuple[str, ...]:
    return tuple(getattr(defn, "phases", ()) or ())


def attaches_to(defn) -> str:
    return getattr(defn, "attaches_to", "case") or "case"


def kind_of(target) -> str:
    """``"case"``, ``"person"`` or ``"household"``: what a form must attach to for ``target``."""
    from core.cases.models import Case
    from core.persons.models import Household, Person

    if isinstance(target, Case):
        return "case"
    if isinstance(target, Person):
        return "person"
    if isinstance(target, Household):
        return "household"
    return ""


def offered_for(tenant, kind: str) -> list:
    """The tenant's forms (newest versions, title order) that attach to ``kind``."""
    return [d for d in current_definitions(tenant).values() if attaches_to(d) == kind]


def offered_for_case(tenant, case) -> tuple[list, list]:
    """The case forms of the tenant: those offered in the case's current phase first, then the
    others (each list in title order)."""
    forms = offered_for(tenant, "case")
    in_phase = [d for d in forms if case.phase in phases_of(d)]
    return in_phase, [d for d in forms if d not in in_phase]


# --- who may see and change what -------------------------------------------------------------


def _acting(actor) -> bool:
    from core.auth.permissions import acting_member

    return acting_member(actor)


def _may_work() -> bool:
    from core.cases import access

    return access.can_work()


def ensure_target(actor, target, *, write: bool) -> None:
    """``target`` (a case, person or household) is visible to ``actor`` (else 404) and, for a
    write, ``actor`` may work on cases (else 403)."""
    from core.cases.models import Case
    from core.persons.models import Household, Person

    if not _acting(actor):
        return
    if isinstance(target, Case):
        from core.cases import access

        access.ensure_case(actor, target)
    elif isinstance(target, Person):
        from core.persons import services as persons

        persons.ensure_person(actor, target)
    elif isinstance(target, Household):
        from core.persons import services as persons

        if not persons.can_see_household(target, actor):
            raise NotFound()
    else:  # pragma: no cover - a programming error
        raise TypeError(f"forms attach to a case, person or household, not {target!r}")
    if write and not _may_work():
        raise Forbidden()


def target_of(submission: FormSubmission):
    """What the submission is attached to (its case, person or household)."""
    from core.cases.models import Case
    from core.persons.models import Household, Person

    if submission.attaches_to == "case":
        return db.session.scalar(select(Case).where(Case.id == submission.case_id))
    if submission.attaches_to == "household":
        return db.session.scalar(select(Household).where(Household.id == submission.household_id))
    return db.session.scalar(select(Person).where(Person.id == submission.person_id))


def get_submission(actor, tenant, submission_id: int, *, write: bool = False) -> FormSubmission:
    """The submission if ``actor`` may see it (and, with ``write``, work on it); a submission of
    another tenant, of something the actor may not see, or of a form the tenant no longer has
    is a 404."""
    submission = db.session.scalar(select(FormSubmission).where(FormSubmission.id == submission_id))
    if submission is None or definition_of(tenant, submission) is None:
        raise NotFound()
    target = target_of(submission)
    if target is None:
        raise NotFound()
    ensure_target(actor, target, write=write)
    return submission


def submission_for(actor, tenant, target, submission_id: int, *, write: bool = False):
    """A submission attached to ``target`` (an id from a URL under the case, person or
    household); anything else is a 404. A person's page shows only the person's own forms, not
    those of their cases."""
    submission = get_submission(actor, tenant, submission_id, write=write)
    kind = kind_of(target)
    if submission.attaches_to != kind or _target_id(submission, kind) != target.id:
        raise NotFound()
    return submission


def submission_for_case(actor, tenant, case, submission_id: int, *, write: bool = False):
    """A submission of ``case`` (an id from a URL under the case); anything else is a 404."""
    return submission_for(actor, tenant, case, submission_id, write=write)


def _target_id(submission: FormSubmission, kind: str) -> int | None:
    return {
        "case": submission.case_id,
        "person": submission.person_id,
        "household": submission.household_id,
    }.get(kind)


def _target_column(kind: str):
    return {
        "case": FormSubmission.case_id,
        "person": FormSubmission.person_id,
        "household": FormSubmission.household_id,
    }[kind]


# --- reading ---------------------------------------------------------------------------------


def submissions_for(actor, target) -> list[FormSubmission]:
    """Every submission attached to ``target`` (a case, person or household: drafts, finals,
    corrections), newest first. A person's list holds the person's own forms, not those of their
    cases. Submissions of forms the tenant no longer has stay stored but are not listed."""
    from core.tenancy.models import Tenant

    ensure_target(actor, target, write=False)
    tenant = db.session.get(Tenant, target.tenant_id)
    known = set(form_definitions(tenant))
    kind = kind_of(target)
    rows = db.session.scalars(
        select(FormSubmission)
        .where(FormSubmission.attaches_to == kind, _target_column(kind) == target.id)
        .order_by(FormSubmission.created_at.desc(), FormSubmission.id.desc())
    )
    return [s for s in rows if (s.form_key, s.form_version) in known]


def latest_final(case, key: str) -> FormSubmission | None:
    """The valid final submission of form ``key`` for the case (the newest not superseded)."""
    return db.session.scalar(
        select(FormSubmission)
        .where(
            FormSubmission.case_id == case.id,
            FormSubmission.form_key == key,
            FormSubmission.status == "final",
            FormSubmission.superseded_at.is_(None),
        )
        .order_by(FormSubmission.finalised_at.desc(), FormSubmission.id.desc())
        .limit(1)
    )


def history(submission: FormSubmission) -> list[FormSubmission]:
    """The whole chain the submission belongs to, first version first: who changed what when
    and why (each correction names its reason)."""
    first = submission
    seen = {first.id}
    while first.correction_of_id is not None:
        earlier = db.session.scalar(
            select(FormSubmission).where(FormSubmission.id == first.correction_of_id)
        )
        if earlier is None or earlier.id in seen:
            break
        seen.add(earlier.id)
        first = earlier
    chain, ids = [first], {first.id}
    while True:
        later = db.session.scalar(
            select(FormSubmission)
            .where(FormSubmission.correction_of_id == chain[-1].id)
            .order_by(FormSubmission.id)
            .limit(1)
        )
        if later is None or later.id in ids:
            return chain
        chain.append(later)
        ids.add(later.id)


def open_correction(final: FormSubmission) -> FormSubmission | None:
    """A draft correcting ``final`` that is still being worked on."""
    return db.session.scalar(
        select(FormSubmission).where(
            FormSubmission.correction_of_id == final.id, FormSubmission.status == "draft"
        )
    )


# --- writing ---------------------------------------------------------------------------------


def _sources(tenant, target, actor) -> dict[str, Any]:
    """What a definition's ``prefill`` may read (the engine takes only whitelisted attributes)."""
    from core.cases.models import Case
    from core.persons.models import Person

    sources: dict[str, Any] = {"tenant": tenant, "user": actor}
    if isinstance(target, Case):
        sources["case"] = target
        sources["person"] = target.person
    elif isinstance(target, Person):
        sources["person"] = target
    if sources.get("person") is not None:
        from core.consent.services import processing_basis_left

        sources["consent"] = {
            "processing": processing_basis_left(sources["person"].id, kinds=("processing",))
        }
    return sources


def start(actor, tenant, target, key: str, *, version: int | None = None) -> FormSubmission:
    """A new draft of form ``key`` for ``target`` (case, person or household), prefilled from
    the case and person data the definition names. A form the tenant does not have is a 404 (a
    form of a plugin it did not enable does not exist for it); a form that attaches to something
    else is an error at ``form_key``."""
    from core.forms import engine

    ensure_target(actor, target, write=True)
    defn = definition(tenant, key, version)
    if defn is None:
        raise NotFound()
    kind = kind_of(target)
    if attaches_to(defn) != kind:
        raise ValidationError({"form_key": [_("This form cannot be filled in here.")]})
    if kind == "case" and target.status == "closed":
        raise ValidationError({"form_key": [_("The case is closed: no new forms.")]})
    data = engine.prefill(defn, _sources(tenant, target, actor))
    submission = FormSubmission(
        form_key=defn.key,
        form_version=defn.version,
        attaches_to=kind,
        case_id=target.id if kind == "case" else None,
        person_id=target.person_id if kind == "case" else target.id if kind == "person" else None,
        household_id=target.id if kind == "household" else None,
        status="draft",
        data=_plain(data),
        computed={},
        version_no=1,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(submission)
    _touch(target)
    db.session.flush()
    audit.record(
        "form.started",
        actor=actor,
        obj=submission,
        form=defn.key,
        version=defn.version,
        case=submission.case_id,
        person=submission.person_id,
        household=submission.household_id,
    )
    return submission


def _touch(target) -> None:
    from core.cases.models import Case

    if isinstance(target, Case):
        from core.cases.services import touch

        touch(target)


def _writable(actor, tenant, submission: FormSubmission):
    """The definition of a draft ``actor`` may change; a final is an error (only a correction
    may follow it)."""
    defn = definition_of(tenant, submission)
    if defn is None:
        raise NotFound()
    target = target_of(submission)
    if target is None:
        raise NotFound()
    ensure_target(actor, target, write=True)
    if submission.status != "draft":
        raise ValidationError(
            {"_schema": [_("A final form cannot be changed; correct it instead.")]}
        )
    return defn, target


def _check(tenant, defn, raw: Mapping[str, Any], *, draft: bool) -> Any:
    """The engine's verdict on ``raw`` (types and limits; for a final also every rule that asks
    for an answer). Form-level errors (path ``""``) are reported under ``_schema``, as
    everywhere else in Lotse."""
    from core.forms import engine
    from core.plugins.providers import field_types

    result = engine.validate(defn, dict(raw), draft=draft, field_types=field_types(tenant, None))
    result.errors = {
        (path or "_schema"): [str(m) for m in messages]
        for path, messages in (result.errors or {}).items()
    }
    return result


def check_answers(tenant, defn, raw: Mapping[str, Any]) -> dict[str, list[str]]:
    """Every error a finalisation of ``raw`` would meet, without storing anything."""
    return _check(tenant, defn, raw, draft=False).errors


def save_draft(
    actor, tenant, submission: FormSubmission, raw: Mapping[str, Any], *, version=None
) -> FormSubmission:
    """Store ``raw`` answers in the draft: answers of the wrong kind or beyond a limit are errors
    at their fields (nothing stored); missing answers and the form's own rules (at least three
    ticked …) only count when the form is finalised. ``version`` (the
    row version the editor started from) turns a lost update into a conflict."""
    from core.conflicts import ConflictError

    defn, target = _writable(actor, tenant, submission)
    if version is not None and int(version) != submission.version:
        raise ConflictError({})
    result = _check(tenant, defn, raw, draft=True)
    if result.errors:
        raise ValidationError(result.errors)
    submission.data = _plain(result.data)
    submission.computed = _plain(result.computed)
    _touch(target)
    db.session.flush()
    audit.record("form.saved", actor=actor, obj=submission, form=submission.form_key)
    _announce(submission, actor)
    return submission


def finalise(
    actor, tenant, submission: FormSubmission, raw: Mapping[str, Any] | None = None
) -> FormSubmission:
    """Validate the answers in full (``raw``, or what the draft holds) and make the submission
    final: every error comes back at its field and nothing is stored. Finalising a correction
    supersedes the final it corrects."""
    defn, target = _writable(actor, tenant, submission)
    answers = dict(submission.data or {}) if raw is None else dict(raw)
    result = _check(tenant, defn, answers, draft=False)
    if result.errors:
        raise ValidationError(result.errors)
    now = utcnow()
    submission.data = _plain(result.data)
    submission.computed = _plain(result.computed)
    submission.status = "final"
    submission.finalised_at = now
    submission.finalised_by_id = getattr(actor, "id", None)
    if submission.correction_of_id is not None:
        corrected = db.session.scalar(
            select(FormSubmission).where(FormSubmission.id == submission.correction_of_id)
        )
        if corrected is not None and corrected.superseded_at is None:
            corrected.superseded_at = now
            corrected.superseded_by_id = submission.id
    _touch(target)
    db.session.flush()
    audit.record(
        "form.finalised",
        actor=actor,
        obj=submission,
        form=submission.form_key,
        version_no=submission.version_no,
        corrects=submission.correction_of_id,
    )
    _announce(submission, actor)
    return submission


def correct(actor, tenant, final: FormSubmission, reason: str) -> FormSubmission:
    """A correction of ``final``: a new draft in the same chain with the final's answers, the
    reason (required) and the next version number. The old final stays valid until the
    correction is finalised."""
    defn = definition_of(tenant, final)
    if defn is None:
        raise NotFound()
    target = target_of(final)
    if target is None:
        raise NotFound()
    ensure_target(actor, target, write=True)
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    errors: dict[str, list[str]] = {}
    if final.status != "final":
        errors["_schema"] = [_("Only a final form can be corrected; edit the draft instead.")]
    elif final.superseded_at is not None:
        errors["_schema"] = [_("This version has been corrected already; correct the newest.")]
    elif open_correction(final) is not None:
        errors["_schema"] = [_("A correction of this form is being worked on already.")]
    if not reason:
        errors["correction_reason"] = [_("Please give the reason for the correction.")]
    elif len(reason) > 2000:
        errors["correction_reason"] = [_("At most 2000 characters.")]
    if errors:
        raise ValidationError(errors)
    draft = FormSubmission(
        form_key=final.form_key,
        form_version=final.form_version,
        attaches_to=final.attaches_to,
        case_id=final.case_id,
        person_id=final.person_id,
        household_id=final.household_id,
        status="draft",
        data=dict(final.data or {}),
        computed=dict(final.computed or {}),
        correction_of_id=final.id,
        correction_reason=reason,
        version_no=final.version_no + 1,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(draft)
    _touch(target)
    db.session.flush()
    audit.record(
        "form.correction_started",
        actor=actor,
        obj=draft,
        form=final.form_key,
        corrects=final.id,
    )
    return draft


def create(
    actor, tenant, target, key: str, raw: Mapping[str, Any], *, final: bool, version=None
) -> FormSubmission:
    """Start a form and save (or finalise) its answers in one step (the API's one-call
    submission); any error leaves nothing behind (the caller rolls back)."""
    submission = start(actor, tenant, target, key, version=version)
    answers = {**(submission.data or {}), **dict(raw)}
    if final:
        return finalise(actor, tenant, submission, answers)
    return save_draft(actor, tenant, submission, answers)


def _announce(submission: FormSubmission, actor) -> None:
    from core import events

    events.form_saved(submission, actor=actor)


def _plain(value):
    """Answers as JSON can store them (dates as ISO strings, decimals as numbers)."""
    from datetime import date, datetime, time
    from decimal import Decimal

    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value
