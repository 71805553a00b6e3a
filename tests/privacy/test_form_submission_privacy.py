"""Form answers in the personal-data registry: erasure removes a person's submissions (those of
their cases and their own person forms), anonymisation blanks free text and identifying answers
and keeps the coded ones for statistics, and the Art. 15 package lists every submission with
German labels, internal fields included. Canaries in every free-text answer are searched for in
every column of every table afterwards."""

from __future__ import annotations

from sqlalchemy import String, cast, func, select

from core.db import db
from core.forms import submissions
from core.forms.models import FormSubmission
from core.privacy import erasure
from core.privacy.registry import tenant_registry
from core.tenancy.context import unscoped
from tests.integration.forms_kit import (
    KEY,
    in_tenant,
)

NEEDLE = "formkanarie"


def _residue(app) -> dict[str, int]:
    found = {}
    with app.app_context(), unscoped():
        for table in db.metadata.sorted_tables:
            for column in table.columns:
                count = db.session.scalar(
                    select(func.count())
                    .select_from(table)
                    .where(func.lower(cast(column, String)).like(f"%{NEEDLE}%"))
                )
                if count:
                    found[f"{table.name}.{column.name}"] = count
        db.session.rollback()
    return found


def _answers(tag: str) -> dict:
    return {
        "name": f"Name {NEEDLE}{tag}",
        "geburtsdatum": "1990-05-17",
        "zg2_unterversorgung": True,
        "zg2_bereiche": ["arbeit", "wohnen", "other"],
        "zg2_bereiche_other": f"Schulden {NEEDLE}{tag}",
        "kinder": [{"vorname": f"Kind {NEEDLE}{tag}", "alter": 7}],
        "gesundheit": f"Diagnose {NEEDLE}{tag}",
        "notiz": f"Intern {NEEDLE}{tag}",
        "fazit": "krise",
        "krise_grund": f"Grund {NEEDLE}{tag}",
    }


def _fill(app, tenant_, case_id: int) -> tuple[int, int]:
    """A final that was corrected (two finals and the chain), a draft, and a person form."""
    from core.cases.models import Case

    with in_tenant(app, tenant_) as tenant:
        case = db.session.get(Case, case_id)
        first = submissions.create(None, tenant, case, KEY, _answers("eins"), final=True)
        fix = submissions.correct(None, tenant, first, f"Korrektur {NEEDLE}grund")
        submissions.finalise(None, tenant, fix, _answers("zwei"))
        submissions.create(None, tenant, case, KEY, {"name": f"Entwurf {NEEDLE}"}, final=False)
        submissions.create(
            None,
            tenant,
            case.person,
            "formfix.person_note",
            {"text": f"Notiz {NEEDLE}"},
            final=True,
        )
        db.session.commit()
        return first.id, case.person_id


def test_erasure_removes_every_submission_of_the_person(forms_world):
    from core.persons.models import Person

    app, a = forms_world["app"], forms_world["a"]
    _first, person_id = _fill(app, a, forms_world["a_case"].id)
    assert set(_residue(app)) == {"form_submission.data", "form_submission.correction_reason"}
    with in_tenant(app, a) as tenant:
        erasure.erase(db.session.get(Person, person_id), tenant_registry(tenant), rule="test")
        db.session.commit()
        assert db.session.scalar(select(func.count()).select_from(FormSubmission)) == 0
    assert _residue(app) == {}


def test_anonymisation_keeps_coded_answers_only(forms_world):
    from core.persons.models import Person

    app, a = forms_world["app"], forms_world["a"]
    first, person_id = _fill(app, a, forms_world["a_case"].id)
    with in_tenant(app, a) as tenant:
        erasure.anonymise(db.session.get(Person, person_id), tenant_registry(tenant), rule="test")
        db.session.commit()
    assert _residue(app) == {}
    with in_tenant(app, a):
        row = db.session.get(FormSubmission, first)
        assert row.status == "final"  # still counted as a final checklist
        assert row.data == {
            "geburtsdatum": "1990-07-01",
            "zg2_unterversorgung": True,
            "zg2_bereiche": ["arbeit", "wohnen", "other"],
            "anzahl_bereiche": 3,
            "kinder": [{"alter": 7}],
            "fazit": "krise",
        }
        assert row.computed == {"anzahl_bereiche": 3}
        assert row.correction_reason == ""
        rows = db.session.scalars(select(FormSubmission)).all()
        assert len(rows) == 4  # nothing deleted: statistics keep their counts


def test_art_15_lists_submissions_with_german_labels(forms_world):
    from core.persons.models import Person
    from core.privacy.subject_access import build_package

    app, a = forms_world["app"], forms_world["a"]
    first, person_id = _fill(app, a, forms_world["a_case"].id)
    with in_tenant(app, a) as tenant:
        package = build_package(tenant, db.session.get(Person, person_id))
    records = [
        record
        for category in package["categories"]
        for record in category["records"]
        if record["table"] == "form_submission"
    ]
    assert records and records[0]["title"] == "Formulare"
    rows = {row["id"]: row for row in records[0]["rows"]}
    assert len(rows) == 4
    data = rows[first]["data"]
    assert data["form"] == "Checkliste Zugang (Test)"
    answers = {entry["field"]: entry for entry in data["answers"]}
    assert answers["fazit"]["label"] == "Fazit"
    assert answers["fazit"]["value"] == "Akute Krise – aufgenommen, weil"
    assert answers["krise_grund"]["label"] == "Akute Krise – aufgenommen, weil"
    assert answers["notiz"]["internal"] is True  # internal fields are the person's data too
    assert answers["gesundheit"]["special_category"] is True
    assert answers["zg2_bereiche"]["value"] == ["Arbeit", "Wohnen", "Sonstiges"]
    assert answers["zg2_bereiche_other"]["value"].startswith("Schulden")
    assert answers["kinder"]["value"][0][0]["label"] == "Vorname"


def test_art_15_of_a_tenant_without_the_plugin_has_no_plugin_form(forms_world, make_person):
    from core.persons.models import Person
    from core.privacy.subject_access import build_package

    app, b = forms_world["app"], forms_world["b"]
    from core.cases.models import Case

    with in_tenant(app, b) as tenant:
        case = db.session.get(Case, forms_world["b_case"].id)
        submissions.create(
            None, tenant, case, "core.assessment", {"zusammenfassung": "ok"}, final=False
        )
        db.session.commit()
        package = build_package(tenant, db.session.get(Person, case.person_id))
    text = str(package)
    assert "Assessment" in text
    assert "formfix" not in text and "Checkliste Zugang" not in text
