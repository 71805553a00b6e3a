"""The privacy domain reacting to the other domains' events (:mod:`core.events`).

Registered as part of the built-in ``core.privacy`` plugin (:mod:`core.privacy.hooks`), so no
tenant can switch it off: the correction trail and the revocation policy are the law, not an option.
"""

from __future__ import annotations

from core import hookimpl


@hookimpl
def lotse_person_changed(person, changes, actor, request_id):
    """Old and new value of every changed master-data field go into the correction trail
    (Art. 16), tied to the rectification request behind them, if any."""
    from core.privacy.requests import record_changes

    before = {field: old for field, (old, _new) in changes.items()}
    after = {field: new for field, (_old, new) in changes.items()}
    record_changes(actor, person, before, after, request_id)


@hookimpl(trylast=True)
def lotse_consent_revoked(consent, revocation, actor, ends_processing):
    """Nothing left to process the data on: the tenant's policy erases or anonymises at once,
    unless a legal hold or an Art. 18 restriction keeps the file (then it waits, frozen). Runs
    after the plugins (``trylast``), which may still need the data."""
    if not ends_processing:
        return
    from core.db import db
    from core.persons.models import Person
    from core.privacy.retention import apply_revocation_policy
    from core.tenancy.models import Tenant

    person = db.session.get(Person, consent.person_id)
    revocation.policy_log = apply_revocation_policy(
        db.session.get(Tenant, consent.tenant_id), person, actor=actor
    )
