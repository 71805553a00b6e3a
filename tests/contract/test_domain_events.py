"""Domain events (``core.events``): a domain announces a change, plugins and core's own
subscribers react through the hooks of the "Domain events" section of core/hookspecs.py. One test
per hook (``test_hook_<name>``), through the real services."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from core.db import db
from core.tenancy.context import tenant_scope
from tests.contract.plugin_kit import build_app, fake_plugin

seen: list = []


def _listener_plugin():
    def lotse_person_changed(person, changes, actor, request_id):
        seen.append(("person", person.id, dict(changes), request_id))

    def lotse_consent_revoked(consent, revocation, actor, ends_processing):
        from core.persons.models import Person

        person = db.session.get(Person, consent.person_id)
        # Core applies the revocation policy after the plugins: the file is still untouched.
        seen.append(("revoked", consent.id, ends_processing, person.processing_revoked_at))

    def lotse_case_closed(case, actor):
        seen.append(("closed", case.id, case.status, case.closure_reason))

    def lotse_processing_end_consequences(tenant, person):
        from core.plugin_api import Consequences

        return Consequences((LISTENER_LINE,))

    return fake_plugin(
        "listener",
        lotse_person_changed=lotse_person_changed,
        lotse_consent_revoked=lotse_consent_revoked,
        lotse_case_closed=lotse_case_closed,
        lotse_processing_end_consequences=lotse_processing_end_consequences,
    )


LISTENER_LINE = "Offene Vermittlungen des Listeners werden zurückgezogen."


@pytest.fixture
def events_app(_db_url, tmp_path, app):
    seen.clear()
    return build_app(_db_url, tmp_path, _listener_plugin())


def _tenant(events_app, make_tenant, slug, *, listening=True):
    from core.plugins.services import enable_plugin
    from core.tenancy.models import Tenant

    tenant = make_tenant(slug)
    if listening:
        with events_app.app_context(), tenant_scope(tenant):
            enable_plugin(db.session.get(Tenant, tenant.id), "listener")
            db.session.commit()
    return tenant


def _person(actor=None):
    from core.persons.services import create_person

    return create_person(actor, {"first_name": "Ereignis", "last_name": "Probe"})


def _form(person):
    from core.persons.services import PERSON_FIELDS

    return {f: getattr(person, f) for f in PERSON_FIELDS}


def test_hook_lotse_person_changed(events_app, make_tenant):
    from core.persons.services import update_person
    from core.privacy.models import PersonChange

    tenant = _tenant(events_app, make_tenant, "ev-person")
    with events_app.test_request_context(), tenant_scope(tenant):
        person = _person()
        update_person(None, person, {**_form(person), "city": "Kleve", "version": person.version})
        update_person(None, person, {**_form(person), "version": person.version})  # no change
        db.session.commit()
        assert seen == [("person", person.id, {"city": ("", "Kleve")}, None)]
        # core's own subscriber wrote the correction trail (Art. 16)
        trail = db.session.scalars(select(PersonChange).where(PersonChange.person_id == person.id))
        assert [(c.field, c.old_value, c.new_value) for c in trail] == [("city", "", "Kleve")]


def test_core_subscribers_are_always_on(events_app, make_tenant):
    """A tenant without the listener plugin: the plugin hears nothing, core still reacts."""
    from core.persons.services import update_person
    from core.privacy.models import PersonChange

    tenant = _tenant(events_app, make_tenant, "ev-quiet", listening=False)
    with events_app.test_request_context(), tenant_scope(tenant):
        person = _person()
        update_person(None, person, {**_form(person), "city": "Goch", "version": person.version})
        db.session.commit()
        assert seen == []
        assert db.session.scalar(select(PersonChange).where(PersonChange.person_id == person.id))


def test_hook_lotse_consent_revoked(events_app, make_tenant):
    from core.consent import services as consent
    from core.consent.models import ConsentRevocation
    from core.persons.models import Person
    from core.tenancy.models import Tenant

    tenant = _tenant(events_app, make_tenant, "ev-consent")
    with events_app.test_request_context(), tenant_scope(tenant):
        consent.ensure_defaults(db.session.get(Tenant, tenant.id))
        version = consent.current_versions()[0]
        person = _person()
        record = consent.record_consent(
            None,
            person,
            {
                "template_version_id": version.id,
                "recipient_keys": list(version.recipient_keys),
                "purposes": list(version.purposes),
                "granted_on": date.today().isoformat(),
            },
        )
        partly = consent.revoke(None, record, {"recipient_keys": [version.recipient_keys[0]]})
        revocation = consent.revoke(None, record, {})
        db.session.commit()
        assert seen == [("revoked", record.id, False, None), ("revoked", record.id, True, None)]
        assert getattr(partly, "policy_log", None) is None
        # then core applied the revocation policy (processing stops at once, the file is
        # anonymised) and left its log on the revocation for the page that recorded it
        assert db.session.get(Person, person.id).processing_revoked_at is not None
        assert db.session.get(Person, person.id).anonymised_at is not None
        assert revocation.policy_log is not None
        assert db.session.get(ConsentRevocation, revocation.id) is revocation


def test_hook_lotse_processing_end_consequences(events_app, make_tenant):
    """The confirmation page of a revocation: privacy says what the tenant's policy does (here
    anonymise, irreversible), the listener adds its line where it is switched on; a revocation
    that leaves the file as it is asks nobody. Nothing is written."""
    from core.consent import services as consent
    from core.consent.models import ConsentRevocation
    from core.tenancy.models import Tenant

    for slug, listening in (("ev-preview", True), ("ev-preview-quiet", False)):
        tenant = _tenant(events_app, make_tenant, slug, listening=listening)
        with events_app.test_request_context(), tenant_scope(tenant):
            t = db.session.get(Tenant, tenant.id)
            consent.ensure_defaults(t)
            version = consent.current_versions()[0]
            record = consent.record_consent(
                None,
                _person(),
                {
                    "template_version_id": version.id,
                    "recipient_keys": list(version.recipient_keys),
                    "purposes": list(version.purposes),
                    "granted_on": date.today().isoformat(),
                },
            )
            partly = consent.revocation_consequences(t, record, whole=False)
            full = consent.revocation_consequences(t, record)
            assert len(partly.lines) == 2 and not partly.irreversible
            assert full.irreversible and any("anonymisiert" in line for line in full.lines)
            assert (LISTENER_LINE in full.lines) is listening
            assert LISTENER_LINE not in partly.lines
            assert db.session.scalar(select(ConsentRevocation.id)) is None


def test_hook_lotse_case_closed(events_app, make_tenant):
    from core.cases import services as cases
    from core.tenancy.models import Tenant

    tenant = _tenant(events_app, make_tenant, "ev-case")
    with events_app.test_request_context(), tenant_scope(tenant):
        t = db.session.get(Tenant, tenant.id)
        case = cases.open_case(None, t, {"person_id": _person().id, "case_type": "case_management"})
        cases.close_case(None, t, case, {"closure_reason": "goals_achieved"})
        db.session.commit()
        assert seen == [("closed", case.id, "closed", "goals_achieved")]
