"""Reading form definitions: the shipped test definition loads with every field type, and every
mistake a definition can make is an ExtensionError that names the file, the field and the
problem (so it stops the start, not a user)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from core.forms.definitions import (
    Field,
    FieldSpec,
    FormDefinition,
    Option,
    Section,
    check_definition,
    form_definition_from_dict,
    load_form_definitions,
)
from core.plugin_api import ExtensionError
from core.plugin_api import FormDefinition as PublicFormDefinition
from core.plugin_api import load_form_definitions as public_loader

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "forms"

BASE = {
    "key": "demo.form",
    "version": 1,
    "title": "Formular",
    "sections": [
        {
            "key": "eins",
            "title": "Eins",
            "fields": [
                {
                    "key": "fazit",
                    "type": "choice",
                    "label": "Fazit",
                    "options": [{"key": "a", "label": "A"}, {"key": "b", "label": "B"}],
                },
                {"key": "grund", "type": "text", "label": "Grund"},
                {
                    "key": "kinder",
                    "type": "repeat",
                    "label": "Kinder",
                    "fields": [{"key": "alter", "type": "number", "label": "Alter"}],
                },
            ],
        }
    ],
}


def with_change(change):
    data = copy.deepcopy(BASE)
    change(data)
    return data


def fields_of(data):
    return data["sections"][0]["fields"]


def load(data, translations=None):
    return form_definition_from_dict(data, translations, source_name="plugins/demo/forms/x.yaml")


def test_the_test_definition_loads_with_every_field_type():
    [definition] = load_form_definitions(FIXTURES)
    assert definition.identity == ("testing.all_fields", 2)
    assert definition.origin.endswith("all_fields.yaml")
    types = {spec.type for _path, spec in definition.walk()}
    assert types == {
        "text",
        "textarea",
        "email",
        "number",
        "date",
        "time",
        "boolean",
        "choice",
        "multi",
        "scale",
        "group",
        "repeat",
        "info",
        "computed",
        "signature",
    }
    assert definition.field("kinder.0.vorname").label == "Vorname"
    assert definition.field("anschrift.ort").required_if == "is_set(anschrift.strasse)"
    assert definition.field("bereiche").other == 1
    assert definition.field("bereiche").options[0] == Option("arbeit", "Arbeit")
    assert definition.phases == ("intake", "assessment")
    assert definition.mapping_from_previous == {"bereiche": "themen", "email": None}
    assert [s.key for s in definition.sections] == ["person", "lage", "familie", "abschluss"]
    assert definition.fields[0].key == "name"  # the top-level fields of all sections
    assert len(definition.personas) == 5


def test_labels_fall_back_to_german_and_translations_are_complete():
    [definition] = load_form_definitions(FIXTURES)
    assert definition.locales() == ("de", "en")
    assert definition.label("fazit") == "Fazit"
    assert definition.label("fazit", "en") == "Conclusion"
    assert definition.label("fazit", "ar") == "Fazit"
    assert definition.label("kinder.3.vorname", "en") == "First name"
    assert definition.label("fazit.options.krise", "en").startswith("Acute crisis")
    assert definition.label("sections.familie", "en") == "Family"
    assert definition.label("validators.0").startswith("Für die Zielgruppe 2")
    assert definition.label("zufriedenheit.labels.5", "en") == "very"
    assert definition.label("title", "en") == 'Test form "Every field type"'
    assert definition.label() == definition.title
    assert definition.missing_translations("en") == []
    assert "fazit" in definition.missing_translations("ar")


def test_public_api_exports_the_engine_names():
    assert PublicFormDefinition is FormDefinition
    assert public_loader is load_form_definitions


def test_the_first_python_shape_still_works():
    definition = FormDefinition(
        "demo.flat", 1, "Flach", (FieldSpec("x", "choice", "X", options=(("a", "A"),)),)
    )
    assert [s.key for s in definition.sections] == ["main"]
    assert definition.field("x").options == (Option("a", "A"),)
    check_definition(definition)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(key="Demo Form"), "key 'Demo Form' is not a lowercase"),
        (lambda d: d.update(version=0), "version 0 is not a whole number"),
        (lambda d: d.pop("title"), "title is missing"),
        (lambda d: d.update(colour="blau"), "unknown key 'colour'"),
        (lambda d: d.update(attaches_to="family"), "attaches_to 'family' is not one of"),
        (lambda d: d.update(sections=[]), "sections must be a non-empty list"),
        (
            lambda d: fields_of(d).append({"key": "x", "type": "slider", "label": "X"}),
            "field 'x': unknown type 'slider'",
        ),
        (
            lambda d: fields_of(d).append({"key": "grund", "type": "text", "label": "X"}),
            "key 'grund' is used twice in the form",
        ),
        (
            lambda d: fields_of(d).append({"key": "wahl", "type": "choice", "label": "Wahl"}),
            "field 'wahl': a choice field needs options",
        ),
        (
            lambda d: fields_of(d)[1].update(visible_if="fazit = 'a'"),
            "field 'grund': visible_if: unexpected character '=' at position 6",
        ),
        (
            lambda d: fields_of(d)[1].update(required_if="fazt == 'a'"),
            "field 'grund': required_if: unknown field 'fazt'",
        ),
        (
            lambda d: fields_of(d)[1].update(visible_if="item.alter > 3"),
            "'item.alter' only exists inside a repeat",
        ),
        (
            lambda d: fields_of(d)[2]["fields"].append(
                {"key": "x", "type": "text", "label": "X", "visible_if": "item.alt > 3"}
            ),
            "field 'kinder.x': visible_if: unknown field 'item.alt'",
        ),
        (
            lambda d: fields_of(d)[1].update(visible_if="count_where(kinder, 'item.groesse > 1')"),
            "unknown field 'item.groesse' in the condition",
        ),
        (
            lambda d: fields_of(d)[1].update(visible_if="count_where(grund, 'item.alter > 1')"),
            "count_where() needs a repeat field, not 'grund'",
        ),
        (
            lambda d: fields_of(d)[1].update(visible_if="kinder.alter > 3"),
            "unknown field 'kinder.alter'",
        ),
        (
            lambda d: fields_of(d)[1].update(colour="rot"),
            "field 'grund': unknown key(s) colour for type 'text'",
        ),
        (
            lambda d: fields_of(d).append({"key": "and", "type": "text", "label": "X"}),
            "key is a word of the expression language",
        ),
        (
            lambda d: fields_of(d).append({"key": "Gross", "type": "text", "label": "X"}),
            "key is not a lowercase identifier",
        ),
        (
            lambda d: fields_of(d).append({"key": "wert", "type": "computed", "label": "W"}),
            "a computed field needs compute",
        ),
        (
            lambda d: fields_of(d).append({"key": "g", "type": "group", "label": "G"}),
            "field 'g': a group needs fields",
        ),
        (
            lambda d: fields_of(d)[2]["fields"].append(
                {
                    "key": "inner",
                    "type": "repeat",
                    "label": "I",
                    "fields": [{"key": "y", "type": "text", "label": "Y"}],
                }
            ),
            "a repeat inside a repeat is not supported",
        ),
        (
            lambda d: fields_of(d)[2].update(max_items=1000),
            "max_items <= 200",
        ),
        (
            lambda d: fields_of(d)[0].update(other=3),
            "other must be true, false or 2",
        ),
        (
            lambda d: fields_of(d)[0].update(other=2),
            "two free lines (other: 2) only belong to multi fields",
        ),
        (
            lambda d: fields_of(d)[1].update(other=True),
            "other only belongs to choice and multi fields",
        ),
        (
            lambda d: fields_of(d)[0]["options"].append({"key": "a", "label": "A2"}),
            "option 'a' is there twice",
        ),
        (
            lambda d: (
                fields_of(d).append({"key": "fazit_other", "type": "text", "label": "X"})
                or fields_of(d)[0].update(other=True)
            ),
            "key 'fazit_other' is used twice",
        ),
        (
            lambda d: fields_of(d)[1].update(sensitive="very"),
            "sensitive must be art9",
        ),
        (
            lambda d: fields_of(d)[1].update(pattern="[0-9"),
            "pattern is not a regular expression",
        ),
        (
            lambda d: d.update(validators=[{"rule": "count(fazit) >", "message": "M"}]),
            "validators[0]: rule: unexpected end of expression",
        ),
        (
            lambda d: d.update(validators=[{"rule": "true", "message": "M", "fields": ["nix"]}]),
            "validators[0]: fields names unknown field 'nix'",
        ),
        (
            lambda d: d.update(validators=[{"rule": "true"}]),
            "validators[0].message is missing",
        ),
        (
            lambda d: d.update(prefill={"grund": "person.password_hash"}),
            "unknown source 'person.password_hash'",
        ),
        (
            lambda d: d.update(prefill={"nix": "today"}),
            "prefill names unknown field 'nix'",
        ),
        (
            lambda d: d.update(mapping_from_previous={"grund": "reason"}),
            "mapping_from_previous only belongs to a version above 1",
        ),
        (
            lambda d: d.update(personas=[{"name": "P", "answers": {"fazitt": "a"}}]),
            "persona 'P': answers unknown field 'fazitt'",
        ),
        (
            lambda d: d.update(personas=[{"name": "P", "answers": {"kinder": [{"alt": 3}]}}]),
            "persona 'P': answers unknown field 'kinder.alt'",
        ),
        (
            lambda d: d.update(personas=[{"name": "P", "expect": {"errors": ["nix"]}}]),
            "persona 'P': errors names unknown field 'nix'",
        ),
        (
            lambda d: d.update(personas=[{"name": "P", "expect": {"computed": {"grund": 1}}}]),
            "computed names 'grund', which is no computed field",
        ),
        (
            lambda d: d.update(personas=[{"name": "P", "expect": {"valide": True}}]),
            "unknown expectation 'valide'",
        ),
        (
            lambda d: d.update(personas=[{"name": "P"}, {"name": "P"}]),
            "persona 'P' is there twice",
        ),
        (
            lambda d: d["sections"][0].update(visible_if="nix"),
            "section 'eins': visible_if: unknown field 'nix'",
        ),
    ],
)
def test_mistakes_name_file_field_and_problem(change, message):
    with pytest.raises(ExtensionError) as caught:
        load(with_change(change))
    text = str(caught.value)
    assert text.startswith("plugins/demo/forms/x.yaml:")
    assert message in text


def test_all_problems_are_reported_at_once():
    def two_mistakes(d):
        fields_of(d)[1].update(visible_if="nix")
        fields_of(d).append({"key": "wahl", "type": "choice", "label": "Wahl"})

    with pytest.raises(ExtensionError, match="2 problem"):
        load(with_change(two_mistakes))


def test_translation_with_unknown_label_path():
    with pytest.raises(ExtensionError, match="translation 'en': unknown label path 'gruend'"):
        load(copy.deepcopy(BASE), {"en": {"title": "Form", "labels": {"gruend": "Reason"}}})
    definition = load(copy.deepcopy(BASE), {"en": {"labels": {"grund": "Reason"}}})
    assert definition.label("grund", "en") == "Reason"
    assert definition.label("fazit", "en") == "Fazit"


def test_files(tmp_path):
    (tmp_path / "a.yaml").write_text(
        "key: demo.a\ntitle: A\nfields: [{key: x, type: text, label: X}]\n"
    )
    (tmp_path / "a.en.yaml").write_text("title: A (en)\nlabels: {x: Ex}\n")
    (tmp_path / "notes.txt").write_text("not a form")
    [definition] = load_form_definitions(tmp_path)
    assert definition.label("x", "en") == "Ex" and definition.label("title", "en") == "A (en)"

    (tmp_path / "b.yaml").write_text(
        "key: demo.a\ntitle: B\nfields: [{key: x, type: text, label: X}]\n"
    )
    with pytest.raises(ExtensionError, match="version 1 is also defined in"):
        load_form_definitions(tmp_path)
    (tmp_path / "b.yaml").write_text("key: demo.b\ntitle: [unclosed\n")
    with pytest.raises(ExtensionError, match=r"b.yaml: line 3, column 1: not valid YAML"):
        load_form_definitions(tmp_path)
    (tmp_path / "b.yaml").unlink()
    (tmp_path / "c.de.yaml").write_text("title: C\n")
    with pytest.raises(ExtensionError, match="translation of 'c', but c.yaml is missing"):
        load_form_definitions(tmp_path)
    with pytest.raises(ExtensionError, match="does not exist"):
        load_form_definitions(tmp_path / "nope")


def test_a_definition_built_in_python_is_checked_the_same_way():
    definition = FormDefinition(
        key="demo.py",
        version=1,
        title="Python",
        sections=(
            Section(
                "s",
                "S",
                None,
                (Field("x", "text", "X", visible_if="y == 1"), Field("z", "postcode", "Z")),
            ),
        ),
    )
    with pytest.raises(ExtensionError) as caught:
        check_definition(definition)
    assert "form 'demo.py' version 1" in str(caught.value)
    assert "unknown field 'y'" in str(caught.value)
    assert "unknown type 'postcode'" in str(caught.value)


def test_field_lineage_follows_the_mappings_back_through_the_versions():
    """Reports count one field across versions: renamed via ``mapping_from_previous``, kept where
    unnamed and present, None where a version did not ask it."""
    from core.forms.definitions import field_lineage

    v1 = load(BASE)

    def v2_change(data):
        data["version"] = 2
        fields_of(data)[1]["key"] = "begruendung"  # "grund" renamed
        fields_of(data).append({"key": "neu", "type": "text", "label": "Neu"})
        data["mapping_from_previous"] = {"begruendung": "grund", "neu": None}

    v2 = load(with_change(v2_change))

    def v3_change(data):
        v2_change(data)
        data["version"] = 3
        data["mapping_from_previous"] = {}

    v3 = load(with_change(v3_change))
    assert field_lineage([v1, v2, v3], "begruendung") == {
        3: "begruendung",
        2: "begruendung",
        1: "grund",
    }
    assert field_lineage([v3, v1, v2], "neu") == {3: "neu", 2: "neu", 1: None}
    assert field_lineage([v1, v2, v3], "fazit") == {3: "fazit", 2: "fazit", 1: "fazit"}
    assert field_lineage([v1, v2, v3], "unbekannt") == {3: None, 2: None, 1: None}
    assert field_lineage([], "fazit") == {}
