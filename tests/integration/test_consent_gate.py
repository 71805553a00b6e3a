"""The disclosure gate: every reason to refuse, nothing written on refusal, revocation at once."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.audit.models import AuditEvent
from core.auth.services import ValidationError
from core.consent import services as consent
from core.consent.models import Disclosure
from core.db import db
from core.persons.services import create_person
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant

TODAY = date.today()


@pytest.fixture
def ctx(app, make_tenant):
    tenant = make_tenant("gate")
    with app.test_request_context(), tenant_scope(tenant):
        t = db.session.get(Tenant, tenant.id)
        consent.ensure_defaults(t)
        person = create_person(
            None, {"first_name": "Nour", "last_name": "Beispiel", "birth_date": "1990-01-01"}
        )
        version = consent.current_versions()[0]
        db.session.commit()
        yield t, person, version


def _grant(person, version, **extra):
    data = {
        "template_version_id": version.id,
        "language": "de",
        "signed_by": "self",
        "recipient_keys": ["jobcenter", "schools_daycare"],
        "purposes": ["referral", "case_conference"],
        "granted_on": (TODAY - timedelta(days=10)).isoformat(),
    }
    data.update(extra)
    record = consent.record_consent(None, person, data)
    db.session.commit()
    return record


def _share(tenant, person, recipient="jobcenter", purpose="referral", **extra):
    return consent.disclose(
        None,
        tenant,
        person,
        recipient_key=recipient,
        purpose=purpose,
        channel="referral",
        data_categories=["master_data", "needs"],
        **extra,
    )


def _disclosures():
    return db.session.scalar(select(func.count()).select_from(Disclosure))


def _audited(action):
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == action)
    )


@pytest.mark.parametrize(
    "setup,fragment",
    [
        ("none", "keine Schweigepflichtentbindung"),
        ("other_recipient", "umfasst"),
        ("other_purpose", "Zweck"),
        ("expired", "abgelaufen"),
        ("revoked", "widerrufen"),
        ("future", "erst ab"),
    ],
)
def test_every_refusal_names_what_is_missing_and_writes_nothing(ctx, setup, fragment):
    tenant, person, version = ctx
    if setup == "other_recipient":
        _grant(person, version, recipient_keys=["schools_daycare"])
    elif setup == "other_purpose":
        _grant(person, version, purposes=["case_conference"])
    elif setup == "expired":
        _grant(person, version, valid_until=(TODAY - timedelta(days=1)).isoformat())
    elif setup == "revoked":
        record = _grant(person, version)
        consent.revoke(None, record, {"received_on": TODAY.isoformat()})
        db.session.commit()
    elif setup == "future":
        record = _grant(person, version, granted_on=TODAY.isoformat())
        decision = consent.check(person, "jobcenter", "referral", at=TODAY - timedelta(days=1))
        assert not decision.allowed and fragment in decision.reason
        return
    with pytest.raises(consent.ConsentRefused) as refused:
        _share(tenant, person)
    db.session.rollback()
    assert fragment in refused.value.decision.reason
    consent.record_refusal(None, person, "jobcenter", "referral")
    db.session.commit()
    assert _disclosures() == 0
    assert _audited("disclosure.refused") == 1


def test_valid_release_registers_the_disclosure(ctx):
    tenant, person, version = ctx
    record = _grant(person, version)
    row = _share(tenant, person)
    db.session.commit()
    assert (row.legal_basis, row.consent_id, row.recipient_key) == (
        "consent",
        record.id,
        "jobcenter",
    )
    assert _disclosures() == 1


def test_partial_revocation_keeps_other_recipients(ctx):
    tenant, person, version = ctx
    record = _grant(person, version)
    consent.revoke(None, record, {"recipient_keys": ["jobcenter"]})
    db.session.commit()
    assert not consent.check(person, "jobcenter", "referral").allowed
    assert consent.check(person, "schools_daycare", "referral").allowed


def test_revocation_before_receipt_date_does_not_reach_back(ctx):
    tenant, person, version = ctx
    record = _grant(person, version)
    consent.revoke(None, record, {"received_on": TODAY.isoformat()})
    db.session.commit()
    assert consent.check(person, "jobcenter", "referral", at=TODAY - timedelta(days=2)).allowed
    assert not consent.check(person, "jobcenter", "referral", at=TODAY).allowed


def test_override_needs_a_reason_and_is_audited(ctx):
    tenant, person, version = ctx
    row = _share(tenant, person, override_reason="Akute Kindeswohlgefährdung, § 8a SGB VIII")
    db.session.commit()
    assert row.legal_basis == "override" and row.consent_id is None
    assert (
        db.session.scalar(
            select(AuditEvent.action).where(AuditEvent.action == "disclosure.override")
        )
        == "disclosure.override"
    )


def test_strict_tenant_requires_confirmation_per_disclosure(ctx):
    tenant, person, version = ctx
    _grant(person, version)
    tenant.settings = {**tenant.settings, "consent_strict": True}
    db.session.commit()
    with pytest.raises(ValidationError) as missing:
        _share(tenant, person)
    db.session.rollback()
    assert "confirmation" in missing.value.errors
    assert _share(tenant, person, confirmation="oral").confirmation == "oral"


def test_under_16_needs_a_guardian(ctx):
    tenant, person, version = ctx
    child = create_person(
        None,
        {
            "first_name": "Kind",
            "last_name": "Beispiel",
            "birth_date": (TODAY - timedelta(days=365 * 12)).isoformat(),
        },
    )
    with pytest.raises(ValidationError) as refused:
        _grant(child, version)
    db.session.rollback()
    assert "unter 16" in refused.value.errors["signed_by"][0]
    child = create_person(
        None,
        {
            "first_name": "Kind",
            "last_name": "Beispiel",
            "birth_date": (TODAY - timedelta(days=365 * 12)).isoformat(),
        },
    )
    _grant(child, version, signed_by="guardian", guardian_name="Mutter Beispiel")
    assert consent.check(child, "jobcenter", "referral").allowed


def test_consent_covers_listed_minor_children(ctx):
    tenant, person, version = ctx
    child = create_person(None, {"first_name": "Sohn", "last_name": "Beispiel"})
    db.session.flush()
    _grant(person, version, covered_person_ids=[child.id])
    assert consent.check(child, "jobcenter", "referral").allowed
