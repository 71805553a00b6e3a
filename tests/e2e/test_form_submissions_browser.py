"""The "Formulare" tab in the browser: start core's assessment, the form opens at its first
field, save, finalise after the confirmation, the read view and the print view; axe finds
nothing serious on any of them, and a phone never scrolls sideways."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.test_browser import sign_in


def _no_sideways_scroll(page) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.url
    page.set_viewport_size({"width": 1280, "height": 900})


def test_fill_in_and_finalise_a_form(demo, live_server, page, audit):
    sign_in(page, live_server, "oberhausen", "cm@oberhausen.demo")
    page.goto(f"{live_server}/oberhausen/cases/")
    page.locator("a[href*='/cases/']").filter(has_text=re.compile(r"\d{4}-\d+")).first.click()
    page.get_by_role("navigation", name=re.compile("Bereiche der Fallakte")).get_by_role(
        "link", name="Formulare"
    ).click()
    expect(page.get_by_role("heading", name="Ausgefüllte Formulare")).to_be_visible()
    audit.check("70-forms-tab")
    _no_sideways_scroll(page)
    # The forms of the case's phase come first; the others wait behind a disclosure.
    page.get_by_text(re.compile(r"Alle weiteren Formulare")).click()
    page.get_by_role("button", name=re.compile("Ausfüllen.*Assessment")).click()
    expect(page.get_by_role("heading", level=2, name=re.compile("Assessment"))).to_be_visible()
    # The form starts at its first field (a radio button of the first life area).
    assert page.evaluate("document.activeElement.type") == "radio"
    audit.check("71-form-edit")
    _no_sideways_scroll(page)
    page.get_by_label("Situation", exact=True).first.fill("Sucht eine Wohnung")
    page.get_by_role("button", name="Entwurf speichern").click()
    expect(page.locator(".flash, [role=status], .notice, .alert").first).to_be_visible()
    assert page.get_by_label("Situation", exact=True).first.input_value() == "Sucht eine Wohnung"
    page.get_by_role("button", name="Abschließen …").click()
    expect(page.get_by_role("heading", name=re.compile("abschließen\\?"))).to_be_visible()
    audit.check("72-form-confirm")
    page.get_by_role("button", name="Jetzt abschließen").click()
    expect(page.get_by_text("abgeschlossen am")).to_be_visible()
    audit.check("73-form-final")
    _no_sideways_scroll(page)
    page.get_by_role("link", name="Druckansicht").click()
    expect(page.get_by_text("Sucht eine Wohnung")).to_be_visible()
    audit.check("74-form-print")
