"""End-to-end in a real browser: sign in, switch tenant, switch a plugin on and see it appear."""

from __future__ import annotations

import re

from playwright.sync_api import expect

PASSWORD = "lotse-demo"


def send_login(page, email, password=PASSWORD):
    """Fills in and sends the login form the page shows (tenant or platform)."""
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()


def sign_in(page, base, slug, email):
    page.goto(f"{base}/{slug}/login")
    send_login(page, email)
    expect(page).to_have_url(re.compile(rf"/{slug}/$"))


def test_sign_in_and_switch_tenant(demo, live_server, page, audit):
    page.goto(f"{live_server}/")
    audit.check("01-start")
    page.goto(f"{live_server}/oberhausen/login")
    audit.check("02-login-oberhausen")
    send_login(page, "verbund@lotse.demo", "falsch-falsch-falsch")
    expect(page.get_by_role("alert")).to_contain_text(
        "E-Mail-Adresse oder Passwort ist nicht richtig"
    )
    audit.check("03-login-error")
    sign_in(page, live_server, "oberhausen", "verbund@lotse.demo")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Guten Tag")
    audit.check("04-dashboard-oberhausen")
    page.get_by_text("Mandant wechseln").click()
    page.get_by_role("button", name=re.compile("Jugendmigrationsdienst")).click()
    expect(page).to_have_url(re.compile(r"/jmd-oberhausen/$"))
    expect(page.locator(".brand__name")).to_contain_text("Jugendmigrationsdienst")
    audit.check("05-dashboard-jmd-after-switch")
    # The old tenant now asks before moving the session back.
    page.goto(f"{live_server}/oberhausen/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stadt Oberhausen")
    audit.check("06-switch-confirmation")


def test_admin_enables_plugin_and_sees_it(demo, live_server, page, audit):
    sign_in(page, live_server, "viersen", "admin@viersen.demo")
    nav = page.get_by_role("navigation", name="Hauptnavigation")
    nav.get_by_role("link", name="Administration", exact=True).click()
    audit.check("10-admin-plugins")
    card = page.locator("#plugin-interpreters")
    card.get_by_role("button", name=re.compile("Ausschalten")).click()
    expect(page.locator(".flash--success")).to_contain_text("Ausgeschaltet")
    expect(nav.get_by_role("link", name="Dolmetscher*innen")).to_have_count(0)
    page.goto(f"{live_server}/viersen/interpreters/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Seite nicht gefunden")
    audit.check("11-plugin-off-404")
    page.goto(f"{live_server}/viersen/admin/plugins")
    page.locator("#plugin-interpreters").get_by_role(
        "button", name=re.compile("Einschalten")
    ).click()
    expect(page.locator(".flash--success")).to_contain_text("Eingeschaltet")
    nav.get_by_role("link", name="Dolmetscher*innen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dolmetscher*innen")
    expect(page.get_by_role("table")).to_contain_text("Demo-Haddad")
    audit.check("12-interpreters")
    page.get_by_label("Sprache oder Dialekt").fill("tigrinya")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("table")).to_contain_text("Demo-Tesfay")
    expect(page.get_by_role("table")).not_to_contain_text("Demo-Haddad")
    page.get_by_role("link", name="Dolmetscher*in hinzufügen").click()
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("13-interpreter-form-errors")
    for path, name in [
        ("/viersen/admin/users", "14-admin-users"),
        ("/viersen/admin/org-units", "15-admin-org-units"),
        ("/viersen/admin/settings", "16-admin-settings"),
        ("/viersen/admin/plugins/interpreters/settings", "17-plugin-settings"),
        ("/viersen/admin/users/new", "18-admin-user-new"),
        ("/viersen/account", "19-account"),
    ]:
        page.goto(f"{live_server}{path}")
        audit.check(name)
    page.get_by_role("link", name="Zwei-Faktor-Anmeldung einschalten").click()
    audit.check("20-second-factor-setup")


def test_dpo_and_operator_pages(demo, live_server, page, audit):
    sign_in(page, live_server, "kleve", "dsb@kleve.demo")
    page.get_by_role("link", name="Protokoll").click()
    expect(page.get_by_role("table")).to_contain_text("auth.login")
    audit.check("30-audit-trail")
    page.get_by_role("link", name="Datenschutz", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Datenschutz")
    audit.check("30a-privacy-overview")
    page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
        "link", name="Weitergaben"
    ).click()
    audit.check("30b-disclosure-register")
    page.get_by_role("button", name="Abmelden").click()
    page.goto(f"{live_server}/platform/login")
    audit.check("31-platform-login")
    send_login(page, "betrieb@lotse.demo")
    expect(page.get_by_role("table")).to_contain_text("Kreis Höxter")
    audit.check("32-platform-tenants")
    page.get_by_role("link", name="Kreis Kleve").click()
    audit.check("33-platform-tenant")
    page.goto(f"{live_server}/platform/tenants/new")
    page.get_by_role("button", name="Mandant anlegen").click()
    expect(page.locator(".error-summary")).to_be_visible()
    audit.check("34-platform-new-tenant-errors")
    page.goto(f"{live_server}/kleve/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Seite nicht gefunden")
    audit.check("35-operator-tenant-404")


def test_invitation_is_accepted_by_its_owner(demo, live_server, page, audit):
    """An administrator invites an existing account; only its owner, signed in, can accept."""
    sign_in(page, live_server, "viersen", "admin@viersen.demo")
    page.goto(f"{live_server}/viersen/admin/users/new")
    page.get_by_label("E-Mail-Adresse").fill("cm@kleve.demo")
    page.get_by_label("Name").fill("Beratung aus Kleve")
    page.get_by_label("Case Management").check()
    page.get_by_role("button", name="Einladung senden").click()
    expect(page.locator(".flash--success")).to_contain_text(
        "Eine Einladung wurde an cm@kleve.demo geschickt"
    )
    expect(page.get_by_role("table").nth(1)).to_contain_text("cm@kleve.demo")
    audit.check("21-admin-invitation-sent")
    page.get_by_role("button", name="Abmelden").click()
    page.goto(f"{live_server}/viersen/password/forgot")
    audit.check("22-forgot-password")
    page.goto(f"{live_server}/viersen/login")
    send_login(page, "cm@kleve.demo")
    expect(page).to_have_url(re.compile(r"/viersen/invitation$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Einladung zu Kreis Viersen")
    audit.check("23-invitation")
    page.get_by_role("button", name="Einladung annehmen").click()
    expect(page).to_have_url(re.compile(r"/viersen/$"))
    expect(page.locator(".flash--success")).to_contain_text("Willkommen")
