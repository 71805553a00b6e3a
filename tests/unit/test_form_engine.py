"""The form engine on the shipped test definition: types, required and required-if, options and
"other" texts, limits, repeat rows, hidden fields dropped, computed values, form validators, drafts,
the HTML post, prefill, the marshmallow and JSON schemas, and the personas. Messages in German."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from core.forms.definitions import Field, FormDefinition, Persona, Section, load_form_definitions
from core.forms.engine import (
    ADD_BUTTON,
    REMOVE_BUTTON,
    compute,
    json_schema,
    parse_formdata,
    prefill,
    repeat_rows,
    row_action,
    run_personas,
    schema_for,
    validate,
    visible_paths,
)
from core.plugin_api import FieldType
from core.schemas import ValidationError, load

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "forms"
[FORM] = load_form_definitions(FIXTURES)
TODAY = date(2025, 6, 15)
#: The smallest valid submission of the test form.
MINIMAL = {"name": "Erika", "fazit": "aufgenommen", "datum": "2025-03-01", "einverstanden": True}
REQUIRED = "Bitte füllen Sie dieses Feld aus."


@pytest.fixture
def german(app):
    with app.test_request_context(headers={"Accept-Language": "de"}):
        yield


def check(answers, **kwargs):
    return validate(FORM, answers, context={"today": TODAY}, **kwargs)


def test_a_minimal_valid_submission(german):
    result = check(MINIMAL)
    assert result.valid, result.errors
    assert result.data == MINIMAL | {"anzahl_bereiche": 0}
    assert result.computed == {"anzahl_bereiche": 0}


def test_required_fields_in_german(german):
    result = check({})
    assert result.errors == {
        "name": [REQUIRED],
        "fazit": ["Bitte wählen Sie eine Option."],
        "datum": [REQUIRED],
        "einverstanden": ["Bitte kreuzen Sie dieses Feld an."],
    }
    assert not result.valid


def test_required_if_and_hidden_fields(german):
    crisis = check(MINIMAL | {"fazit": "krise"})
    assert crisis.errors == {"krise_grund": [REQUIRED]}
    # A hidden field is neither checked nor kept.
    kept = check(MINIMAL | {"verwiesen_an": "Jobcenter", "krise_grund": "Wohnungsverlust"})
    assert kept.valid and "verwiesen_an" not in kept.data and "krise_grund" not in kept.data
    referred = check(MINIMAL | {"fazit": "verwiesen", "verwiesen_an": " Jobcenter "})
    assert referred.valid and referred.data["verwiesen_an"] == "Jobcenter"


@pytest.mark.parametrize(
    ("answers", "path", "message"),
    [
        ({"stunden": "abc"}, "stunden", "Bitte geben Sie eine Zahl ein."),
        ({"stunden": "61"}, "stunden", "Bitte geben Sie eine Zahl zwischen 0 und 60 ein."),
        ({"stunden": True}, "stunden", "Bitte geben Sie eine Zahl ein."),
        ({"stunden": float("nan")}, "stunden", "Bitte geben Sie eine Zahl ein."),
        ({"zufriedenheit": float("inf")}, "zufriedenheit", "zwischen 1 und 5"),
        ({"zufriedenheit": 6}, "zufriedenheit", "Bitte geben Sie eine Zahl zwischen 1 und 5 ein."),
        ({"zufriedenheit": "2.5"}, "zufriedenheit", "zwischen 1 und 5"),
        ({"geburtsdatum": "31.02.2000"}, "geburtsdatum", "Bitte geben Sie ein gültiges Datum ein."),
        ({"geburtsdatum": "2026-01-01"}, "geburtsdatum", "bis zum 15.06.2025"),
        ({"termin_zeit": "25:00"}, "termin_zeit", "HH:MM"),
        ({"email": "erika@"}, "email", "gültige E-Mail-Adresse"),
        ({"name": "x" * 121}, "name", "höchstens 120 Zeichen"),
        ({"name": ["Erika"]}, "name", "Bitte geben Sie einen Text ein."),
        ({"plz": "4611"}, "plz", "Bitte eine fünfstellige Postleitzahl eingeben."),
        ({"einverstanden": "vielleicht"}, "einverstanden", "Ja oder Nein"),
        ({"fazit": "unbekannt"}, "fazit", "Bitte wählen Sie einen Wert aus der Liste."),
        ({"bereiche": ["arbeit", "mond"]}, "bereiche", "aus der Liste"),
        ({"bereiche": "arbeit,wohnen"}, "bereiche", "aus der Liste"),
        ({"sprache": "other"}, "sprache_other", "Bitte beschreiben Sie die andere Antwort."),
        ({"bereiche": ["other"]}, "bereiche_other", "andere Antwort"),
        ({"kinder": [{"vorname": "A"}], "zg2": True}, "bereiche", "mindestens 3 Bereiche"),
        ({"hallo": 1}, "hallo", "nicht vorgesehen"),
        ({"anschrift": {"strasse": "Weg 1"}, "zg2": True}, "anschrift.ort", REQUIRED),
        ({"anschrift": "Weg 1", "zg2": True}, "anschrift", "Objekt"),
        ({"zg2": True, "bereiche": ["arbeit", "wohnen", "sprache"]}, "kinder", REQUIRED),
        (
            {"zg2": True, "bereiche": ["arbeit", "wohnen", "sprache"], "kinder": [{}]},
            "kinder.0.vorname",
            REQUIRED,
        ),
        (
            {"zg2": True, "kinder": [{"vorname": "A"}] * 9},
            "kinder",
            "höchstens 8 Zeilen",
        ),
        (
            {"zg2": True, "kinder": [{"vorname": "A", "geburtsjahr": 1900}]},
            "kinder.0.geburtsjahr",
            "zwischen 1950 und 2100",
        ),
        ({"geburtsdatum": "2025-04-01"}, "geburtsdatum", "vor dem Datum liegen"),
    ],
)
def test_each_rule_speaks_german_at_its_field(german, answers, path, message):
    result = check(MINIMAL | answers)
    assert path in result.errors, result.errors
    assert any(message in text for text in result.errors[path]), result.errors[path]


def test_values_are_typed_and_json_ready(german):
    result = check(
        MINIMAL
        | {
            "stunden": "7,5",
            "zufriedenheit": "4",
            "geburtsdatum": "01.03.1990",
            "termin_zeit": "09:30",
            "bereiche": ["wohnen", "arbeit", "wohnen"],
            "sprache": "other",
            "sprache_other": " Farsi ",
            "einverstanden": "on",
        }
    )
    assert result.valid, result.errors
    data = result.data
    assert data["stunden"] == 7.5 and data["zufriedenheit"] == 4
    assert data["geburtsdatum"] == "1990-03-01" and data["termin_zeit"] == "09:30"
    assert data["bereiche"] == ["arbeit", "wohnen"]  # option order, once each
    assert data["sprache_other"] == "Farsi" and data["einverstanden"] is True
    assert data["alter"] == 35 and result.computed["alter"] == 35


def test_other_text_is_dropped_when_other_is_not_chosen(german):
    result = check(MINIMAL | {"sprache": "de", "sprache_other": "Farsi"})
    assert result.valid and "sprache_other" not in result.data


def test_repeat_rows_computed_values_and_visibility_per_row(german):
    answers = MINIMAL | {
        "zg2": True,
        "bereiche": ["arbeit", "wohnen", "sprache"],
        "kinder": [
            {"vorname": "Ali", "geburtsjahr": "2015", "schule": "Grundschule"},
            {"vorname": "Mira", "geburtsjahr": 2022, "schule": "gibt es nicht"},
        ],
    }
    result = check(answers)
    assert result.valid, result.errors
    assert result.data["kinder"] == [
        {"vorname": "Ali", "geburtsjahr": 2015, "schule": "Grundschule"},
        {"vorname": "Mira", "geburtsjahr": 2022},  # hidden in this row: dropped
    ]
    assert result.computed == {"anzahl_bereiche": 3, "minderjaehrige": 2}
    visible = visible_paths(FORM, answers, today=TODAY)
    assert {"kinder", "kinder.0.schule", "kinder.1.vorname"} <= visible
    assert "kinder.1.schule" not in visible
    assert compute(FORM, answers, today=TODAY) == result.computed


def test_a_hidden_section_drops_its_answers(german):
    answers = MINIMAL | {"kinder": [{"vorname": "Ali"}], "anschrift": {"ort": "Oberhausen"}}
    result = check(answers)
    assert result.valid, result.errors
    assert "kinder" not in result.data and "anschrift" not in result.data
    assert "kinder" not in visible_paths(FORM, answers)


def test_computed_values_cannot_be_sent(german):
    result = check(MINIMAL | {"anzahl_bereiche": 99, "alter": 3})
    assert result.valid and result.data["anzahl_bereiche"] == 0 and "alter" not in result.data


def test_a_draft_skips_what_asks_for_an_answer_but_not_the_types(german):
    assert check({"name": "E"}, draft=True).valid
    assert check({"zg2": True, "bereiche": ["arbeit"]}, draft=True).valid
    assert set(check({"stunden": "viel"}, draft=True).errors) == {"stunden"}


def test_the_definitions_own_messages_follow_the_locale(german):
    result = validate(
        FORM,
        MINIMAL | {"zg2": True, "kinder": [{"vorname": "A"}], "plz": "1"},
        context={"today": TODAY, "locale": "en"},
    )
    assert result.errors["bereiche"] == ["For target group 2, at least 3 areas must be ticked."]
    assert result.errors["plz"] == ["Please enter a five-digit postcode."]


def test_not_a_mapping(german):
    [message] = check(["a"]).errors[""]  # type: ignore[arg-type]
    assert message.startswith("Bitte senden Sie ein Objekt")


# --- the HTML post ---------------------------------------------------------------------------


def test_parse_formdata():
    post = MultiDict(
        [
            ("name", " Erika "),
            ("bereiche", "arbeit"),
            ("bereiche", "wohnen"),
            ("bereiche_other", ""),
            ("einverstanden", "1"),
            ("zg2", "1"),
            ("kinder-0-vorname", "Ali"),
            ("kinder-0-geburtsjahr", "2015"),
            ("kinder-1-vorname", ""),
            ("kinder-1-geburtsjahr", ""),
            ("kinder-2-vorname", "Mira"),
            ("anschrift-strasse", "Weg 1"),
            ("anschrift-ort", ""),
            ("csrf_token", "x"),
            ("alter", "99"),
        ]
    )
    raw = parse_formdata(FORM, post)
    assert raw == {
        "name": " Erika ",
        "bereiche": ["arbeit", "wohnen"],
        "einverstanden": True,
        "zg2": True,
        "kinder": [{"vorname": "Ali", "geburtsjahr": "2015"}, {"vorname": "Mira"}],
        "anschrift": {"strasse": "Weg 1", "ort": ""},
    }
    post.add(REMOVE_BUTTON, "kinder-0")
    assert parse_formdata(FORM, post)["kinder"] == [{"vorname": "Mira"}]
    assert row_action(post) == ("remove", "kinder-0")


def test_rows_without_javascript():
    post = MultiDict([("kinder-0-vorname", "Ali"), (ADD_BUTTON, "kinder")])
    assert row_action(post) == ("add", "kinder")
    assert repeat_rows(FORM, post, "kinder") == 2
    assert repeat_rows(FORM, MultiDict([("kinder-0-vorname", "")]), "kinder") == 1
    assert row_action(MultiDict([("name", "x")])) is None


# --- prefill ---------------------------------------------------------------------------------


@dataclass
class _Person:
    first_name: str = "Erika"
    last_name: str = "Muster"
    birth_date: date | None = date(1990, 3, 1)
    password_hash: str = "secret"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}"


def test_prefill_reads_only_whitelisted_attributes():
    values = prefill(FORM, {"person": _Person()})
    assert values == {
        "name": "Erika Muster",
        "geburtsdatum": "1990-03-01",
        "datum": date.today().isoformat(),
    }
    definition = FormDefinition(
        key="demo.prefill",
        version=1,
        title="P",
        sections=(
            Section(
                "s",
                "S",
                None,
                (
                    Field("ok", "boolean", "OK", prefill="consent.processing"),
                    Field("wann", "date", "Wann", prefill="person.first_name"),
                    Field("geheim", "text", "G", prefill="person.password_hash"),
                ),
            ),
        ),
    )
    # The check refuses the source at load; prefill never reads it either way.
    values = prefill(definition, {"person": _Person(), "consent": {"processing": True}})
    assert values == {"ok": True}  # a value that does not fit its field is not offered


# --- schemas ---------------------------------------------------------------------------------


def test_the_marshmallow_schema_runs_the_engine(german):
    schema = schema_for(FORM)
    assert {"name", "fazit", "kinder", "bereiche_other"} <= set(schema().fields)
    assert load(schema, MINIMAL | {"stunden": 3})["stunden"] == 3
    with pytest.raises(ValidationError) as caught:
        load(schema, {"name": "E", "kinder": [{"geburtsjahr": "x"}], "zg2": True})
    assert {"fazit", "datum", "kinder.0.geburtsjahr", "kinder.0.vorname"} <= set(
        caught.value.errors
    )
    assert load(schema, {"name": "E"}, partial=True) == {"name": "E", "anzahl_bereiche": 0}


class _Postcode(FieldType):
    key = "demo.postcode"
    label = "PLZ"

    def schema_field(self, spec):
        from marshmallow import fields, validate

        return fields.String(validate=validate.Regexp(r"^\d{5}$"))


def test_plugin_field_types_still_work(german):
    definition = FormDefinition(
        "demo.plz", 1, "PLZ", (Field("plz", "demo.postcode", "PLZ", required=True),)
    )
    types = {"demo.postcode": _Postcode()}
    assert validate(definition, {"plz": "46117"}, field_types=types).data == {"plz": "46117"}
    assert validate(definition, {"plz": "461"}, field_types=types).errors == {
        "plz": ["String does not match expected pattern."]
    }
    assert validate(definition, {}, field_types=types).errors == {"plz": [REQUIRED]}
    with pytest.raises(ValidationError):
        load(schema_for(definition, field_types=types), {"plz": "4"})


def test_json_schema_describes_the_answers():
    schema = json_schema(FORM)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == FORM.title
    fazit = schema["properties"]["fazit"]
    assert fazit["enum"] == ["aufgenommen", "verwiesen", "krise"] and fazit["title"] == "Fazit"
    assert schema["properties"]["bereiche"]["items"]["enum"][-1] == "other"
    assert schema["properties"]["verwiesen_an"]["x-lotse-visible-if"] == "fazit == 'verwiesen'"
    assert schema["properties"]["kinder"]["x-lotse-visible-if"] == "zg2"
    assert schema["properties"]["kinder"]["items"]["required"] == ["vorname"]
    assert schema["properties"]["alter"]["readOnly"] is True
    assert "unterschrift" not in schema["properties"] and "hinweis" not in schema["properties"]
    assert set(schema["required"]) == {"name", "fazit", "datum", "einverstanden"}
    assert schema["x-lotse-validators"][0]["fields"] == ["bereiche"]
    assert json_schema(FORM, locale="en")["properties"]["fazit"]["title"] == "Conclusion"
    # What the engine accepts, the published schema accepts too.
    validator = jsonschema.Draft202012Validator(schema)
    for persona in FORM.personas:
        if persona.expect.get("valid"):
            stored = validate(FORM, persona.answers).data
            assert list(validator.iter_errors(stored)) == [], persona.name
    assert list(validator.iter_errors({"fazit": "nein"}))


# --- personas --------------------------------------------------------------------------------


def test_the_personas_of_the_test_form_behave():
    assert run_personas(FORM) == []


def test_a_persona_that_does_not_behave_is_reported(german):
    wrong = [
        Persona("Erika", dict(MINIMAL), {"valid": False}),
        Persona("Krise", MINIMAL | {"fazit": "krise"}, {"valid": True}),
        Persona("Zahl", dict(MINIMAL), {"computed": {"anzahl_bereiche": 4}}),
        Persona("Fehler", dict(MINIMAL), {"errors": ["name"]}),
        Persona("Sicht", dict(MINIMAL), {"visible": ["kinder"], "hidden": ["fazit"]}),
    ]
    broken = FormDefinition(
        key=FORM.key,
        version=FORM.version,
        title=FORM.title,
        sections=FORM.sections,
        personas=tuple(wrong),
    )
    problems = run_personas(broken)
    assert problems == [
        "persona 'Erika' should be invalid, but the engine accepts it",
        "persona 'Krise' should be valid, but has errors (krise_grund: "
        "Bitte füllen Sie dieses Feld aus.)",
        "persona 'Zahl': computed 'anzahl_bereiche' is 0, expected 4",
        "persona 'Fehler': expected an error at 'name', got none",
        "persona 'Sicht': 'kinder' should be visible",
        "persona 'Sicht': 'fazit' should be hidden",
    ]


def _small(*fields, validators=()):
    from core.forms.definitions import Validator

    return FormDefinition(
        key="demo.small",
        version=1,
        title="Klein",
        sections=(Section("s", "S", None, tuple(fields)),),
        validators=tuple(Validator(*v) for v in validators),
    )


def test_date_bounds_may_be_expressions_and_rows_have_their_own_rules(german):
    definition = _small(
        Field("beginn", "date", "Beginn"),
        Field("ende", "date", "Ende", params={"min": "beginn"}),
        Field(
            "personen",
            "repeat",
            "Personen",
            children=(
                Field("alter", "number", "Alter"),
                Field("schule", "text", "Schule", required_if="item.alter and item.alter < 18"),
            ),
            params={"max_items": 3},
        ),
        validators=[("count(personen) > 0 or is_set(beginn)", "Bitte etwas angeben.", ())],
    )
    result = validate(
        definition,
        {
            "beginn": "2025-05-01",
            "ende": "2025-04-30",
            "personen": [{"alter": 12}, {"alter": 40}],
        },
    )
    assert result.errors == {
        "ende": ["Bitte geben Sie ein Datum ab dem 01.05.2025 ein."],
        "personen.0.schule": [REQUIRED],
    }
    assert validate(definition, {}).errors == {"": ["Bitte etwas angeben."]}
    assert set(validate(definition, {"personen": [{}] * 4}).errors) == {"personen"}


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
_KEYS = st.sampled_from(
    [path.split(".")[0] for path, _spec in FORM.walk()] + ["bereiche_other", "x"]
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_KEYS, _JSON, max_size=8), st.booleans())
def test_any_json_body_gets_an_answer_never_an_exception(body, draft):
    result = validate(FORM, body, draft=draft)
    assert isinstance(result.errors, dict) and isinstance(result.data, dict)
    assert all(isinstance(k, str) and v for k, v in result.errors.items())
    json.dumps(result.data, allow_nan=False)  # what is stored is JSON (PostgreSQL's too)
