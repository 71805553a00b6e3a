"""The one macro set of the form engine on the test definition: every field type drawn with its
label, fieldsets and legends for choices, groups, repeats and sections, help and errors tied to
the inputs, an error summary that links to them, repeat rows without JavaScript, hidden fields
decided on the server; and the A4 print view (internal fields left out of client copies, blank
lines on an empty form, labels in the client's language)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import g
from werkzeug.datastructures import MultiDict

from core.forms.definitions import load_form_definitions
from core.forms.engine import parse_formdata, rows_to_show, validate
from core.forms.rendering import form_view, render_form, render_print, simple_rule

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "forms"
[FORM] = load_form_definitions(FIXTURES)
ANSWERS = {
    "name": "Erika Muster",
    "geburtsdatum": "1990-03-01",
    "fazit": "krise",
    "krise_grund": "Wohnungsverlust droht",
    "bereiche": ["arbeit", "other"],
    "bereiche_other": "Schulden",
    "zg2": True,
    "kinder": [{"vorname": "Ali", "geburtsjahr": 2015}],
    "stunden": 7.5,
    "datum": "2025-03-01",
    "einverstanden": True,
    "gesundheit": "Diabetes",
}


@pytest.fixture
def german(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        yield


def ids(html):
    return re.findall(r'id="([^"]+)"', html)


def test_every_input_has_a_label_and_unique_id(german):
    html = render_form(FORM, ANSWERS)
    found = ids(html)
    assert len(found) == len(set(found))
    for input_id in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html):
        assert f'for="{input_id}"' in html, input_id
    for legend in ("Fazit", "Bereiche mit Unterstützungsbedarf", "Zufriedenheit", "Kinder"):
        assert re.search(rf"<legend>{legend}", html), legend
    assert '<legend class="form-section__title">Angaben zur Person</legend>' in html
    assert "<legend>Kind 1</legend>" in html
    assert 'name="kinder-0-vorname"' in html and 'name="anschrift-strasse"' in html
    assert 'name="bereiche_other" type="text"' in html and 'value="Schulden"' in html
    assert 'inputmode="decimal"' in html and 'value="7.5"' in html
    assert '<span class="unit">Std.</span>' in html
    assert "Bitte alle Angaben mit der Person gemeinsam ausfüllen." in html
    assert "Unterschrift der beratenen Person" not in html  # the signature is for paper only
    assert 'src="/static/js/forms.js"' in html and "<script>" not in html


def test_values_are_shown_checked_and_selected(german):
    html = render_form(FORM, ANSWERS)
    assert re.search(r'value="krise" checked', html)
    assert re.search(r'value="arbeit" checked', html) and not re.search(
        r'value="wohnen" checked', html
    )
    assert re.search(r'name="einverstanden" type="checkbox" value="1" checked', html)
    assert 'value="Erika Muster"' in html
    assert re.search(r'<output for="" aria-live="polite">\d+</output>', html)  # computed age


def test_hidden_fields_are_decided_on_the_server(german):
    html = render_form(FORM, {"fazit": "aufgenommen"})
    assert re.search(
        r'data-show-when="fazit" data-show-op="eq" data-show-value="verwiesen" hidden', html
    )
    assert re.search(
        r'id="section-familie" data-show-when="zg2" data-show-op="true"[^>]*hidden', html
    )
    shown = render_form(FORM, {"fazit": "verwiesen", "zg2": "1"})
    assert re.search(r'data-show-value="verwiesen">', shown)
    assert re.search(r'id="section-familie"[^>]*data-show-op="true" data-show-value="">', shown)


def test_errors_are_tied_to_their_fields_and_summarised(german):
    result = validate(FORM, {"fazit": "krise", "zg2": True, "kinder": [{"geburtsjahr": "x"}]})
    html = render_form(
        FORM, {"fazit": "krise", "zg2": True, "kinder": [{"geburtsjahr": "x"}]}, result.errors
    )
    assert 'role="alert"' in html
    for path in ("name", "krise_grund", "kinder.0.vorname", "kinder.0.geburtsjahr", "fazit"):
        if path in result.errors:
            name = path.replace(".", "-")
            assert f'href="#f-{name}"' in html, path
            assert f'id="f-{name}"' in html, path
    assert re.search(
        r'id="e-krise_grund-1">Bitte füllen Sie dieses Feld aus.</p>\s*'
        r'<textarea id="f-krise_grund"[^>]*'
        r'aria-describedby="e-krise_grund-1" aria-invalid="true" aria-required="true"',
        html,
    )
    assert "Name: Bitte füllen Sie dieses Feld aus." in html  # the summary names the field
    assert "Kind 1 – Vorname: Bitte füllen Sie dieses Feld aus." in html  # and the row
    assert (
        '<input id="f-kinder-0-geburtsjahr" name="kinder-0-geburtsjahr" type="text" value="x"'
        in html
    )


def test_help_texts_are_described(german):
    html = render_form(FORM, {})
    assert re.search(
        r'<fieldset class="field field--multi"[^>]*aria-describedby="h-bereiche"', html
    )
    assert '<p class="field__hint" id="h-bereiche">Alles ankreuzen, was zutrifft.</p>' in html


def test_repeat_rows_without_javascript(german):
    post = MultiDict([("kinder-0-vorname", "Ali"), ("zg2", "1"), ("_add_row", "kinder")])
    answers = parse_formdata(FORM, post)
    html = render_form(FORM, answers, {}, "de", rows_to_show(FORM, post))
    assert "<legend>Kind 1</legend>" in html and "<legend>Kind 2</legend>" in html
    assert 'name="_add_row" value="kinder" formnovalidate' in html
    assert 'name="_remove_row" value="kinder-1" formnovalidate>Kind 2 entfernen' in html
    assert "Weitere Zeile" in html


def test_labels_in_the_chosen_language(german):
    html = render_form(FORM, {"fazit": "krise"}, {}, "en")
    assert "<legend>Conclusion" in html and "Acute crisis – taken up because" in html
    assert 'lang="en"' in html
    assert "Something else" in html  # the "other" option as the translation names it
    assert '<span class="unit">hrs</span>' in html
    assert "Sonstiges" in html  # the second "other" has no entry: core's own word, in German


def test_simple_rules_are_mirrored_and_complex_ones_are_not():
    assert simple_rule("fazit == 'x'") == {"when": "fazit", "op": "eq", "value": "x"}
    assert simple_rule("'x' != fazit") == {"when": "fazit", "op": "ne", "value": "x"}
    assert simple_rule("'a' in bereiche") == {"when": "bereiche", "op": "in", "value": "a"}
    assert simple_rule("selected(bereiche, 'a')") == {"when": "bereiche", "op": "in", "value": "a"}
    assert simple_rule("not zg2") == {"when": "zg2", "op": "false", "value": ""}
    assert simple_rule("zg2 == true") == {"when": "zg2", "op": "true", "value": ""}
    assert simple_rule("count(bereiche) >= 3") is None
    assert simple_rule("a == 'x' and b") is None
    assert simple_rule(None) is None


def test_the_view_model(german):
    view = form_view(FORM, ANSWERS)
    fazit = next(f for s in view.sections for f in s.fields if f.path == "fazit")
    assert (
        fazit.required
        and fazit.visible
        and fazit.options[2] == ("krise", "Akute Krise – aufgenommen, weil", True)
    )
    grund = next(f for s in view.sections for f in s.fields if f.path == "krise_grund")
    assert grund.required  # required_if holds for these answers
    assert not view.empty and form_view(FORM, {}).empty


# --- print ---------------------------------------------------------------------------------


@pytest.fixture
def tenant_request(app, make_tenant):
    tenant = make_tenant("formprint")
    with app.test_request_context(f"/{tenant.slug}/forms", headers={"Accept-Language": "de"}):
        g.tenant = tenant
        yield tenant


def test_print_shows_german_labels_and_values_not_codes(tenant_request):
    html = render_print(FORM, ANSWERS)
    assert "<h1>Testformular „Alle Feldarten&#34;</h1>" in html or "Testformular" in html
    assert "Akute Krise – aufgenommen, weil" in html
    assert "☒</span> Arbeit" in html and "☐</span> Wohnen" in html and "Schulden" in html
    assert "01.03.1990" in html and "7,5 Std." in html
    assert "Wohnungsverlust droht" in html  # internal, but this is the office copy
    assert "Diabetes" not in html  # print: false
    assert "Quelle: Lotse-Testsuite, Anlage 1" in html and "Version 2" in html
    assert "signature-line" in html and "Unterschrift der beratenen Person" in html
    assert "krise<" not in html and ">arbeit<" not in html


def test_a_client_copy_leaves_internal_fields_out_and_speaks_the_clients_language(tenant_request):
    html = render_print(FORM, ANSWERS, locale="en", client_copy=True)
    assert "Wohnungsverlust droht" not in html
    assert "Acute crisis – taken up because" in html and "Date of birth" in html
    assert '<html lang="en" dir="ltr">' in html
    assert "Place, date" in html and "Ort, Datum" not in html


def test_an_empty_form_prints_with_blank_lines_and_boxes(tenant_request):
    html = render_print(FORM, {})
    assert html.count('class="print-line"') >= 8
    assert "☒" not in html and "☐</span> Die Beratung wird aufgenommen." in html
    assert "verwiesen an" in html  # conditional fields are printed too: paper decides
    assert html.count("<tr><td>") == 3  # three blank rows for the children


def test_read_only_answers_are_shown_and_sent_back(german):
    from core.forms.definitions import Field, FormDefinition, Option

    definition = FormDefinition(
        "demo.readonly",
        1,
        "Nur lesen",
        (
            Field("name", "text", "Name", readonly=True),
            Field("ok", "boolean", "Einwilligung liegt vor", readonly=True),
            Field(
                "art", "choice", "Art", options=(Option("a", "A"), Option("b", "B")), readonly=True
            ),
        ),
    )
    html = render_form(definition, {"name": "Erika", "ok": True, "art": "b"})
    assert re.search(r'value="Erika"[^>]* readonly>', html)
    assert '<input type="hidden" name="ok" value="1">' in html
    assert '<input type="hidden" name="art" value="b">' in html
    post = MultiDict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]+)">', html))
    assert parse_formdata(definition, post) == {"ok": True, "art": "b"}
