"""Anonymisation leaves no free text that identifies (issue #8, item 18): nationality and languages
are ISO codes with German labels, every other free text of a client table is blanked, an open case
closes as "anonymised", the birth date shows as year only, organisations named in a help plan stay.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import select

from core.cases.models import AccessDecision, Case, HelpPlan, HelpPlanItem
from core.db import db
from core.persons.models import Person
from core.privacy import erasure
from core.privacy.registry import KEEP, registry, tenant_registry
from core.tenancy.context import tenant_scope
from core.tenancy.models import Tenant


def test_every_kept_text_column_of_a_client_table_is_a_code(app):
    """Walk the registry: a text column that anonymisation keeps must be a declared code column."""
    with app.app_context():
        offenders = []
        codes = registry().code_columns()
        for table in registry().client_tables():
            columns = db.metadata.tables[table.table].c
            for name, (_category, action) in table.columns.items():
                if action == KEEP and isinstance(columns[name].type, sa.String | sa.Text | sa.JSON):
                    if f"{table.table}.{name}" not in codes:
                        offenders.append(f"{table.table}.{name}")
        assert offenders == []


def test_anonymisation_keeps_codes_blanks_text_and_closes_the_case(app, world, sign_in):
    a = world["a"]
    cm = sign_in("priv", world["email"])
    with app.test_request_context(), tenant_scope(world["tenant"]):
        # A help-plan partner that names an organisation (a recipient category of the tenant).
        plan_id = db.session.scalar(select(HelpPlan.id).where(HelpPlan.case_id == a.case_id))
        db.session.add(
            HelpPlanItem(
                plan_id=plan_id,
                measure="Termin vereinbaren",
                responsible="partner",
                partner_name="Jobcenter / Agentur für Arbeit",
            )
        )
        person = db.session.get(Person, a.person_id)
        assert person.nationality == "SY"  # "syrisch" in the fixture, stored as the code
        erasure.anonymise(
            person, tenant_registry(db.session.get(Tenant, world["tenant"].id)), rule="test"
        )
        db.session.commit()
        person = db.session.get(Person, a.person_id)
        assert (person.nationality, person.birth_date.year) == ("SY", 1990)
        case = db.session.get(Case, a.case_id)
        assert (case.status, case.closure_reason) == ("closed", "anonymised")
        assert (
            db.session.scalar(
                select(AccessDecision.target_group).where(AccessDecision.case_id == a.case_id)
            )
            == ""
        )
        partners = set(
            db.session.scalars(
                select(HelpPlanItem.partner_name).where(HelpPlanItem.plan_id == plan_id)
            )
        )
        assert partners == {
            "",
            "Jobcenter / Agentur für Arbeit",
        }  # the canary partner went, the organisation stayed
    # Out of the caseload; the case page shows the birth year only and the German labels.
    assert f"/priv/cases/{a.case_id}" not in cm.get("/priv/cases/").get_data(as_text=True)
    page = cm.get(f"/priv/cases/{a.case_id}").get_data(as_text=True)
    assert "* 1990" in page and "01.07.1990" not in page and "Anonymisiert" in page


def test_person_form_offers_lists_and_stores_codes(app, world, sign_in):
    cm = sign_in("priv", world["email"])
    form = cm.get("/priv/persons/new").get_data(as_text=True)
    assert (
        'list="country-options"' in form
        and '<option value="Syrien">' in form
        and '<option value="Arabisch">' in form
    )
    bad = cm.post(
        "/priv/persons/new",
        {
            "first_name": "Rana",
            "last_name": "Kodiert",
            "nationality": "Atlantis",
            "languages": ["Arabisch", "Zwergisch"],
        },
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "Bitte wählen Sie ein Land aus der Liste." in text
    assert "Bitte wählen Sie eine Sprache aus der Liste." in text
    saved = cm.post(
        "/priv/persons/new",
        {
            "first_name": "Rana",
            "last_name": "Kodiert",
            "nationality": "Syrien",
            "languages": ["Arabisch", "Englisch", ""],
            "interpreter_needed": "1",
            "interpreter_language": "Kurdisch (Kurmandschi)",
        },
    )
    assert saved.status_code == 302
    with app.app_context(), tenant_scope(world["tenant"]):
        person = db.session.scalar(select(Person).where(Person.last_name == "Kodiert"))
        assert (person.nationality, person.languages, person.interpreter_language) == (
            "SY",
            ["ar", "en"],
            "ku",
        )
        person_id = person.id
    edit = cm.get(f"/priv/persons/{person_id}").get_data(as_text=True)
    assert 'value="Syrien"' in edit and 'value="Arabisch"' in edit and 'value="Englisch"' in edit
    assert 'value="SY"' not in edit


def test_api_takes_and_returns_codes_with_the_allowed_values_in_the_schema(app, world, new_browser):
    b = new_browser()
    b.login("priv", world["email"])
    headers = {"X-CSRFToken": b.token}
    spec = b.client.get("/priv/api/v1/openapi.json").json
    schema = spec["components"]["schemas"]["Person"]["properties"]
    assert "SY" in schema["nationality"]["enum"] and "ar" in schema["languages"]["items"]["enum"]
    bad = b.client.post(
        "/priv/api/v1/persons",
        json={"first_name": "Api", "last_name": "Kodiert", "nationality": "ZZZ"},
        headers=headers,
    )
    assert bad.status_code == 422 and "nationality" in bad.json["errors"]
    created = b.client.post(
        "/priv/api/v1/persons",
        json={
            "first_name": "Api",
            "last_name": "Kodiert",
            "nationality": "UA",
            "languages": ["uk", "ru"],
            "interpreter_language": "uk",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.json
    assert (created.json["nationality"], created.json["languages"]) == ("UA", ["uk", "ru"])


def test_access_package_shows_german_names_not_codes(app, world, sign_in):
    cm = sign_in("priv", world["email"])
    package = cm.get(f"/priv/persons/{world['a'].person_id}/data-export.json").json
    records = next(c for c in package["categories"] if c["key"] == "client_master")["records"]
    values = [row for table in records if table["table"] == "person" for row in table["rows"]]
    assert values and values[0]["nationality"] == "Syrien"


def test_migration_converts_free_text_to_codes(tmp_path):
    """0009 on a database with free text: names, adjectives and codes become codes; the rest is
    kept in the correction trail and the field becomes unknown."""
    from core import migrate
    from core.app import create_app
    from core.testing.pytest_plugin import make_test_config

    url = f"sqlite:///{tmp_path / 'migrate.db'}"
    app = create_app(make_test_config(url, tmp_path))
    with app.app_context():
        migrate.upgrade("0006_data_protection")
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO tenant (id, slug, name, kind, active, default_locale, locales, "
                    "theme, settings, plugins_version, created_at) "
                    "VALUES (1, 'alt', 'Alt', 'kreis', 1, 'de', '[\"de\"]', '{}', '{}', 0, "
                    "'2026-01-01 00:00:00')"
                )
            )
            for pid, nationality, languages, interpreter in (
                (1, "syrisch", '["Arabisch (Syrisch)", "Deutsch (B1)"]', "Kurdisch (Kurmandschi)"),
                (2, "Atlantis", '["Zwergisch", "en"]', "Elbisch"),
                (3, "Ukraine", "[]", ""),
            ):
                conn.execute(
                    sa.text(
                        "INSERT INTO person (id, tenant_id, first_name, last_name, other_names, "
                        "gender, nationality, languages, "
                        "interpreter_needed, interpreter_language, residence_status, street, "
                        "postcode, city, phone, email, name_key, "
                        "sort_name, updated_at, version, restriction_reason, created_at) VALUES "
                        "(:id, 1, 'A', 'B', '', 'female', :n, "
                        ":l, 0, :i, 'unknown', '', '', '', '', '', '', '', '2026-01-01 00:00:00', "
                        "1, '', '2026-01-01 00:00:00')"
                    ),
                    {"id": pid, "n": nationality, "l": languages, "i": interpreter},
                )
        migrate.upgrade("heads")
        with db.engine.begin() as conn:
            rows = {
                r.id: r
                for r in conn.execute(
                    sa.text(
                        "SELECT id, nationality, languages, interpreter_language FROM person ORDER "
                        "BY id"
                    )
                )
            }
            trail = conn.execute(
                sa.text("SELECT person_id, field, old_value FROM person_change ORDER BY id")
            ).all()
        db.engine.dispose()
    assert (
        rows[1].nationality,
        rows[1].languages.replace(" ", ""),
        rows[1].interpreter_language,
    ) == ("SY", '["ar","de"]', "ku")
    assert (
        rows[2].nationality,
        rows[2].languages.replace(" ", ""),
        rows[2].interpreter_language,
    ) == ("", '["en"]', "")
    assert rows[3].nationality == "UA"
    assert sorted((t.person_id, t.field, t.old_value) for t in trail) == [
        (2, "interpreter_language", "Elbisch"),
        (2, "languages", "Zwergisch"),
        (2, "nationality", "Atlantis"),
    ]
