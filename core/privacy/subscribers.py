"""The privacy domain reacting to the other domains' events (:mod:`core.events`) and answering
their questions (what a revocation would do to the file).

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


@hookimpl
def lotse_processing_end_consequences(tenant, person):
    """The tenant's revocation policy, in words, with the numbers of what it touches."""
    from flask_babel import gettext as _

    from core.confirm import Consequences
    from core.privacy.requests import file_summary_line
    from core.privacy.retention import held_reason, policy

    counts = file_summary_line(person)
    hold = held_reason(person)
    if hold:
        return Consequences(
            (
                _(
                    "No consent is left to process this person's data on, but the file is kept: "
                    "%(reason)s. Processing "
                    "stops now (no disclosures, no new entries), the data-protection officer gets "
                    "a task, and the "
                    "organisation's rule is applied when the hold or restriction ends.",
                    reason=hold,
                ),
                counts,
            )
        )
    if policy(tenant).on_processing_revocation == "erase":
        return Consequences(
            (
                _(
                    "No consent is left to process this person's data on: under the "
                    "organisation's rules all data of the "
                    "person are erased at once, including documents. Only a content-free deletion "
                    "log remains."
                ),
                counts,
            ),
            irreversible=True,
        )
    return Consequences(
        (
            _(
                "No consent is left to process this person's data on: under the organisation's "
                "rules the file is "
                "anonymised at once. Names, contact data and all free text are removed, documents "
                "deleted, open "
                "cases closed; only statistical values remain."
            ),
            counts,
        ),
        irreversible=True,
    )
