"""Consent through the JSON API: record, disclose, revoke, refusal with reason; the register."""

from __future__ import annotations

from core.audit.models import AuditEvent
from core.consent.models import Disclosure
from core.tenancy.context import tenant_scope
from tests.conftest import REFERRAL


def test_consent_api_flow(
    app, kreis, cm, browser, make_tenant, new_person, new_case, count_rows, signed_in
):
    person_id = new_person()
    case_id = new_case(person_id)
    api = browser.client
    headers = {"X-CSRFToken": browser.token}

    def disclose():
        """The same referral to the job centre, asked for at each stage of the release."""
        referral = {**REFERRAL, "case_id": case_id}
        return api.post("/fall/api/v1/disclosures", json=referral, headers=headers)

    assert api.get(f"/fall/api/v1/persons/{person_id}/consents").json == []
    refused = disclose()
    assert (
        refused.status_code == 422
        and "Schweigepflichtentbindung" in refused.json["errors"]["consent"][0]
    )
    with app.app_context(), tenant_scope(kreis):
        from core.consent.services import current_versions

        version_id = current_versions()[0].id
    bad = api.post(
        f"/fall/api/v1/persons/{person_id}/consents",
        json={"template_version_id": version_id, "purposes": ["referral"]},
        headers=headers,
    )
    assert bad.status_code == 422 and "recipient_keys" in bad.json["errors"]
    ok = api.post(
        f"/fall/api/v1/persons/{person_id}/consents",
        json={
            "template_version_id": version_id,
            "recipient_keys": ["jobcenter"],
            "purposes": ["referral"],
        },
        headers=headers,
    )
    assert ok.status_code == 201 and ok.json["status"] == "active"
    shared = disclose()
    assert shared.status_code == 201 and shared.json["legal_basis"] == "consent"
    revoked = api.post(
        f"/fall/api/v1/persons/{person_id}/consents/{ok.json['id']}/revoke",
        json={},
        headers=headers,
    )
    assert revoked.status_code == 201
    again = disclose()
    assert again.status_code == 422 and "widerrufen" in again.json["errors"]["consent"][0]
    assert count_rows(kreis, Disclosure) == 1
    assert count_rows(kreis, AuditEvent, AuditEvent.action == "disclosure.refused") == 2
    assert api.get("/fall/api/v1/disclosures").status_code == 403
    dsb = signed_in(kreis, roles=["dpo"])
    assert len(dsb.client.get("/fall/api/v1/disclosures").json) == 1
    # Another tenant's member gets 404 for all of it.
    other = make_tenant("anders")
    stranger = signed_in(other, roles=["case_manager", "dpo"])
    assert stranger.client.get(f"/fall/api/v1/persons/{person_id}/consents").status_code == 404
    assert stranger.client.get("/anders/api/v1/disclosures").json == []
