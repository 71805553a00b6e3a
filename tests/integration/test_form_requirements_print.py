"""A phase requirement per form (``form.<key>``): a fixture plugin's Regelkreis requires a final
access checklist before the goal agreement. And the print view and PDF of every shipped
definition (A4, a sane page count, the client's copy without internal fields, the client's
language where the definition has a translation)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from core.db import db
from core.forms import submissions
from tests.contract.plugin_kit import build_app, enable
from tests.integration.forms_kit import (
    KEY,
    VALID,
    formfix_plugin,
    in_tenant,
)


def _require_checklist(tenant, regelkreis):
    for phase in regelkreis.case_types["case_management"].phases:
        if phase.key == "goal_agreement":
            phase.requires = (*phase.requires, f"form.{KEY}")


@pytest.fixture(scope="module")
def strict_app(_db_url, tmp_path_factory, app):
    return build_app(
        _db_url,
        tmp_path_factory.mktemp("strict"),
        formfix_plugin(lotse_adjust_regelkreis=_require_checklist),
    )


def _admit(case):
    """A positive access decision, as the Zugangsprüfung records it (its own tests cover how)."""
    from datetime import date

    from core.cases.models import AccessDecision

    db.session.add(
        AccessDecision(
            case_id=case.id,
            admitted=True,
            outcome="admitted",
            reason="passt",
            decided_on=date.today(),
        )
    )
    db.session.flush()


def test_a_phase_can_require_a_final_form(strict_app, make_tenant, make_case):
    from core.cases import phases
    from core.cases.models import Case, PhaseTransition
    from core.cases.requirements import phase_requirements
    from core.schemas import ValidationError

    tenant_ = make_tenant()
    enable(strict_app, tenant_, "formfix")
    case_ = make_case(tenant_)
    with in_tenant(strict_app, tenant_) as tenant:
        assert f"form.{KEY}" in phase_requirements(tenant)
        assert "form.core.assessment" in phase_requirements(tenant)
        case = db.session.get(Case, case_.id)
        case.phase = "assessment"
        _admit(case)
        with pytest.raises(ValidationError) as caught:
            phases.move_to_phase(None, tenant, case, {"phase": "goal_agreement"})
        assert caught.value.errors["phase"] == [
            "Das Formular „Checkliste Zugang (Test)“ muss zuerst abgeschlossen werden."
        ]
        db.session.rollback()
        case = db.session.get(Case, case_.id)
        case.phase = "assessment"
        draft = submissions.create(None, tenant, case, KEY, VALID, final=False)
        with pytest.raises(ValidationError):  # a draft is not enough
            phases.move_to_phase(None, tenant, case, {"phase": "goal_agreement"})
        db.session.rollback()
        case = db.session.get(Case, case_.id)
        case.phase = "assessment"
        _admit(case)
        draft = submissions.create(None, tenant, case, KEY, VALID, final=True)
        phases.move_to_phase(None, tenant, case, {"phase": "goal_agreement"})
        db.session.commit()
        assert case.phase == "goal_agreement" and draft.status == "final"
        moves = db.session.query(PhaseTransition).filter_by(to_phase="goal_agreement").count()
        assert moves == 1


def _shipped_definitions(app, tenant_):
    """Every definition the installed plugins and core ship, for a tenant with all plugins."""
    from core.forms.services import form_definitions

    with in_tenant(app, tenant_) as tenant:
        return list(form_definitions(tenant, app.extensions["lotse.pm"].hook).values())


def _example_answers(defn) -> dict:
    """A valid persona's answers, or an empty form (prints with blank lines)."""
    for persona in defn.personas:
        if persona.expect.get("valid", True) and not persona.expect.get("errors"):
            return dict(persona.answers)
    return {}


def test_every_shipped_definition_prints_to_a4(forms_world, make_tenant):
    from core.cases.models import Case
    from core.forms.models import FormSubmission
    from core.forms.printing import submission_pdf

    app, a = forms_world["app"], forms_world["a"]
    definitions = _shipped_definitions(app, a)
    assert {d.key for d in definitions} >= {KEY, "core.assessment"}
    with in_tenant(app, a) as tenant:
        case = db.session.get(Case, forms_world["a_case"].id)
        for defn in definitions:
            submission = FormSubmission(
                form_key=defn.key,
                form_version=defn.version,
                attaches_to="case",
                case_id=case.id,
                person_id=case.person_id,
                status="final",
                data=_example_answers(defn),
                computed={},
                version_no=1,
            )
            for client_copy in (False, True):
                body = submission_pdf(
                    tenant, case, submission, defn, locale="de", client_copy=client_copy
                )
                reader = PdfReader(io.BytesIO(body))
                assert 1 <= len(reader.pages) <= 20, defn.key
                for page in reader.pages:
                    box = page.mediabox
                    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_pdf_and_print_view_of_a_submission(forms_world):
    from core.cases.models import Case

    app, a, case_ = forms_world["app"], forms_world["a"], forms_world["a_case"]
    with in_tenant(app, a) as tenant:
        case = db.session.get(Case, case_.id)
        sid = submissions.create(
            None, tenant, case, KEY, {**VALID, "notiz": "Nur intern"}, final=True
        ).id
        db.session.commit()
    browser, slug = forms_world["a_browser"], a.slug
    base = f"/{slug}/cases/{case_.id}/forms/{sid}"
    response = browser.get(f"{base}/pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    full = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Nur intern" in full and "Akute Krise" in full
    response = browser.get(f"{base}/pdf?copy=client&lang=en")
    client = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "Nur intern" not in client
    assert "Acute crisis" in client  # the client's language
    # A language the definition has no translation for falls back to German.
    response = browser.get(f"{base}/pdf?lang=xx")
    assert "Akute Krise" in "".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages
    )


def test_print_view_client_copy_and_language(forms_world, make_person, make_case):
    from core.cases.models import Case

    app, a = forms_world["app"], forms_world["a"]
    person = make_person(a, first_name="Amal", last_name="Haddad", languages=["ar", "en"])
    case_ = make_case(a, person, actor=forms_world["a_email"])
    with in_tenant(app, a) as tenant:
        case = db.session.get(Case, case_.id)
        sid = submissions.create(
            None, tenant, case, KEY, {**VALID, "notiz": "Nur intern"}, final=True
        ).id
        db.session.commit()
    browser, slug = forms_world["a_browser"], a.slug
    base = f"/{slug}/cases/{case_.id}/forms/{sid}/print"
    status, html = browser.text(base)
    assert status == 200
    assert "Nur intern" in html and "Akute Krise" in html and 'lang="de"' in html
    assert "Testkonzept 2026, Anlage 1" in html  # the source in the footer
    # The client's copy: internal fields left out, in the client's first language the form
    # has a translation for (Arabic has none, English has).
    status, html = browser.text(f"{base}?copy=client")
    assert status == 200 and "Nur intern" not in html
    assert "Acute crisis" in html and 'lang="en"' in html
    status, html = browser.text(f"{base}?copy=client&lang=de")
    assert "Nur intern" not in html and "Akute Krise" in html
