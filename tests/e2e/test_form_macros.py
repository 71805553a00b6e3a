"""The form engine's macros in a real browser: axe finds nothing serious, every field can be
reached and answered with the keyboard alone, forms.js mirrors the simple visibility rules, the
page has no horizontal scroll at 375 px, and the A4 print of the test form (filled and empty)
fits on two pages. The HTML comes from the real macros; the page is loaded with set_content
because the engine has no pages of its own (the submissions domain has them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import g

from core.forms.definitions import load_form_definitions
from core.forms.rendering import render_form, render_print
from core.plugins.checks import stand_in_tenant

ROOT = Path(__file__).resolve().parents[2]
[FORM] = load_form_definitions(ROOT / "tests" / "fixtures" / "forms")
CSS = (ROOT / "core" / "static" / "css" / "lotse.css").read_text(encoding="utf-8")
SCRIPT = ROOT / "core" / "static" / "js" / "forms.js"
FILLED = next(p for p in FORM.personas if p.name == "Zielgruppe 2 mit Kindern").answers


def _page_html(body: str) -> str:
    body = re.sub(r'<script src="[^"]*forms\.js" defer></script>', "", body)
    return (
        '<!doctype html><html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{FORM.title}</title><style>{CSS}</style></head><body><main class="main">'
        f'<h1>{FORM.title}</h1><form method="post" novalidate>{body}'
        '<button class="button" type="submit">Speichern</button></form></main></body></html>'
    )


@pytest.fixture
def form_html(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        return _page_html(render_form(FORM, {}))


@pytest.fixture
def print_html(app):
    with app.test_request_context("/startup-check/forms", headers={"Accept-Language": "de"}):
        g.tenant = stand_in_tenant()
        filled = render_print(FORM, FILLED)
        empty = render_print(FORM, {})
    inline = f"<style>{CSS}</style>"
    return [re.sub(r'<link rel="stylesheet"[^>]*>', inline, html) for html in (filled, empty)]


def _load(page, html):
    page.set_content(html)
    page.add_script_tag(path=str(SCRIPT))


def test_form_is_accessible_and_works_with_the_keyboard(page, audit, form_html):
    _load(page, form_html)
    audit.check("forms-01-empty")
    # Keyboard only: tab to the first option of "Fazit", move with the arrow keys.
    page.focus("#f-name")
    page.keyboard.type("Erika Muster")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "fazit":
            break
    assert page.evaluate("document.activeElement.name") == "fazit"
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#f-fazit-verwiesen")
    # forms.js mirrors the rule fazit == 'verwiesen'.
    assert page.is_visible("#f-verwiesen_an")
    assert not page.is_visible("#f-krise_grund")
    page.keyboard.press("ArrowDown")
    assert page.is_visible("#f-krise_grund") and not page.is_visible("#f-verwiesen_an")
    # The "other" text waits for its option; the family section for its checkbox.
    assert not page.is_visible("#f-bereiche_other")
    page.check("#f-bereiche-other")
    assert page.is_visible("#f-bereiche_other")
    assert not page.is_visible("#f-kinder-0-vorname")
    page.focus("#f-zg2")
    page.keyboard.press("Space")
    assert page.is_visible("#f-kinder-0-vorname")
    audit.check("forms-02-answered")


def test_no_horizontal_scroll_on_a_phone(page, form_html):
    page.set_viewport_size({"width": 375, "height": 800})
    _load(page, form_html)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_print_fits_a4(page, print_html, tmp_path):
    for name, html in zip(("filled", "empty"), print_html, strict=True):
        page.set_content(html)
        pdf = page.pdf(format="A4", print_background=False)
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert 1 <= pages <= 2, f"{name}: {pages} pages"
