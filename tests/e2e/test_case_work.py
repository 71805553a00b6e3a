"""A case manager's day in the browser: search before create, open a case, document, plan."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.e2e.test_browser import sign_in


def test_case_manager_walks_a_case(demo, live_server, page, audit):
    sign_in(page, live_server, "oberhausen", "cm@oberhausen.demo")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role("link", name="Fälle").click()
    audit.check("40-case-list")
    page.get_by_role("link", name="Neuer Fall").click()
    page.get_by_label("Vorname").fill("Leyla")
    page.get_by_label("Nachname").fill("Karadeniz-Beispiel")
    page.get_by_role("button", name="Suchen").click()
    audit.check("41-search-before-create")
    page.get_by_role("button", name="Neue Person anlegen").click()  # posts: no names in the URL
    page.get_by_label("Geburtsdatum").fill("1994-05-17")
    page.get_by_label("PLZ").fill("4604")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".error-summary")).to_contain_text("fünf Ziffern")
    audit.check("42-person-form-errors")
    page.get_by_label("PLZ").fill("46045")
    page.get_by_role("button", name="Speichern").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Karadeniz-Beispiel")
    audit.check("43-open-case-form")
    page.get_by_role("button", name="Fall eröffnen").click()
    expect(page.locator(".phase-bar")).to_be_visible()
    audit.check("44-case-overview")
    case_url = page.url
    page.get_by_role("navigation", name=re.compile("Bereiche der Fallakte")).get_by_role(
        "link", name="Kontakte"
    ).click()
    page.get_by_label("Datum").fill(date.today().isoformat())
    page.get_by_label("Dauer in Minuten").fill("50")
    page.get_by_label("Zusammenfassung").fill(
        "Erstgespräch mit Dolmetscherin, Anliegen Sprachkurs und Wohnung."
    )
    page.get_by_role("button", name="Kontakt speichern").click()
    expect(page.get_by_role("table")).to_contain_text("Erstgespräch mit Dolmetscherin")
    audit.check("45-contacts")
    page.goto(case_url)
    page.get_by_label("Neue Phase").select_option("access_check")
    page.get_by_role("button", name="Phase wechseln").click()
    expect(page.locator(".phase-bar__step.is-current")).to_contain_text("Zugangsprüfung")
    cases_nav = page.get_by_role("navigation", name=re.compile("Bereiche der Fallakte"))
    cases_nav.get_by_role("link", name="Zugangsprüfung").click()
    # No consent to processing yet: the page says so, and admitting is refused.
    expect(page.locator("#acc-rules").locator("xpath=..")).to_contain_text("fehlt")
    page.get_by_label(re.compile("Akute Krise")).check()
    page.get_by_role("button", name="Entscheidung erfassen").click()
    expect(page.locator(".error-summary")).to_contain_text("Einwilligung")
    expect(page.locator(".error-summary")).to_contain_text("akuter Krise")
    audit.check("46-access-check-errors")
    page.get_by_role("link", name="Einwilligung erfassen").click()
    # The release names one recipient - not the Jobcenter (the disclosure below is refused).
    page.locator("#f-recipient_keys input[type=checkbox]:not([value=jobcenter])").first.check()
    page.get_by_role("button", name="Einwilligung erfassen").click()
    expect(page.locator(".flash--success")).to_be_visible()
    page.goto(case_url)
    cases_nav.get_by_role("link", name="Zugangsprüfung").click()
    page.get_by_label(re.compile("Akute Krise")).check()
    page.get_by_label("Begründung der Aufnahme wegen akuter Krise").fill(
        "Wohnungsverlust droht, Checkliste folgt"
    )
    page.get_by_role("button", name="Entscheidung erfassen").click()
    expect(page.locator(".flash--success")).to_be_visible()
    audit.check("46-after-access-decision")
    page.goto(case_url)
    page.get_by_role("navigation", name=re.compile("Bereiche der Fallakte")).get_by_role(
        "link", name="Ziele"
    ).click()
    page.get_by_label("Lebensbereich").select_option("language")
    page.locator("#f-title").fill("Deutschkurs B1 bis zum Sommer abschließen")
    page.get_by_role("button", name="Ziel speichern").click()
    audit.check("47-goals")
    page.get_by_role("navigation", name=re.compile("Bereiche der Fallakte")).get_by_role(
        "link", name="Hilfeplan"
    ).click()
    page.get_by_role("button", name="Hilfeplan beginnen").click()
    page.get_by_label("Maßnahme").fill("Anmeldung beim Integrationskursträger")
    page.get_by_role("button", name="Maßnahme hinzufügen").click()
    page.get_by_label("Überprüfung am").fill((date.today() + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Vereinbaren").click()
    expect(page.locator(".flash--success")).to_be_visible()
    audit.check("48-help-plan-agreed")
    page.get_by_role("link", name="Druckansicht für die Klient*in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hilfeplan")
    audit.check("49-help-plan-print")
    page.goto(f"{live_server}/oberhausen/follow-ups")
    audit.check("50-my-follow-ups")
    page.goto(case_url)
    page.get_by_role("link", name="Einwilligungen").click()
    audit.check("53-consents")
    page.goto(case_url)
    page.get_by_role("link", name="Daten weitergeben").click()
    page.get_by_label("Empfangende Stelle").select_option("jobcenter")
    page.get_by_role("button", name="Prüfen und festhalten").click()
    # Oberhausen asks for the client's agreement to every single disclosure (7.2).
    expect(page.locator(".error-summary")).to_contain_text("Einverständnis")
    page.get_by_label("Einverständnis der Klient*in").select_option("oral")
    page.get_by_role("button", name="Prüfen und festhalten").click()
    expect(page.get_by_role("alert")).to_contain_text("Schweigepflichtentbindung")
    audit.check("54-disclosure-refused")


def test_coordinator_sees_caseload(demo, live_server, page, audit):
    sign_in(page, live_server, "oberhausen", "koordination@oberhausen.demo")
    page.get_by_role("link", name="Fallzahlen").click()
    expect(page.get_by_role("table")).to_be_visible()
    audit.check("51-caseload")
    page.get_by_role("link", name="Vertretungen").click()
    audit.check("52-deputies")
