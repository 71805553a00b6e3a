"""Consent through the pages: record, disclose via the gate, revoke in one step, refused after."""

from __future__ import annotations

from core.audit.models import AuditEvent
from core.consent.models import Disclosure
from core.db import db
from core.tenancy.context import tenant_scope
from tests.conftest import REFERRAL


def test_consent_disclose_revoke_refuse(
    app, kreis, cm, browser, new_person, new_case, count_rows, signed_in
):
    person_id = new_person()
    case_id = new_case(person_id)
    status, html = browser.text(f"/fall/persons/{person_id}/consents")
    assert status == 200 and "Noch keine Einwilligung" in html
    disclose = f"/fall/cases/{case_id}/disclose"
    browser.get(disclose)
    refused = browser.post(disclose, REFERRAL)
    assert refused.status_code == 400 and "keine Schweigepflichtentbindung" in refused.get_data(
        as_text=True
    )
    browser.get(f"/fall/persons/{person_id}/consents")
    import re

    version_id = re.search(
        r'name="template_version_id"[^>]*>\s*<option value="(\d+)"',
        browser.get(f"/fall/persons/{person_id}/consents").get_data(as_text=True),
    ).group(1)
    bad = browser.post(
        f"/fall/persons/{person_id}/consents",
        {"template_version_id": version_id, "purposes": ["referral"]},
    )
    assert bad.status_code == 400 and "mindestens eine empfangende Stelle" in bad.get_data(
        as_text=True
    )
    ok = browser.post(
        f"/fall/persons/{person_id}/consents",
        {
            "template_version_id": version_id,
            "recipient_keys": ["jobcenter"],
            "purposes": ["referral"],
            "language": "de",
            "signed_by": "self",
        },
    )
    assert ok.status_code == 302
    browser.get(disclose)
    shared = browser.post(
        disclose,
        {
            "recipient_key": "jobcenter",
            "recipient_name": "Jobcenter, Team 3",
            "purpose": "referral",
            "channel": "referral",
            "data_categories": ["master_data", "needs"],
        },
    )
    assert shared.status_code == 302
    html = browser.get(f"/fall/persons/{person_id}/consents").get_data(as_text=True)
    consent_id = re.search(r"/consents/(\d+)/revoke", html).group(1)
    assert (
        browser.post(
            f"/fall/persons/{person_id}/consents/{consent_id}/revoke", {"confirmed": "1"}
        ).status_code
        == 302
    )
    browser.get(disclose)
    again = browser.post(disclose, REFERRAL)
    assert again.status_code == 400 and "widerrufen" in again.get_data(as_text=True)
    assert count_rows(kreis, Disclosure) == 1
    assert count_rows(kreis, AuditEvent, AuditEvent.action == "disclosure.refused") == 2
    # The DSB reads the register; case managers do not.
    assert browser.get("/fall/disclosures").status_code == 403
    dsb = signed_in(kreis, roles=["dpo"])
    html = dsb.get("/fall/disclosures").get_data(as_text=True)
    # The revoked release was the last basis of processing: the tenant's policy (anonymise by
    # default) ran at once. The register keeps the disclosure, without the free-text recipient.
    assert "Jobcenter / Agentur für Arbeit" in html and "Jobcenter, Team 3" not in html
    with app.app_context(), tenant_scope(kreis):
        from core.persons.models import Person

        assert db.session.get(Person, person_id).anonymised_at is not None


def test_override_is_listed_for_the_dpo(app, kreis, cm, browser, new_person, new_case, signed_in):
    case_id = new_case(new_person())
    disclose = f"/fall/cases/{case_id}/disclose"
    browser.get(disclose)
    response = browser.post(
        disclose,
        {
            "recipient_key": "city_services",
            "purpose": "referral",
            "channel": "phone",
            "data_categories": ["master_data"],
            "override_reason": "Gefahr im Verzug, § 34 StGB",
        },
    )
    assert response.status_code == 302
    dsb = signed_in(kreis, roles=["dpo"])
    assert "Gefahr im Verzug" in dsb.get("/fall/disclosures").get_data(as_text=True)


def test_printable_form_is_prefilled_and_audited(app, kreis, cm, browser, new_person, count_rows):
    import re

    person_id = new_person(street="Marktstraße 1", city="Oberhausen")
    html = browser.get(f"/fall/persons/{person_id}/consents").get_data(as_text=True)
    link = (
        re.search(r'href="(/fall/persons/\d+/consents/form/\d+\?lang=de)"', html)
        .group(1)
        .replace("&amp;", "&")
    )
    status, page = browser.text(link)
    assert status == 200 and "Yılmaz" in page and "Marktstraße 1" in page and "Unterschrift" in page
    assert "Jobcenter" in page
    assert browser.get(link.replace("lang=de", "lang=xx")).status_code == 404
    assert count_rows(kreis, AuditEvent, AuditEvent.action == "consent.form_printed") == 1


def test_privacy_overview_for_the_dpo(app, kreis, cm, browser, new_person, new_case, signed_in):
    case_id = new_case(new_person())
    browser.get(f"/fall/cases/{case_id}/disclose")
    browser.post(f"/fall/cases/{case_id}/disclose", REFERRAL)
    boss = signed_in(kreis, roles=["coordinator"], name="Frau Aufsicht")
    boss.get(f"/fall/cases/{case_id}")
    assert browser.get("/fall/privacy").status_code == 403
    dsb = signed_in(kreis, roles=["dpo"])
    status, html = dsb.text("/fall/privacy")
    assert status == 200 and "Frau Aufsicht" in html
    assert '<p class="big-number">1</p>' in html  # one refused disclosure


def test_many_case_files_on_one_day_are_shown_to_the_dpo(
    app, kreis, cm, browser, new_person, new_case, signed_in
):
    """Above the tenant's threshold of different files per day, a reader appears on the DSB desk."""
    ids = [new_case(new_person(last_name=f"Leser{n}")) for n in range(3)]
    with app.app_context():
        from core.tenancy.models import Tenant

        tenant = db.session.get(Tenant, kreis.id)
        tenant.settings = {**(tenant.settings or {}), "unusual_reads_per_day": 2}
        db.session.commit()
    boss = signed_in(kreis, roles=["coordinator"], name="Herr Viel-Leser")
    for case_id in ids[:2]:
        boss.get(f"/fall/cases/{case_id}")
    dsb = signed_in(kreis, roles=["dpo"])
    section = dsb.text("/fall/privacy")[1].split("<h2>Viele Fallakten an einem Tag</h2>")[1]
    assert "Herr Viel-Leser" not in section  # two files: not more than the threshold
    boss.get(f"/fall/cases/{ids[2]}")
    section = dsb.text("/fall/privacy")[1].split("<h2>Viele Fallakten an einem Tag</h2>")[1]
    assert "Herr Viel-Leser" in section
