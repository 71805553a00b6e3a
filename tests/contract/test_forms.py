"""Every shipped form definition loads, its personas behave and its translations are complete;
a definition whose persona fails, or whose rule names an unknown field, stops the start of the
app with a message naming the plugin, the form and the problem. Parametrised over the files, so a
new plugin form is covered without touching this module."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.forms.definitions import (
    LOCALE_PATTERN,
    Field,
    FormDefinition,
    Persona,
    Section,
    load_form_definitions,
)
from core.forms.engine import run_personas
from core.plugins.providers import ExtensionError
from tests.contract.plugin_kit import build_app, fake_plugin

ROOT = Path(__file__).resolve().parents[2]
FOLDERS = sorted(
    {
        p.parent
        for p in [*ROOT.glob("plugins/*/forms/*.yaml"), *ROOT.glob("tests/fixtures/forms/*.yaml")]
    }
)


def _definition_files():
    for folder in FOLDERS:
        for path in sorted(folder.glob("*.yaml")):
            stem = path.name[: -len(".yaml")]
            if not LOCALE_PATTERN.match(stem.rpartition(".")[2]) or "." not in stem:
                yield path


def _translation_files():
    for folder in FOLDERS:
        for path in sorted(folder.glob("*.*.yaml")):
            if LOCALE_PATTERN.match(path.name[: -len(".yaml")].rpartition(".")[2]):
                yield path


def _load(path: Path) -> FormDefinition:
    stem = path.name.split(".")[0]
    [found] = [
        d for d in load_form_definitions(path.parent) if Path(d.origin).name.startswith(f"{stem}.")
    ]
    return found


def test_the_test_definition_is_among_the_checked_files():
    assert any(p.name == "all_fields.yaml" for p in _definition_files())


@pytest.mark.parametrize("path", list(_definition_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_definition_loads_and_its_personas_behave(path):
    definition = _load(path)
    assert definition.personas, f"{path.name} ships no personas (example submissions)"
    assert run_personas(definition) == []


@pytest.mark.parametrize("path", list(_translation_files()), ids=lambda p: str(p.relative_to(ROOT)))
def test_shipped_translation_is_complete(path):
    locale = path.name[: -len(".yaml")].rpartition(".")[2]
    definition = _load(path)
    assert definition.missing_translations(locale) == []


def test_every_form_of_every_plugin_is_checked_at_start_up(app):
    """The app under test was built: the start-up check ran every persona of every plugin's
    definitions with all plugins enabled. Here once more, through the same hook."""
    from core.forms.services import form_definitions
    from core.plugins.checks import stand_in_tenant

    pm = app.extensions["lotse.pm"]
    with app.app_context():
        definitions = form_definitions(stand_in_tenant(), pm.hook)
        for definition in definitions.values():
            assert run_personas(definition) == [], definition.identity


def _form(persona_expect, rule="fazit == 'a'"):
    return FormDefinition(
        key="odd.form",
        version=1,
        title="Odd",
        sections=(
            Section(
                "s",
                "S",
                None,
                (
                    Field("fazit", "text", "Fazit"),
                    Field("grund", "text", "Grund", required_if=rule),
                ),
            ),
        ),
        personas=(Persona("Erika", {"fazit": "a"}, persona_expect),),
    )


def test_a_failing_persona_stops_the_start(_db_url, tmp_path):
    form = _form({"valid": True})
    with pytest.raises(ExtensionError) as caught:
        build_app(
            _db_url, tmp_path, fake_plugin("odd", lotse_form_definitions=lambda tenant: [form])
        )
    message = str(caught.value)
    assert "plugin 'odd'" in message and "form 'odd.form' version 1" in message
    assert "persona 'Erika' should be valid, but has errors (grund:" in message


def test_a_rule_naming_an_unknown_field_stops_the_start(_db_url, tmp_path):
    form = _form({"valid": False}, rule="fazt == 'a'")
    with pytest.raises(ExtensionError, match="unknown field 'fazt'"):
        build_app(
            _db_url, tmp_path, fake_plugin("odd", lotse_form_definitions=lambda tenant: [form])
        )


def test_a_behaving_persona_lets_the_app_start(_db_url, tmp_path):
    form = _form({"valid": False, "errors": ["grund"]})
    build_app(_db_url, tmp_path, fake_plugin("odd", lotse_form_definitions=lambda tenant: [form]))
