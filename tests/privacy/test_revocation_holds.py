"""Revocation of the processing consent: a legal hold or an Art. 18 restriction wins (the file is
kept frozen and the policy runs when the hold ends), a consent of the kind "processing" starts the
policy although a release still stands, and the HTML asks for confirmation first (issue #8,
items 14, 15 and 20)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from core.cases.models import FollowUp
from core.consent import services as consent
from core.consent.models import (
    ConsentRecord,
    ConsentRevocation,
    Disclosure,
)
from core.db import db
from core.persons.models import Person
from core.privacy import retention
from core.privacy.models import DeletionLog, RetentionHold
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant
from tests.conftest import REFERRAL
from tests.privacy.conftest import set_retention, write_journal


def _release_id(cm, person_id) -> str:
    html = cm.get(f"/priv/persons/{person_id}/consents").get_data(as_text=True)
    return re.search(r"/consents/(\d+)/revoke", html).group(1)


@pytest.fixture
def add_processing_consent(app, world, make_processing_template):
    """``add_processing_consent(person_id)`` → id of a separate consent to processing besides
    the release (JMD-style forms)."""

    def add(person_id) -> int:
        version_id = make_processing_template(world["tenant"])
        with app.test_request_context(), tenant_scope(world["tenant"]):
            record = consent.record_consent(
                None,
                db.session.get(Person, person_id),
                {
                    "template_version_id": version_id,
                    "purposes": ["counselling"],
                    "granted_on": (date.today() - timedelta(days=2)).isoformat(),
                },
            )
            db.session.commit()
            return record.id

    return add


def test_revocation_under_a_legal_hold_stops_processing_and_waits_for_the_release(
    app, world, sign_in
):
    set_retention(app, world["tenant"], "erase")
    a = world["a"]
    dpo = sign_in("priv", world["email_dpo"])
    assert (
        dpo.post(f"/priv/persons/{a.person_id}/holds", {"reason": "Klage anhängig"}).status_code
        == 302
    )
    cm = sign_in("priv", world["email"])
    consent_id = _release_id(cm, a.person_id)
    # First the consequences, without JavaScript; nothing is recorded yet.
    page = cm.post(
        f"/priv/persons/{a.person_id}/consents/{consent_id}/revoke",
        {"received_on": date.today().isoformat()},
    )
    text = page.get_data(as_text=True)
    assert (
        page.status_code == 200
        and 'name="confirmed" value="1"' in text
        and "Klage anhängig" in text
    )
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.scalar(select(func.count()).select_from(ConsentRevocation)) == 0
    response = cm.post(
        f"/priv/persons/{a.person_id}/consents/{consent_id}/revoke",
        {"received_on": date.today().isoformat(), "confirmed": "1"},
    )
    assert response.status_code == 302
    with app.app_context(), tenant_scope(world["tenant"]):
        person = db.session.get(Person, a.person_id)
        assert (
            person is not None
            and person.anonymised_at is None
            and person.processing_revoked_at is not None
        )
        assert db.session.scalar(select(func.count()).select_from(ConsentRevocation)) == 1
        assert db.session.scalar(select(func.count()).select_from(DeletionLog)) == 0
        tasks = db.session.scalars(select(FollowUp).where(FollowUp.kind == "revocation_held")).all()
        assert len(tasks) == 1 and tasks[0].done_at is None and "PersA" not in tasks[0].title
        disclosures = db.session.scalar(select(func.count()).select_from(Disclosure))
        hold_id = db.session.scalar(
            select(RetentionHold.id).where(RetentionHold.person_id == a.person_id)
        )
    # Processing stopped: no disclosure (not even with an override), no new entry.
    refused = cm.post(
        f"/priv/cases/{a.case_id}/disclose",
        {**REFERRAL, "override_reason": "Gefahr im Verzug", "confirmation": "oral"},
    )
    assert refused.status_code == 400 and "widerrufen" in refused.get_data(as_text=True)
    journal = write_journal(cm, a.case_id)
    assert journal.status_code == 400 and "widerrufen" in journal.get_data(as_text=True)
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.scalar(select(func.count()).select_from(Disclosure)) == disclosures
    # The DSB desk lists the waiting file; releasing the hold (after confirming) erases it.
    assert f"Datensatz Nr. {a.person_id}" in dpo.get("/priv/privacy").get_data(as_text=True)
    confirm = dpo.post(f"/priv/privacy/holds/{hold_id}/release", {})
    assert confirm.status_code == 200 and "sofort gelöscht" in confirm.get_data(as_text=True)
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is not None
    assert dpo.post(f"/priv/privacy/holds/{hold_id}/release", {"confirmed": "1"}).status_code == 302
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is None
        assert db.session.scalar(select(DeletionLog.rule)) == "revocation"
        assert all(
            t.done_at is not None
            for t in db.session.scalars(select(FollowUp).where(FollowUp.kind == "revocation_held"))
        )


def test_lifting_a_restriction_applies_the_waiting_revocation(app, world, sign_in):
    b = world["b"]
    dpo = sign_in("priv", world["email_dpo"])
    dpo.post(
        f"/priv/persons/{b.person_id}/restriction",
        {"restriction_reason": "Richtigkeit bestritten", "confirmed": "1"},
    )
    cm = sign_in("priv", world["email"])
    cm.post(
        f"/priv/persons/{b.person_id}/consents/{_release_id(cm, b.person_id)}/revoke",
        {"confirmed": "1"},
    )
    with app.app_context(), tenant_scope(world["tenant"]):
        person = db.session.get(Person, b.person_id)
        assert person.anonymised_at is None and person.processing_revoked_at is not None
        assert "PersBKanarieNachname" == person.last_name
    dpo.post(f"/priv/persons/{b.person_id}/restriction", {"lift": "1", "confirmed": "1"})
    with app.app_context(), tenant_scope(world["tenant"]):
        person = db.session.get(Person, b.person_id)
        assert person.anonymised_at is not None and "Kanarie" not in person.last_name


def test_the_retention_job_applies_a_revocation_when_the_hold_runs_out(app, world, sign_in):
    set_retention(app, world["tenant"], "erase")
    a = world["a"]
    dpo = sign_in("priv", world["email_dpo"])
    dpo.post(
        f"/priv/persons/{a.person_id}/holds",
        {"reason": "Prüfung", "until": date.today().isoformat()},
    )
    cm = sign_in("priv", world["email"])
    cm.post(
        f"/priv/persons/{a.person_id}/consents/{_release_id(cm, a.person_id)}/revoke",
        {"confirmed": "1"},
    )
    with app.test_request_context(), tenant_scope(world["tenant"]):
        tenant = db.session.get(Tenant, world["tenant"].id)
        retention.run(tenant, date.today())
        db.session.commit()
        assert db.session.get(Person, a.person_id) is not None  # the hold still runs today
        report = retention.run(tenant, date.today() + timedelta(days=1))
        db.session.commit()
        assert db.session.get(Person, a.person_id) is None and report["erased"] >= 1


def test_revoking_the_processing_consent_applies_the_policy_although_a_release_stands(
    app, world, sign_in, add_processing_consent
):
    set_retention(app, world["tenant"], "anonymise")
    a = world["a"]
    processing_id = add_processing_consent(a.person_id)
    cm = sign_in("priv", world["email"])
    with app.app_context(), tenant_scope(world["tenant"]):
        release = db.session.scalar(
            select(ConsentRecord).where(
                ConsentRecord.person_id == a.person_id,
                ConsentRecord.kind == "confidentiality_release",
            )
        )
        assert release is not None
    page = cm.post(f"/priv/persons/{a.person_id}/consents/{processing_id}/revoke", {})
    assert page.status_code == 200 and "anonymisiert" in page.get_data(as_text=True)
    cm.post(f"/priv/persons/{a.person_id}/consents/{processing_id}/revoke", {"confirmed": "1"})
    with app.app_context(), tenant_scope(world["tenant"]):
        person = db.session.get(Person, a.person_id)
        assert person.anonymised_at is not None and person.processing_revoked_at is not None
    refused = cm.post(f"/priv/cases/{a.case_id}/disclose", REFERRAL)
    assert refused.status_code == 400
    assert write_journal(cm, a.case_id, "x").status_code == 400


def test_revoking_a_release_keeps_the_file_while_a_processing_consent_stands(
    app, world, sign_in, add_processing_consent
):
    set_retention(app, world["tenant"], "erase")
    a = world["a"]
    add_processing_consent(a.person_id)
    cm = sign_in("priv", world["email"])
    release_id = _release_id(cm, a.person_id)
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(ConsentRecord, int(release_id)).kind == "confidentiality_release"
    page = cm.post(f"/priv/persons/{a.person_id}/consents/{release_id}/revoke", {})
    assert "bleibt" in page.get_data(as_text=True)
    cm.post(f"/priv/persons/{a.person_id}/consents/{release_id}/revoke", {"confirmed": "1"})
    with app.app_context(), tenant_scope(world["tenant"]):
        person = db.session.get(Person, a.person_id)
        assert (
            person is not None
            and person.processing_revoked_at is None
            and person.anonymised_at is None
        )


def test_api_revocation_needs_no_confirmation_and_reports_the_stop(app, world, new_browser):
    """The API has no extra step; the answer says processing stopped and nothing is erased yet."""
    set_retention(app, world["tenant"], "erase")
    a = world["a"]
    dpo = new_browser()
    dpo.login("priv", world["email_dpo"])
    hold = dpo.client.post(
        f"/priv/api/v1/persons/{a.person_id}/holds",
        json={"reason": "Klage"},
        headers={"X-CSRFToken": dpo.token},
    )
    assert hold.status_code == 201
    cm = new_browser()
    cm.login("priv", world["email"])
    with app.app_context(), tenant_scope(world["tenant"]):
        consent_id = db.session.scalar(
            select(ConsentRecord.id).where(ConsentRecord.person_id == a.person_id)
        )
    answer = cm.client.post(
        f"/priv/api/v1/persons/{a.person_id}/consents/{consent_id}/revoke",
        json={},
        headers={"X-CSRFToken": cm.token},
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["policy_applied"] is None and answer.json["processing_stopped"] is True
    released = dpo.client.post(
        f"/priv/api/v1/privacy/holds/{hold.json['id']}/release", headers={"X-CSRFToken": dpo.token}
    )
    assert released.status_code == 200
    with app.app_context(), tenant_scope(world["tenant"]):
        assert db.session.get(Person, a.person_id) is None
