"""The data-protection pages in the browser: the DSB's desk, a data-subject request with four
eyes, restriction, consent forms with the Art. 13 sheet – each page checked by axe."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.test_browser import sign_in


def test_dsb_desk_and_consent_forms(demo, live_server, page, audit):
    sign_in(page, live_server, "oberhausen", "dsb@oberhausen.demo")
    page.get_by_role("link", name="Datenschutz", exact=True).click()
    expect(page.get_by_role("heading", name="Fällige Löschungen")).to_be_visible()
    audit.check("60-dsb-desk")
    page.get_by_role("link", name="Details").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fällige Löschungen")
    expect(page.get_by_role("table")).to_contain_text("person:")
    audit.check("61-due-deletions")
    page.go_back()
    page.get_by_role("link", name="Löschprotokoll").click()
    audit.check("62-deletion-log")
    page.go_back()
    page.get_by_role("link", name="Verzeichnis der Verarbeitungstätigkeiten (Art. 30)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Verarbeitungstätigkeiten")
    audit.check("63-records-of-processing")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Betroffenenanfragen"
    ).click()
    expect(page.get_by_role("table")).to_contain_text("Auskunft")
    audit.check("64-requests-register")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Einwilligungsformulare"
    ).click()
    audit.check("65-consent-forms")
    # Oberhausen's own form (Anlage 9.2.5, from its tenant.toml).
    page.get_by_role(
        "link",
        name="Einwilligungserklärung zur Datenverarbeitung und Schweigepflichtentbindungserklärung",
    ).first.click()
    audit.check("65a-consent-form-versions")
    page.get_by_role("link", name="AR", exact=True).click()
    expect(page.locator("[dir=rtl]").first).to_be_visible()
    audit.check("65b-information-sheet-arabic")


def test_coordinator_records_request_and_restricts(demo, live_server, page, audit):
    sign_in(page, live_server, "kleve", "koordination@kleve.demo")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Fälle").click()
    page.locator("table a").first.click()
    page.locator(".case-header h1 a").click()
    page.get_by_role(
        "link", name="Betroffenenrechte: Auskunft, Berichtigung, Löschung, Einschränkung"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Datenschutz und Rechte der betroffenen Person"
    )
    audit.check("66-person-privacy")
    page.get_by_role("button", name="Anfrage erfassen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("67-person-privacy-errors")
    page.locator("#f-kind").select_option("access")
    page.get_by_label("Was die Person verlangt").fill("Kopie aller Daten")
    page.get_by_role("button", name="Anfrage erfassen").click()
    expect(page.get_by_role("table").first).to_contain_text("Auskunft")
    page.get_by_role("link", name="Auskunftspaket (Art. 15)").click()
    audit.check("68-access-package")
    page.go_back()
    page.locator("#f-restriction_reason").fill("Die Person bestreitet die Richtigkeit der Adresse.")
    page.get_by_role("button", name="Verarbeitung einschränken").click()
    # A destructive action first says what will happen (no JavaScript needed).
    expect(page.get_by_role("heading", level=1)).to_have_text("Verarbeitung einschränken?")
    audit.check("69a-confirm-restriction")
    page.get_by_role("button", name="Ja, Verarbeitung einschränken").click()
    expect(page.locator(".notice--warn")).to_contain_text("Verarbeitung eingeschränkt")
    audit.check("69-person-restricted")
