"""Domain events: a domain says what happened, without knowing who reacts.

A lower domain never calls a higher one (persons never calls privacy); it calls one function
here, which calls the matching hook of ``core/hookspecs.py`` ("Domain events") through the
tenant's relay. The plugins the tenant enabled react, and so do core's own subscribers
(:mod:`core.privacy.subscribers`: built in, always on). Everything runs inside the transaction of
the change, so a subscriber that raises undoes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.auth.models import User
    from core.cases.models import Case
    from core.consent.models import ConsentRecord, ConsentRevocation
    from core.forms.models import FormSubmission
    from core.persons.models import Person
    from core.plugins.relay import TenantHookRelay


def person_changed(
    person: Person,
    changes: Mapping[str, tuple[Any, Any]],
    *,
    actor: User | None,
    request_id: int | None = None,
) -> None:
    """Master data of ``person`` changed: ``changes`` maps each field to ``(old, new)``."""
    if not changes:
        return
    _hooks(person.tenant_id).lotse_person_changed(
        person=person, changes=dict(changes), actor=actor, request_id=request_id
    )


def consent_revoked(
    consent: ConsentRecord,
    revocation: ConsentRevocation,
    *,
    actor: User | None,
    ends_processing: bool,
) -> None:
    """``consent`` was revoked; ``ends_processing``: nothing is left to process the data on."""
    _hooks(consent.tenant_id).lotse_consent_revoked(
        consent=consent, revocation=revocation, actor=actor, ends_processing=ends_processing
    )


def case_closed(case: Case, *, actor: User | None) -> None:
    """``case`` was closed."""
    _hooks(case.tenant_id).lotse_case_closed(case=case, actor=actor)


def form_saved(submission: FormSubmission, *, actor: User | None) -> None:
    """A form submission's draft was saved or the submission was finalised."""
    _hooks(submission.tenant_id).lotse_form_saved(submission=submission, actor=actor)


def _hooks(tenant_id: int) -> TenantHookRelay:
    from core.db import db
    from core.plugins.relay import hooks_for
    from core.tenancy.models import Tenant

    tenant = db.session.get(Tenant, tenant_id)
    if tenant is None:
        raise LookupError(f"no tenant {tenant_id}")
    return hooks_for(tenant)
